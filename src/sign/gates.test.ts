import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../core/config.ts';
import { canPromote, evaluateGates, type GateInput, gatesFor, RegistryConfig, refusal } from './index.ts';

const TRUSTED = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const clean: GateInput = {
  signature: { status: 'valid', keyFingerprint: TRUSTED, postQuantum: 'verified' },
  scan: { counts: { low: 2 }, finishedAt: '2026-01-10T00:00:00Z' },
  bom: { present: true, valid: true },
  digests: { verified: true },
};

describe('registry gates', () => {
  const gates = RegistryConfig.parse({
    gates: { signedBy: [TRUSTED], scanFailOn: 'high', requireBom: true },
    stages: { production: { requirePostQuantum: true, maxScanAgeDays: 30, requireDigestsVerified: true } },
  });
  const now = new Date('2026-01-20T00:00:00Z');

  test('a clean version passes every gate for production, each with a reason', () => {
    const r = evaluateGates(clean, gatesFor(gates, 'production'), now);
    assert.deepEqual(
      r.map((x) => x.gate),
      ['signedBy', 'postQuantum', 'scanFailOn', 'maxScanAgeDays', 'bom', 'digests'],
    );
    assert.ok(r.every((x) => x.passed && x.reason.length > 0));
    assert.equal(refusal(r), undefined);
  });

  test('stage gates add to the common ones: approval does not ask for the post-quantum signature', () => {
    const r = evaluateGates(
      { ...clean, signature: { status: 'valid', keyFingerprint: TRUSTED } },
      gatesFor(gates, 'approved'),
      now,
    );
    assert.ok(r.every((x) => x.passed));
    assert.ok(!r.some((x) => x.gate === 'postQuantum'));
  });

  test('names the failing gate: untrusted key, high finding, missing BOM, stale scan, changed artifact', () => {
    const r = evaluateGates(
      {
        signature: { status: 'valid', keyFingerprint: OTHER, postQuantum: 'absent' },
        scan: { counts: { high: 1, medium: 3 }, finishedAt: '2025-11-01T00:00:00Z' },
        bom: { present: false },
        digests: { verified: false, mismatched: ['model.safetensors'] },
      },
      gatesFor(gates, 'production'),
      now,
    );
    const failed = Object.fromEntries(r.filter((x) => !x.passed).map((x) => [x.gate, x.reason]));
    assert.match(failed.signedBy!, /not among the 1 trusted key/);
    assert.match(failed.postQuantum!, /no verified ML-DSA-65/);
    assert.match(failed.scanFailOn!, /1 high finding\(s\), at or above high/);
    assert.match(failed.maxScanAgeDays!, /80\.0 day/);
    assert.match(failed.bom!, /no AI-BOM/);
    assert.match(failed.digests!, /model\.safetensors/);
    assert.match(refusal(r)!, /^signedBy: /);
  });

  test('maxScanSeverity allows up to the given severity; an unscanned version fails the scan gate', () => {
    const g = { maxScanSeverity: 'medium' as const };
    assert.equal(evaluateGates({ scan: { counts: { medium: 4 } } }, g)[0]!.passed, true);
    const high = evaluateGates({ scan: { counts: { high: 1 } } }, g)[0]!;
    assert.equal(high.passed, false);
    assert.match(high.reason, /above the allowed medium/);
    assert.deepEqual(evaluateGates({}, g), [
      { gate: 'scan', passed: false, reason: 'the version has not been scanned' },
    ]);
  });

  test('an invalid signature fails even with no trusted-key list', () => {
    const r = evaluateGates({ signature: { status: 'invalid' } }, { requireSignature: true });
    assert.deepEqual(r, [{ gate: 'signature', passed: false, reason: 'the signature does not verify' }]);
  });

  test('no gates configured: nothing to fail', () => {
    assert.deepEqual(evaluateGates({}, gatesFor(RegistryConfig.parse({}), 'production')), []);
  });

  test('stage transitions: one step forward, or retire', () => {
    assert.equal(canPromote('candidate', 'approved'), true);
    assert.equal(canPromote('approved', 'production'), true);
    assert.equal(canPromote('candidate', 'production'), false);
    assert.equal(canPromote('production', 'retired'), true);
    assert.equal(canPromote('retired', 'retired'), false);
    assert.equal(canPromote('production', 'approved'), false);
  });

  test('the registry: section is validated with file:line:field errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-gates-'));
    try {
      const file = join(dir, 'bulwark.yaml');
      writeFileSync(file, 'registry:\n  gates:\n    requireBom: true\n    signedBy: [abc]\n');
      assert.throws(
        () => loadConfig({ path: file }).section('registry', RegistryConfig),
        /bulwark\.yaml:4: registry\.gates\.signedBy\[0\]: expected a key fingerprint/,
      );
      writeFileSync(file, `registry:\n  gates: { requireBom: true, signedBy: [${TRUSTED}] }\n`);
      const cfg = loadConfig({ path: file }).section('registry', RegistryConfig);
      assert.deepEqual(cfg.gates, { requireBom: true, signedBy: [TRUSTED] });
      assert.equal(RegistryConfig.safeParse({ gates: { requireBOM: true } }).success, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('artifact digest re-verification', () => {
  test('names changed and missing artifacts; size changes are caught without hashing', async () => {
    const { sha256Path } = await import('../core/index.ts');
    const { checkDigests } = await import('./index.ts');
    const { tempDir, writeModel } = await import('./test-helpers.ts');
    const { appendFileSync, rmSync: rm } = await import('node:fs');
    const { dir, cleanup } = await tempDir();
    try {
      await writeModel(dir);
      const recorded = (await sha256Path(dir)).files;
      assert.deepEqual(await checkDigests(dir, recorded), {
        ok: true,
        verified: 6,
        changed: [],
        missing: [],
      });
      appendFileSync(join(dir, 'a.b'), '!');
      rm(join(dir, 'a0'));
      const r = await checkDigests(dir, recorded);
      assert.equal(r.ok, false);
      assert.deepEqual(r.changed, ['a.b']);
      assert.deepEqual(r.missing, ['a0']);
    } finally {
      await cleanup();
    }
  });
});
