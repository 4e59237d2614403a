import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { genSigningKey, parsePrivateKey, signModel } from '../sign/index.ts';
import type { Store } from '../store/index.ts';
import { testStore } from '../store/testing.ts';
import { defaultRegistryEngines } from './engines.ts';
import { createRegistryService, GateError, RegistryConfig, type RegistryService } from './registry.ts';

const DB = process.env.BULWARK_TEST_DB ?? 'sqlite';

describe(`model registry on ${DB}`, () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let registry: RegistryService;
  let dir: string;
  let pub: string;
  let key: ReturnType<typeof parsePrivateKey>;

  function modelDir(name: string, weights: string): string {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    writeFileSync(
      join(d, 'config.json'),
      JSON.stringify({ architectures: ['BertForSequenceClassification'], model_type: 'bert' }),
    );
    writeFileSync(join(d, 'model.safetensors'), weights);
    return d;
  }

  before(async () => {
    ({ store, cleanup } = await testStore());
    dir = mkdtempSync(join(tmpdir(), 'bw-registry-'));
    const pair = genSigningKey('ecdsa-p256');
    pub = join(dir, 'release.pub.pem');
    writeFileSync(pub, pair.publicKeyPem);
    key = parsePrivateKey(pair.privateKeyPem);
    const config = RegistryConfig.parse({
      trustedKeys: [pub],
      stages: {
        approved: { requireSignature: true },
        production: { requireSignature: true, requireBom: true, requireDigestsVerified: true },
      },
    });
    registry = createRegistryService({
      store,
      home: join(dir, 'home'),
      config,
      engines: defaultRegistryEngines(),
    });
  });
  after(() => cleanup());

  it('pushes a signed model with its digests, signature status and AI-BOM', async () => {
    const d = modelDir('v1', 'weights-one');
    await signModel(d, { key });
    const v = await registry.push({ path: d, name: 'sentiment', version: '1', actor: 'alice' });
    assert.equal(v.stage, 'candidate');
    assert.equal(v.signature.status, 'verified');
    assert.match(v.digest, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(
      v.manifest.map((m) => m.path),
      ['config.json', 'model.safetensors'],
      'the signature is not part of what it signs',
    );
    assert.equal((v.bom as { bomFormat?: string }).bomFormat, 'CycloneDX');
    await assert.rejects(
      registry.push({ path: d, name: 'sentiment', version: '1', actor: 'alice' }),
      /already has version 1/,
    );
  });

  it('refuses a promotion whose gate fails and says which gate', async () => {
    const d = modelDir('v2-unsigned', 'weights-two');
    await registry.push({ path: d, name: 'sentiment', version: '2', actor: 'alice' });
    await assert.rejects(
      registry.promote({ name: 'sentiment', version: '2', to: 'approved', actor: 'alice' }),
      (e: unknown) =>
        e instanceof GateError &&
        e.gates.some((g) => g.gate === 'signature' && !g.passed) &&
        /signature \(the version is not signed/.test(e.message),
    );
    await assert.rejects(
      registry.promote({ name: 'sentiment', version: '2', to: 'production', actor: 'alice' }),
      /cannot move .* from candidate to production/,
    );
    const audit = await store.audit.list({ action: 'registry.promote.refused' });
    assert.equal(audit.total, 1);
  });

  it('promotes through the stages, then rolls production back to the previous version with who and why', async () => {
    await registry.promote({ name: 'sentiment', version: '1', to: 'approved', actor: 'alice' });
    await registry.promote({
      name: 'sentiment',
      version: '1',
      to: 'production',
      actor: 'alice',
      reason: 'first release',
    });
    const d3 = modelDir('v3', 'weights-three');
    await signModel(d3, { key });
    await registry.push({ path: d3, name: 'sentiment', version: '3', actor: 'bob' });
    await registry.promote({ name: 'sentiment', version: '3', to: 'approved', actor: 'bob' });
    const p = await registry.promote({ name: 'sentiment', version: '3', to: 'production', actor: 'bob' });
    assert.ok(p.gates.every((g) => g.passed));
    let shown = await registry.show('sentiment');
    assert.deepEqual(
      shown.versions.map((v) => [v.version, v.stage]),
      [
        ['1', 'retired'],
        ['2', 'candidate'],
        ['3', 'production'],
      ],
    );
    const r = await registry.rollback({
      name: 'sentiment',
      actor: 'carol',
      reason: 'v3 misclassifies refunds',
    });
    assert.deepEqual(r, { from: '3', to: '1' });
    shown = await registry.show('sentiment');
    assert.equal(shown.versions.find((v) => v.stage === 'production')?.version, '1');
    const entry = (await store.audit.list({ action: 'registry.rollback' })).items[0]!;
    assert.equal(entry.actor, 'carol');
    assert.equal(entry.details.reason, 'v3 misclassifies refunds');
    await assert.rejects(
      registry.rollback({ name: 'sentiment', actor: 'carol', reason: ' ' }),
      /needs a reason/,
    );
    assert.equal((await store.audit.verify()).ok, true);
  });

  it('re-verifies artifacts, names changed files, raises findings and refuses to roll back onto a tampered version', async () => {
    const clean = await registry.verify({ name: 'sentiment', actor: 'scheduler' });
    assert.ok(clean.every((r) => r.ok));
    writeFileSync(join(dir, 'v3', 'model.safetensors'), 'weights-three-tampered');
    const res = await registry.verify({ name: 'sentiment', version: '3', actor: 'scheduler' });
    assert.equal(res[0]!.ok, false);
    assert.deepEqual(res[0]!.changed, ['model.safetensors']);
    const f = await store.findings.list({ ruleId: 'registry.integrity.digest-mismatch' });
    assert.equal(f.total, 1);
    assert.equal(f.items[0]!.location.path, 'model.safetensors');
    // Production is v1 now; v3 was the previous production: rolling back onto it must fail.
    await assert.rejects(
      registry.rollback({ name: 'sentiment', actor: 'carol', reason: 'go back' }),
      (e: unknown) => e instanceof GateError && /artifact changed/.test(e.message),
    );
  });

  it('stores artifacts in the blob store when asked, so later edits of the source do not matter', async () => {
    const d = modelDir('v9', 'weights-nine');
    const v = await registry.push({
      path: d,
      name: 'stored-model',
      version: '9',
      storeArtifact: true,
      actor: 'alice',
    });
    assert.ok(v.stored);
    assert.ok(v.artifactPath.includes(join('home', 'blobs', 'sha256')));
    writeFileSync(join(d, 'model.safetensors'), 'changed at the source');
    const r = await registry.verify({ name: 'stored-model', actor: 'scheduler' });
    assert.equal(r[0]!.ok, true);
  });
});
