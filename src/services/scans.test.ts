import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../store/index.ts';
import { testStore } from '../store/testing.ts';
import { scanUpload } from './scans.ts';

const DB = process.env.BULWARK_TEST_DB ?? 'sqlite';
// PROTO 2; GLOBAL os.system; BINUNICODE "echo pwned"; TUPLE1; REDUCE; STOP — read, never unpickled.
const EVIL = Buffer.concat([
  Buffer.from([0x80, 0x02]),
  Buffer.from('cos\nsystem\n', 'latin1'),
  Buffer.from([0x58, 10, 0, 0, 0]),
  Buffer.from('echo pwned'),
  Buffer.from([0x85, 0x52, 0x2e]),
]);

describe(`server-side scans on ${DB}`, () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ store, cleanup } = await testStore());
  });
  after(() => cleanup());

  it('scans an upload in a worker thread and records its findings', async () => {
    const r = await scanUpload(store, { bytes: EVIL, name: 'model.pkl', actor: 'test' });
    assert.ok(
      r.report.findings.some((f) => f.severity === 'critical' && f.evidence.callable === 'os.system'),
    );
    assert.equal((await store.findings.list({ runId: r.run.id })).total, r.report.findings.length);
  });

  it('fails closed when the scan does not finish in time: a finding, not a pass', async () => {
    const r = await scanUpload(store, {
      bytes: EVIL,
      name: 'slow.pkl',
      actor: 'test',
      limits: { uploadTimeoutMs: 1 },
    });
    assert.equal(r.report.summary.unscannable, 1);
    const f = (await store.findings.list({ runId: r.run.id })).items;
    assert.deepEqual(
      f.map((x) => x.ruleId),
      ['scan.file.limit-reached'],
    );
    assert.match(f[0]!.title, /did not finish within 1 ms/);
  });
});
