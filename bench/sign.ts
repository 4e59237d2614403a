// `npm run bench:sign`: encryption at rest and model signing on a 1 GiB file, each in its own child
// process so peak RSS is measured per operation. Baseline in the same run: a plain streamed copy
// (read + write) and a plain SHA-256 pass over the same file. Size: BULWARK_BENCH_MB (default 1024).
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeResult } from './lib.ts';
import { pipeline } from 'node:stream/promises';

const MB = Number(process.env.BULWARK_BENCH_MB ?? 1024);
const ROOT = join(import.meta.dirname, '..');
const FIX = join(ROOT, 'src', 'sign', 'fixtures');
const work = await mkdtemp(join(tmpdir(), 'bw-bench-sign-'));

function child(script: string, ...args: string[]): Record<string, number> {
  const r = spawnSync(process.execPath, [join(FIX, script), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

try {
  const model = join(work, 'model');
  await mkdir(model);
  const input = join(model, 'model.safetensors');
  // Incompressible content, written in 16 MiB blocks so the generator itself stays small.
  const fh = await open(input, 'w');
  const block = randomBytes(16 << 20);
  for (let written = 0; written < MB << 20; written += block.length)
    await fh.write(block, 0, Math.min(block.length, (MB << 20) - written));
  await fh.close();
  const bytes = MB << 20;

  let t = performance.now();
  await pipeline(createReadStream(input, { highWaterMark: 1 << 20 }), createWriteStream(join(work, 'copy')));
  const copyMs = performance.now() - t;
  await rm(join(work, 'copy'));
  t = performance.now();
  const h = createHash('sha256');
  for await (const c of createReadStream(input, { highWaterMark: 1 << 20 })) h.update(c as Buffer);
  h.digest();
  const hashMs = performance.now() - t;

  const crypt = child('crypt-child.ts', input, work);
  await rm(join(work, 'out.bwenc'));
  await rm(join(work, 'out.dec'));
  const sign = child('sign-child.ts', model);

  const mbps = (ms: number) => bytes / (1 << 20) / (ms / 1000);
  const rows = [
    ['baseline: streamed copy', copyMs, mbps(copyMs), 1, NaN],
    ['baseline: sha-256', hashMs, mbps(hashMs), 1, NaN],
    [
      'encrypt (aes-256-gcm)',
      crypt.encryptMs!,
      mbps(crypt.encryptMs!),
      copyMs / crypt.encryptMs!,
      crypt.maxRssBytes!,
    ],
    [
      'decrypt + authenticate',
      crypt.decryptMs!,
      mbps(crypt.decryptMs!),
      copyMs / crypt.decryptMs!,
      crypt.maxRssBytes!,
    ],
    ['sign (hash + ecdsa-p256)', sign.signMs!, mbps(sign.signMs!), hashMs / sign.signMs!, sign.maxRssBytes!],
    [
      'verify (hash + compare)',
      sign.verifyMs!,
      mbps(sign.verifyMs!),
      hashMs / sign.verifyMs!,
      sign.maxRssBytes!,
    ],
  ] as const;
  console.log(`file: ${MB} MiB, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory`);
  console.log(
    `${'operation'.padEnd(28)}${'ms'.padStart(10)}${'MiB/s'.padStart(10)}${'vs base'.padStart(10)}${'peak RSS MiB'.padStart(14)}`,
  );
  for (const [name, ms, rate, ratio, rss] of rows)
    console.log(
      `${name.padEnd(28)}${ms.toFixed(0).padStart(10)}${rate.toFixed(0).padStart(10)}${ratio.toFixed(2).padStart(10)}${(Number.isNaN(rss) ? '-' : (rss / 2 ** 20).toFixed(0)).padStart(14)}`,
    );
  const peak = Math.max(crypt.maxRssBytes!, sign.maxRssBytes!);
  console.log(
    `peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB: ${peak < 200 * 2 ** 20 ? 'within' : 'OVER'} the 200 MB budget`,
  );
  writeResult('sign', {
    fileBytes: bytes,
    figures: rows.map(([name, ms, rate, ratio, rss]) => ({
      name,
      ms: Math.round(ms),
      mibPerS: Math.round(rate),
      ratioToBaseline: Number(ratio.toFixed(3)),
      peakRssBytes: Number.isNaN(rss) ? null : rss,
    })),
    withinMemoryBudget: peak < 200 * 2 ** 20,
  });
  if (peak >= 200 * 2 ** 20) process.exitCode = 1;
} finally {
  await rm(work, { recursive: true, force: true });
}
