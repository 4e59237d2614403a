import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from './index.ts';
import { autoThreads } from './threads.ts';

const FIX = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'scan');

/** A report without what differs from run to run (finding ids and timings). */
function comparable(r: Awaited<ReturnType<typeof scanPaths>>) {
  return r.files.map((f) => ({
    path: f.path,
    format: f.format,
    sha256: f.sha256,
    scanned: f.scanned,
    unscannable: f.unscannable,
    findings: f.findings.map(({ id: _id, ...rest }) => rest),
  }));
}

describe('multi-threaded scanPaths', () => {
  it('gives the same report on three threads as on one, file by file and in the same order', async () => {
    const one = await scanPaths([FIX], { threads: 1 });
    const three = await scanPaths([FIX], { threads: 3 });
    assert.ok(one.files.length > 150, `fixture corpus has ${one.files.length} files`);
    assert.deepEqual(comparable(three), comparable(one));
    assert.deepEqual(three.summary.bySeverity, one.summary.bySeverity);
    assert.equal(three.findings.length, one.findings.length);
  });

  it('uses a custom policy in its helper threads too', async () => {
    const { compilePolicy, BUILTIN_POLICY_FILE } = await import('./policy.ts');
    // Allowing os.system everywhere is a bad policy, but it shows the helpers apply the caller's.
    const lax = compilePolicy({
      ...BUILTIN_POLICY_FILE,
      name: 'lax',
      version: '1',
      allow: [...BUILTIN_POLICY_FILE.allow, 'posix.system', 'os.system', 'nt.system'],
      dangerous: Object.fromEntries(
        Object.entries(BUILTIN_POLICY_FILE.dangerous).map(([k, v]) => [
          k,
          v.filter((n) => !/^(os|posix|nt)(\.system|\.\*)$/.test(n)),
        ]),
      ),
    });
    const dir = join(FIX, 'malicious');
    const one = await scanPaths([dir], { threads: 1, policy: lax });
    const two = await scanPaths([dir], { threads: 2, policy: lax });
    assert.deepEqual(comparable(two), comparable(one));
    assert.equal(two.summary.policy, 'lax@1');
    // And the policy made a difference: the built-in one finds more critical calls in the same files.
    const strict = await scanPaths([dir], { threads: 2 });
    assert.ok(strict.summary.bySeverity.critical > two.summary.bySeverity.critical);
  });

  it('starts helper threads only for enough files and idle cores', () => {
    assert.equal(autoThreads(10, 8, 0), 1);
    assert.equal(autoThreads(399, 8, 0), 1);
    assert.equal(autoThreads(400, 8, 0), 2);
    assert.equal(autoThreads(100_000, 16, 0), 4);
    // Two cores: one is left to V8's background threads, so no helper even when idle.
    assert.equal(autoThreads(100_000, 2, 0), 1);
    // A machine whose cores are already busy gets fewer helpers, or none.
    assert.equal(autoThreads(100_000, 4, 2.2), 1);
    assert.equal(autoThreads(100_000, 8, 5), 2);
  });
});
