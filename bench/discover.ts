// `npm run bench:discover`: how fast `discover` inventories a large repository, against the I/O floor
// measured in the same run on the same tree (walk + read every byte, and a plain SHA-256 pass), and
// how many of the labelled real model files in $BULWARK_DATA/model-samples/picklescan it finds.
// Tree size: BULWARK_BENCH_COPIES fixture copies (default 200) + as many source files + two large
// weight files of BULWARK_BENCH_MB MiB each (default 128).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { writeResult } from './lib.ts';
import { listFiles, sha256File } from '../src/core/index.ts';
import { buildFixture, safetensorsBytes } from '../src/discover/fixture.ts';
import { discover } from '../src/discover/index.ts';

const ROOT = join(import.meta.dirname, '..');
const COPIES = Number(process.env.BULWARK_BENCH_COPIES ?? 200);
const MB = Number(process.env.BULWARK_BENCH_MB ?? 128);
const DATA = resolve(ROOT, process.env.BULWARK_DATA ?? '../shared/data');
const SAMPLES = join(DATA, 'model-samples', 'picklescan');

const PY = `import os
import openai
from transformers import AutoTokenizer

def answer(question: str) -> str:
    client = openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"])
    out = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return out.choices[0].message.content

class Pipeline:
    def __init__(self, name="bert-base-uncased"):
        self.tok = AutoTokenizer.from_pretrained(name)
        self.cache = {}

    def run(self, rows):
        return [self.tok(r["text"], truncation=True, max_length=512) for r in rows if r.get("text")]
`;
const TS = `import Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';

const Input = z.object({ question: z.string().min(1).max(4000) });
const client = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });

export async function reply(raw: unknown): Promise<string> {
  const { question } = Input.parse(raw);
  const msg = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 512, messages: [{ role: 'user', content: question }] });
  return msg.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
}
`;

/** Wall time, and CPU time of this process (user + system): on a shared machine the CPU time is the steadier figure. */
async function timed<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  const t = performance.now();
  const c = process.cpuUsage();
  const v = await fn();
  const cpu = process.cpuUsage(c);
  return [v, performance.now() - t, (cpu.user + cpu.system) / 1000];
}

const work = await mkdtemp(join(tmpdir(), 'bw-bench-discover-'));
try {
  for (let i = 0; i < COPIES; i++) {
    const dir = join(work, `svc${i}`);
    mkdirSync(dir);
    buildFixture(dir, { symlink: false });
    // ~8 KiB source files, like a real service
    await writeFile(join(dir, 'app', `worker${i}.py`), PY.repeat(8));
    await writeFile(join(dir, 'web', 'src', `ui${i}.ts`), TS.repeat(12));
  }
  await mkdir(join(work, 'weights'));
  const header = safetensorsBytes().subarray(0, 8 + Number(safetensorsBytes().readBigUInt64LE(0)));
  for (const n of ['a', 'b']) {
    await writeFile(
      join(work, 'weights', `${n}.safetensors`),
      Buffer.concat([header, randomBytes(MB << 20)]),
    );
  }

  // Baselines: the I/O floor on the same tree.
  const [files, walkReadMs, walkReadCpu] = await timed(async () => {
    const list = await listFiles(work);
    for (const f of list) await readFile(join(work, f));
    return list;
  });
  let totalBytes = 0;
  const [, hashAllMs, hashAllCpu] = await timed(async () => {
    for (const f of files) totalBytes += (await sha256File(join(work, f))).size;
  });

  const [full, fullMs, fullCpu] = await timed(() => discover(work));
  const [quick, quickMs, quickCpu] = await timed(() => discover(work, { hash: false }));

  let recall: { found: number; labelled: number } | undefined;
  if (existsSync(SAMPLES)) {
    const labels = readFileSync(join(SAMPLES, 'labels.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const res = await discover(SAMPLES);
    const models = new Set(res.assets.filter((a) => a.kind === 'model').map((a) => a.uri));
    const wanted = labels.filter(([, label]) => label === 'malicious' || label === 'benign');
    recall = { found: wanted.filter(([f]) => models.has(f!)).length, labelled: wanted.length };
  }

  const mib = totalBytes / 2 ** 20;
  // Ratios are baseline time / discover time (above 1: faster than the baseline), on CPU time.
  const rows: Array<[string, number, number, number]> = [
    ['baseline: walk + read all', walkReadMs, walkReadCpu, 1],
    ['baseline: sha-256 all files', hashAllMs, hashAllCpu, 1],
    ['discover (hash artifacts)', fullMs, fullCpu, (walkReadCpu + hashAllCpu) / fullCpu],
    ['discover --no-hash', quickMs, quickCpu, walkReadCpu / quickCpu],
  ];
  console.log(
    `tree: ${files.length} files, ${mib.toFixed(0)} MiB (${COPIES} services + 2 × ${MB} MiB weights); ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory`,
  );
  console.log(
    `${'run'.padEnd(30)}${'wall ms'.padStart(10)}${'cpu ms'.padStart(10)}${'files/s'.padStart(10)}${'MiB/s'.padStart(10)}${'vs base'.padStart(10)}`,
  );
  for (const [name, ms, cpu, ratio] of rows) {
    console.log(
      `${name.padEnd(30)}${ms.toFixed(0).padStart(10)}${cpu.toFixed(0).padStart(10)}${((files.length / ms) * 1000).toFixed(0).padStart(10)}${(mib / (ms / 1000)).toFixed(0).padStart(10)}${ratio.toFixed(2).padStart(10)}`,
    );
  }
  console.log(
    `load average while running: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `found: ${full.assets.length} assets, ${full.findings.length} findings (${full.stats.artifacts} artifacts, ${full.stats.textFilesScanned} source/config files)`,
  );
  if (recall)
    console.log(`picklescan samples: ${recall.found}/${recall.labelled} labelled model files found`);
  else console.log(`no data at ${SAMPLES}: recall on real model files not measured`);

  writeResult('discover', {
    tree: { files: files.length, bytes: totalBytes, services: COPIES, weightMiB: MB },
    figures: rows.map(([name, ms, cpu, ratio]) => ({
      name,
      ms: Math.round(ms),
      cpuMs: Math.round(cpu),
      filesPerS: Math.round((files.length / ms) * 1000),
      mibPerS: Math.round(mib / (ms / 1000)),
      ratioToBaseline: Number(ratio.toFixed(3)),
    })),
    found: {
      assets: full.assets.length,
      findings: full.findings.length,
      quickAssets: quick.assets.length,
    },
    picklescanRecall: recall ?? null,
  });
  if (!recall) process.exitCode = 1;
} finally {
  await rm(work, { recursive: true, force: true });
}
