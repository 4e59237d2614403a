import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Finding, makeFinding, defineRules, BulwarkError } from '../core/index.ts';
import type { Store } from './index.ts';
import { testStore } from './testing.ts';

const DB = process.env.BULWARK_TEST_DB ?? 'sqlite';
const rules = defineRules({
  'scan.pickle.dangerous-callable': {
    title: 'Dangerous',
    severity: 'critical',
    description: '',
    remediation: 'r',
    refs: ['cwe:502'],
  },
  'scan.pickle.unknown-global': {
    title: 'Unknown',
    severity: 'medium',
    description: '',
    remediation: 'r',
    refs: [],
  },
});

describe(`store on ${DB}`, () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ store, cleanup } = await testStore());
  });
  after(() => cleanup());

  it('creates, lists with filters and pagination, updates and deletes assets', async () => {
    const a = await store.assets.create(
      {
        kind: 'model',
        name: 'resnet-ft',
        owner: 'ml-team',
        tags: ['format:pytorch', 'prod'],
        riskTier: 'high',
      },
      'tester',
    );
    assert.match(a.id, /^a_/);
    assert.equal(a.riskTier, 'high');
    for (let i = 0; i < 12; i++)
      await store.assets.create(
        { kind: 'dataset', name: `ds-${String(i).padStart(2, '0')}`, tags: i % 2 ? ['pii'] : [] },
        'tester',
      );
    const p1 = await store.assets.list({ kind: 'dataset', limit: 5 });
    assert.equal(p1.total, 12);
    assert.deepEqual(
      p1.items.map((x) => x.name),
      ['ds-00', 'ds-01', 'ds-02', 'ds-03', 'ds-04'],
    );
    const p3 = await store.assets.list({ kind: 'dataset', limit: 5, offset: 10 });
    assert.deepEqual(
      p3.items.map((x) => x.name),
      ['ds-10', 'ds-11'],
    );
    assert.equal((await store.assets.list({ tag: 'pii' })).total, 6);
    assert.equal((await store.assets.list({ tag: 'prod' })).items[0]!.id, a.id);
    assert.equal((await store.assets.list({ tag: 'pro' })).total, 0, 'tag filter matches whole tags only');
    assert.equal((await store.assets.list({ q: 'RESNET' })).total, 1);
    assert.equal((await store.assets.list({ q: '%' })).total, 0, 'LIKE wildcards in a search are literal');
    const u = await store.assets.update(a.id, { owner: 'sec-team', tags: ['prod'] }, 'tester');
    assert.equal(u.owner, 'sec-team');
    assert.equal(u.name, 'resnet-ft');
    assert.ok(u.updatedAt >= a.updatedAt);
    await assert.rejects(
      store.assets.create({ kind: 'model', name: 'resnet-ft' }, 'tester'),
      (e: unknown) => e instanceof BulwarkError && e.code === 'BW_ERR_CONFLICT',
    );
    const up = await store.assets.upsert(
      { kind: 'model', name: 'resnet-ft', description: 'found again' },
      'discover',
    );
    assert.equal(up.created, false);
    assert.equal(up.asset.id, a.id);
    assert.equal(up.asset.description, 'found again');
    await store.assets.delete(a.id, 'tester');
    await assert.rejects(
      store.assets.get(a.id),
      (e: unknown) => e instanceof BulwarkError && e.code === 'BW_ERR_NOT_FOUND',
    );
  });

  it('keeps versions per asset and refuses a duplicate version', async () => {
    const m = await store.assets.create({ kind: 'model', name: 'llama-guard' }, 'tester');
    await store.assets.addVersion(m.id, { version: '1', digest: 'sha256:aa', size: 10 }, 'tester');
    await store.assets.addVersion(m.id, { version: '2', digest: 'sha256:bb', size: 5_000_000_000 }, 'tester');
    const vs = await store.assets.listVersions(m.id);
    assert.deepEqual(
      vs.map((v) => v.version),
      ['1', '2'],
    );
    assert.equal(vs[1]!.size, 5_000_000_000);
    await assert.rejects(store.assets.addVersion(m.id, { version: '1' }, 'tester'), /already exists/);
  });

  it('stores runs and findings and filters findings by severity, asset, rule and run', async () => {
    const m = await store.assets.create({ kind: 'model', name: 'scanned' }, 'tester');
    const run = await store.runs.start({ engine: 'scan', assetId: m.id, target: '/models/x.pt' });
    assert.equal(run.status, 'running');
    const fs: Finding[] = [
      makeFinding(rules['scan.pickle.dangerous-callable'], {
        location: { path: 'x.pt', member: 'archive/data.pkl', offset: 1187 },
        evidence: { callable: 'os.system', args: ['echo'] },
      }),
      makeFinding(rules['scan.pickle.unknown-global'], { location: { path: 'x.pt' } }),
      makeFinding(rules['scan.pickle.unknown-global'], { location: { path: 'y.pt' } }),
    ];
    await store.findings.insertMany(fs, { runId: run.id, assetId: m.id });
    const done = await store.runs.finish(run.id, { status: 'succeeded', summary: { files: 2 } });
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.summary, { files: 2 });
    assert.ok(done.durationMs !== undefined && done.durationMs >= 0);
    const crit = await store.findings.list({ severity: ['critical'] });
    assert.equal(crit.total, 1);
    assert.deepEqual(crit.items[0]!.evidence, { callable: 'os.system', args: ['echo'] });
    assert.equal(crit.items[0]!.location.offset, 1187);
    assert.equal((await store.findings.list({ minSeverity: 'medium', assetId: m.id })).total, 3);
    assert.equal((await store.findings.list({ ruleId: 'scan.pickle.unknown-global' })).total, 2);
    const byRun = await store.findings.list({ runId: run.id });
    assert.equal(byRun.items[0]!.severity, 'critical', 'most severe first');
    assert.deepEqual(await store.findings.countBySeverity({ runId: run.id }), {
      critical: 1,
      high: 0,
      medium: 2,
      low: 0,
      info: 0,
    });
    assert.equal((await store.runs.list({ engine: 'scan', assetId: m.id })).items[0]!.id, run.id);
    const one = await store.findings.get(fs[0]!.id);
    assert.equal(one.runId, run.id);
  });

  it('stores API keys only as hashes and authenticates, expires and revokes them', async () => {
    const { key, info } = await store.keys.create({ name: 'ci', role: 'service' }, 'tester');
    assert.match(key, /^bwk_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}$/);
    const raw = await store.db.all<Record<string, unknown>>('SELECT * FROM api_keys');
    assert.ok(!JSON.stringify(raw).includes(key.slice(key.indexOf('_', 4) + 1)), 'the secret is not stored');
    assert.equal((await store.keys.authenticate(key))?.role, 'service');
    assert.equal(
      await store.keys.authenticate(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`),
      undefined,
    );
    assert.equal(await store.keys.authenticate('bwk_garbage'), undefined);
    const exp = await store.keys.create(
      { name: 'old', role: 'viewer', expiresAt: new Date(Date.now() - 1000).toISOString() },
      'tester',
    );
    assert.equal(await store.keys.authenticate(exp.key), undefined, 'expired key');
    await store.keys.revoke(info.id, 'tester');
    assert.equal(await store.keys.authenticate(key), undefined, 'revoked key');
  });

  it('chains every administrative change in the audit log and verifies it', async () => {
    const v = await store.audit.verify();
    assert.equal(v.ok, true);
    assert.ok(v.entries >= 5);
    const actions = (await store.audit.list({ limit: 500 })).items.map((e) => e.action);
    for (const a of [
      'asset.create',
      'asset.update',
      'asset.delete',
      'asset.version.create',
      'key.create',
      'key.revoke',
    ])
      assert.ok(actions.includes(a), a);
  });

  it('keeps the chain consistent under concurrent writers', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.audit.append('tester', 'test.concurrent', String(i))),
    );
    const v = await store.audit.verify();
    assert.equal(v.ok, true, JSON.stringify(v.firstBad));
  });
});

describe(`audit tamper detection on ${DB}`, () => {
  async function seeded(n: number) {
    const t = await testStore();
    for (let i = 1; i <= n; i++) await t.store.audit.append('admin', 'asset.update', `a_${i}`, { i });
    return t;
  }

  it('reports the first edited entry', async () => {
    const t = await seeded(6);
    await t.store.db.run('UPDATE audit_log SET details = ? WHERE seq = 4', [JSON.stringify({ i: 999 })]);
    const v = await t.store.audit.verify();
    assert.equal(v.ok, false);
    assert.deepEqual([v.firstBad?.seq, v.firstBad?.problem], [4, 'edited']);
    await t.cleanup();
  });

  it('reports a deleted entry, in the middle and renumbered', async () => {
    const t = await seeded(6);
    await t.store.db.run('DELETE FROM audit_log WHERE seq = 3');
    let v = await t.store.audit.verify();
    assert.deepEqual([v.firstBad?.seq, v.firstBad?.problem], [4, 'deleted']);
    // Renumbering to hide the gap still breaks the links.
    await t.store.db.run('UPDATE audit_log SET seq = seq + 100 WHERE seq > 3');
    await t.store.db.run('UPDATE audit_log SET seq = seq - 101 WHERE seq > 100');
    v = await t.store.audit.verify();
    assert.deepEqual([v.firstBad?.seq, v.firstBad?.problem], [3, 'deleted']);
    await t.cleanup();
  });

  it('reports reordered entries', async () => {
    const t = await seeded(6);
    await t.store.db.run('UPDATE audit_log SET seq = 100 WHERE seq = 2');
    await t.store.db.run('UPDATE audit_log SET seq = 2 WHERE seq = 3');
    await t.store.db.run('UPDATE audit_log SET seq = 3 WHERE seq = 100');
    const v = await t.store.audit.verify();
    assert.equal(v.ok, false);
    assert.deepEqual([v.firstBad?.seq, v.firstBad?.problem], [2, 'reordered']);
    await t.cleanup();
  });

  it('cannot be rebuilt without the audit key', async () => {
    const t = await seeded(3);
    // An attacker recomputes a plain SHA-256 chain over edited content: the HMAC check still fails.
    const { entryHash } = await import('./audit-chain.ts');
    const rows = await t.store.db.all<Record<string, unknown>>('SELECT * FROM audit_log ORDER BY seq');
    let prev = '0'.repeat(64);
    for (const r of rows) {
      const e = {
        id: r.id as string,
        ts: r.ts as string,
        actor: 'attacker',
        action: r.action as string,
        target: r.target as string,
        details: JSON.parse(r.details as string),
      };
      const h = entryHash(prev, e);
      await t.store.db.run('UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?', [
        'attacker',
        prev,
        h,
        r.seq as number,
      ]);
      prev = h;
    }
    const v = await t.store.audit.verify();
    assert.deepEqual([v.firstBad?.seq, v.firstBad?.problem], [1, 'edited']);
    await t.cleanup();
  });
});
