import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scanBuffer, scanPaths } from './index.ts';
import { writeTorchCheckpoint } from './testing.ts';

const PAYLOAD = Buffer.from(
  "cos\nsystem\n(S'echo bulwark-marker >> /tmp/bulwark-scan-marker'\ntR.",
  'latin1',
);

describe('scanPaths and scanBuffer', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bw-scan-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('scans a 300 MB checkpoint by reading only its pickle and headers', async () => {
    const path = join(dir, 'big.pt');
    writeTorchCheckpoint(path, 300 * 1024 * 1024, 4);
    const r = await scanPaths([path], { hash: false });
    assert.equal(r.files[0]!.size > 300 * 1024 * 1024, true);
    assert.equal(r.files[0]!.format, 'zip,pytorch-zip,pickle,text');
    assert.deepEqual(r.findings, []);
    assert.equal(r.summary.scanned, 1);
  });

  it('fails closed when a plain pickle is past the in-memory limit', async () => {
    const path = join(dir, 'huge.pkl');
    writeFileSync(path, Buffer.concat([PAYLOAD, Buffer.alloc(2048)]));
    const r = await scanPaths([path], { hash: false, limits: { maxInMemoryBytes: 1024 } });
    assert.equal(r.files[0]!.unscannable, true);
    assert.equal(r.findings[0]!.ruleId, 'scan.file.limit-reached');
    assert.equal(r.findings[0]!.severity, 'high');
  });

  it('walks directories recursively, hashes files and reports links that leave the tree', async () => {
    const root = join(dir, 'tree');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'sub', 'weights.npy.txt'), PAYLOAD);
    writeFileSync(join(root, 'README.md'), '# a model\n');
    symlinkSync('/etc/passwd', join(root, 'config.json'));
    const seen: string[] = [];
    const r = await scanPaths([root], { onProgress: (_d, _t, p) => seen.push(p) });
    assert.equal(r.summary.files, 3);
    assert.equal(seen.length, 3);
    const payload = r.files.find((f) => f.path.endsWith('weights.npy.txt'))!;
    assert.match(payload.sha256, /^[0-9a-f]{64}$/);
    assert.equal(payload.findings[0]!.severity, 'critical');
    const link = r.files.find((f) => f.path.endsWith('config.json'))!;
    assert.equal(link.findings[0]!.ruleId, 'scan.archive.path-traversal');
    assert.equal(link.findings[0]!.severity, 'high');
    assert.equal(r.files.find((f) => f.path.endsWith('README.md'))!.scanned, false);
  });

  it('scans an upload from memory with the same verdicts', async () => {
    const r = await scanBuffer(PAYLOAD, 'upload.bin');
    assert.equal(r.findings[0]!.evidence.callable, 'os.system');
    assert.equal(r.findings[0]!.location.path, 'upload.bin');
    assert.equal(r.scanned, true);
  });

  it('stops at the nesting limit with a finding', async () => {
    let bytes: Buffer = PAYLOAD;
    const { gzipSync } = await import('node:zlib');
    for (let i = 0; i < 4; i++) bytes = gzipSync(bytes);
    const r = await scanBuffer(bytes, 'deep.gz', { limits: { maxDepth: 2 } });
    assert.ok(r.findings.some((f) => f.ruleId === 'scan.file.limit-reached'));
    const ok = await scanBuffer(bytes, 'deep.gz');
    assert.ok(ok.findings.some((f) => f.ruleId === 'scan.pickle.dangerous-callable'));
  });

  it('stops a decompression bomb at the expansion limit', async () => {
    const { gzipSync } = await import('node:zlib');
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
    const r = await scanBuffer(bomb, 'bomb.gz', { limits: { maxExpandedBytes: 1024 * 1024 } });
    assert.ok(r.findings.some((f) => f.ruleId === 'scan.file.limit-reached'));
    assert.equal(r.unscannable, true);
  });

  it('rejects a path that does not exist with an I/O error', async () => {
    await assert.rejects(scanPaths([join(dir, 'missing.pt')]), /no such file/);
  });
});

describe('scanInWorker', () => {
  it('scans in a worker thread with the same verdicts and forwards progress', async () => {
    const { scanInWorker } = await import('./index.ts');
    const dir = mkdtempSync(join(tmpdir(), 'bw-scan-worker-'));
    try {
      writeFileSync(join(dir, 'a.pkl'), PAYLOAD);
      const seen: number[] = [];
      const r = (await scanInWorker([dir], { onProgress: (d) => seen.push(d) })) as Awaited<
        ReturnType<typeof scanPaths>
      >;
      assert.equal(r.findings[0]!.evidence.callable, 'os.system');
      assert.deepEqual(seen, [1]);
      const one = (await scanInWorker(
        { bytes: PAYLOAD, name: 'up.pkl' },
        {
          policyFile: { name: 'empty', version: '1' },
        },
      )) as Awaited<ReturnType<typeof scanBuffer>>;
      assert.equal(one.findings[0]!.ruleId, 'scan.pickle.unknown-global');
      await assert.rejects(scanInWorker([join(dir, 'missing')]), /no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
