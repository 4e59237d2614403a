import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { defineRules, makeFinding } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import { testStore } from '../store/testing.ts';
import { buildServer } from './app.ts';

const DB = process.env.BULWARK_TEST_DB ?? 'sqlite';
const rules = defineRules({
  'scan.pickle.dangerous-callable': {
    title: 'Pickle calls os.system',
    severity: 'critical',
    description: '',
    remediation: 'r',
    refs: ['cwe:502'],
  },
  'scan.pickle.unknown-global': {
    title: 'Unknown global',
    severity: 'medium',
    description: '',
    remediation: 'r',
    refs: [],
  },
});

describe(`REST API on ${DB}`, () => {
  let app: FastifyInstance;
  let store: Store;
  let cleanup: () => Promise<void>;
  const keys: Record<string, string> = {};
  const auth = (role: string) => ({ authorization: `Bearer ${keys[role]}` });

  before(async () => {
    ({ store, cleanup } = await testStore());
    for (const role of ['admin', 'analyst', 'service', 'viewer'] as const) {
      keys[role] = (await store.keys.create({ name: `${role}-key`, role }, 'test-setup')).key;
    }
    app = await buildServer({ store, consoleDir: false, bodyLimit: 64 * 1024 });
  });
  after(async () => {
    await app.close();
    await cleanup();
  });

  it('refuses requests without a key (401), with a bad key (401) and with the wrong role (403)', async () => {
    let r = await app.inject({ method: 'GET', url: '/api/v1/assets' });
    assert.equal(r.statusCode, 401);
    assert.equal(r.json().error.code, 'BW_ERR_UNAUTHENTICATED');
    assert.equal(r.json().error.field, 'headers.authorization');
    r = await app.inject({
      method: 'GET',
      url: '/api/v1/assets',
      headers: { authorization: 'Bearer bwk_nope' },
    });
    assert.equal(r.statusCode, 401);
    r = await app.inject({ method: 'GET', url: '/api/v1/assets', headers: { authorization: 'Basic abc' } });
    assert.equal(r.statusCode, 401);
    r = await app.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: auth('viewer'),
      payload: { kind: 'model', name: 'x' },
    });
    assert.equal(r.statusCode, 403);
    assert.equal(r.json().error.code, 'BW_ERR_FORBIDDEN');
    r = await app.inject({ method: 'GET', url: '/api/v1/keys', headers: auth('analyst') });
    assert.equal(r.statusCode, 403);
    r = await app.inject({ method: 'GET', url: '/api/v1/audit', headers: auth('service') });
    assert.equal(r.statusCode, 403);
    r = await app.inject({ method: 'GET', url: '/api/v1/assets', headers: auth('viewer') });
    assert.equal(r.statusCode, 200);
  });

  it('creates, lists, shows, updates and deletes assets with the right roles', async () => {
    let r = await app.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: auth('service'),
      payload: { kind: 'model', name: 'churn-xgb', owner: 'ds', tags: ['prod'], riskTier: 'high' },
    });
    assert.equal(r.statusCode, 201);
    const id = r.json().id as string;
    await app.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: auth('analyst'),
      payload: { kind: 'dataset', name: 'churn-train' },
    });
    r = await app.inject({
      method: 'GET',
      url: '/api/v1/assets?kind=model&limit=10',
      headers: auth('viewer'),
    });
    assert.equal(r.json().total, 1);
    assert.equal(r.json().items[0].name, 'churn-xgb');
    r = await app.inject({ method: 'GET', url: '/api/v1/assets?tag=prod', headers: auth('viewer') });
    assert.equal(r.json().items[0].id, id);
    r = await app.inject({
      method: 'POST',
      url: `/api/v1/assets/${id}/versions`,
      headers: auth('service'),
      payload: { version: '1', digest: 'sha256:ab' },
    });
    assert.equal(r.statusCode, 201);
    r = await app.inject({ method: 'GET', url: `/api/v1/assets/${id}`, headers: auth('viewer') });
    assert.equal(r.json().versions[0].version, '1');
    r = await app.inject({
      method: 'PATCH',
      url: `/api/v1/assets/${id}`,
      headers: auth('analyst'),
      payload: { owner: 'ml-platform' },
    });
    assert.equal(r.json().owner, 'ml-platform');
    r = await app.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: auth('analyst'),
      payload: { kind: 'model', name: 'churn-xgb' },
    });
    assert.equal(r.statusCode, 409);
    r = await app.inject({ method: 'DELETE', url: `/api/v1/assets/${id}`, headers: auth('analyst') });
    assert.equal(r.statusCode, 403, 'deleting is for admins');
    r = await app.inject({ method: 'DELETE', url: `/api/v1/assets/${id}`, headers: auth('admin') });
    assert.equal(r.statusCode, 204);
    r = await app.inject({ method: 'GET', url: `/api/v1/assets/${id}`, headers: auth('viewer') });
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().error.code, 'BW_ERR_NOT_FOUND');
  });

  it('answers bad requests with a 4xx naming the field', async () => {
    let r = await app.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: auth('admin'),
      payload: { kind: 'toaster', name: 'x' },
    });
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.field, 'body.kind');
    r = await app.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: auth('admin'),
      payload: { kind: 'model', name: 'x', colour: 'red' },
    });
    assert.equal(r.statusCode, 400);
    assert.equal(r.json().error.field, 'body.colour');
    r = await app.inject({
      method: 'GET',
      url: '/api/v1/findings?severity=critical,apocalyptic',
      headers: auth('viewer'),
    });
    assert.equal(r.statusCode, 400);
    assert.match(r.json().error.field, /^query\.severity/);
    r = await app.inject({ method: 'GET', url: '/api/v1/assets?limit=100000', headers: auth('viewer') });
    assert.equal(r.json().error.field, 'query.limit');
    r = await app.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: { ...auth('admin'), 'content-type': 'application/json' },
      payload: '{"kind":',
    });
    assert.equal(r.statusCode, 400);
    assert.equal(typeof r.json().error.message, 'string');
    r = await app.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: auth('admin'),
      payload: { kind: 'model', name: 'big', description: 'x'.repeat(70 * 1024) },
    });
    assert.equal(r.statusCode, 413);
    r = await app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: auth('viewer') });
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().error.code, 'BW_ERR_NOT_FOUND');
  });

  it('records runs with findings and filters findings by severity, asset and rule', async () => {
    const a = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/assets',
        headers: auth('service'),
        payload: { kind: 'model', name: 'scanned-model' },
      })
    ).json();
    const findings = [
      makeFinding(rules['scan.pickle.dangerous-callable'], { location: { path: 'm.pt', offset: 12 } }),
      makeFinding(rules['scan.pickle.unknown-global'], { location: { path: 'm.pt' } }),
    ];
    let r = await app.inject({
      method: 'POST',
      url: '/api/v1/runs',
      headers: auth('service'),
      payload: { engine: 'scan', assetId: a.id, target: 'm.pt', summary: { files: 1 }, findings },
    });
    assert.equal(r.statusCode, 201, r.body);
    const runId = r.json().id;
    r = await app.inject({ method: 'GET', url: `/api/v1/runs/${runId}`, headers: auth('viewer') });
    assert.deepEqual(r.json().findings, { critical: 1, high: 0, medium: 1, low: 0, info: 0 });
    r = await app.inject({
      method: 'GET',
      url: `/api/v1/findings?severity=critical&assetId=${a.id}`,
      headers: auth('viewer'),
    });
    assert.equal(r.json().total, 1);
    assert.equal(r.json().items[0].title, 'Pickle calls os.system');
    r = await app.inject({
      method: 'GET',
      url: '/api/v1/findings?ruleId=scan.pickle.unknown-global',
      headers: auth('viewer'),
    });
    assert.equal(r.json().total, 1);
    r = await app.inject({
      method: 'GET',
      url: `/api/v1/findings/${findings[0]!.id}`,
      headers: auth('viewer'),
    });
    assert.equal(r.json().location.offset, 12);
    r = await app.inject({ method: 'GET', url: '/api/v1/runs?engine=scan', headers: auth('viewer') });
    assert.equal(r.json().items[0].id, runId);
  });

  it('manages keys as admin and writes every administrative change to the audit log', async () => {
    let r = await app.inject({
      method: 'POST',
      url: '/api/v1/keys',
      headers: auth('admin'),
      payload: { name: 'ci', role: 'service' },
    });
    assert.equal(r.statusCode, 201);
    const { key, info } = r.json();
    assert.match(key, /^bwk_/);
    r = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${key}` } });
    assert.equal(r.json().role, 'service');
    r = await app.inject({ method: 'GET', url: '/api/v1/keys', headers: auth('admin') });
    assert.ok(!r.body.includes(key.slice(key.indexOf('_', 4) + 1)), 'secrets never listed');
    r = await app.inject({ method: 'DELETE', url: `/api/v1/keys/${info.id}`, headers: auth('admin') });
    assert.equal(r.statusCode, 200);
    r = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${key}` } });
    assert.equal(r.statusCode, 401, 'revoked key refused');
    r = await app.inject({ method: 'GET', url: '/api/v1/audit?limit=200', headers: auth('admin') });
    const entries = r.json().items as { action: string; actor: string }[];
    const adminId = (await store.keys.list()).find((k) => k.name === 'admin-key')!.id;
    for (const action of ['key.create', 'key.revoke', 'asset.delete']) {
      const e = entries.find((x) => x.action === action);
      assert.ok(e, action);
      assert.equal(e!.actor, `key:${adminId}`);
    }
    r = await app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auth('admin') });
    assert.equal(r.json().ok, true);
  });

  it('serves health, readiness, metrics (with a key) and the OpenAPI document', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().checks.database, true);
    assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
    const m = await app.inject({ method: 'GET', url: '/metrics', headers: auth('viewer') });
    assert.equal(m.statusCode, 200);
    assert.match(
      m.body,
      /bulwark_http_requests_total\{method="POST",route="\/api\/v1\/assets",status="201"\} \d+/,
    );
    assert.match(m.body, /bulwark_auth_failures_total\{status="401"\} \d+/);
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/v1/assets'].post.requestBody);
    assert.equal(doc.paths['/api/v1/assets/{id}'].get.parameters[0].name, 'id');
    assert.ok(
      doc.paths['/api/v1/findings'].get.parameters.some((p: { name: string }) => p.name === 'severity'),
    );
    assert.deepEqual(doc.paths['/healthz'].get.security, []);
    const r = await app.inject({ method: 'GET', url: '/api/v1/assets', headers: auth('viewer') });
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
  });
});

describe(`registry API on ${DB}`, () => {
  it('pushes from an allowed path, refuses other paths, promotes with gate results and rolls back', async () => {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createRegistryService, RegistryConfig } = await import('../services/registry.ts');
    const { defaultRegistryEngines } = await import('../services/engines.ts');
    const t = await testStore();
    const root = mkdtempSync(join(tmpdir(), 'bw-reg-api-'));
    const models = join(root, 'models');
    for (const v of ['1', '2']) {
      mkdirSync(join(models, `m${v}`), { recursive: true });
      writeFileSync(join(models, `m${v}`, 'weights.bin'), `weights ${v}`);
    }
    const registry = createRegistryService({
      store: t.store,
      home: join(root, 'home'),
      config: RegistryConfig.parse({
        stages: {
          approved: { requireDigestsVerified: true },
          production: { requireBom: true, requireDigestsVerified: true },
        },
      }),
      engines: defaultRegistryEngines(),
    });
    const app = await buildServer({ store: t.store, consoleDir: false, registry, allowedPaths: [models] });
    const admin = (await t.store.keys.create({ name: 'a', role: 'admin' }, 'setup')).key;
    const viewer = (await t.store.keys.create({ name: 'v', role: 'viewer' }, 'setup')).key;
    const h = { authorization: `Bearer ${admin}` };
    let r = await app.inject({
      method: 'POST',
      url: '/api/v1/registry',
      headers: h,
      payload: { path: root, name: 'm', version: '1' },
    });
    assert.equal(r.statusCode, 403, 'outside allowedPaths');
    r = await app.inject({
      method: 'POST',
      url: '/api/v1/registry',
      headers: h,
      payload: { path: join(models, 'm1', '..', '..'), name: 'm', version: '1' },
    });
    assert.equal(r.statusCode, 403, 'no escape with ..');
    for (const v of ['1', '2']) {
      r = await app.inject({
        method: 'POST',
        url: '/api/v1/registry',
        headers: h,
        payload: { path: join(models, `m${v}`), name: 'm', version: v },
      });
      assert.equal(r.statusCode, 201, r.body);
    }
    r = await app.inject({
      method: 'POST',
      url: '/api/v1/registry/m/versions/1/promote',
      headers: { authorization: `Bearer ${viewer}` },
      payload: { to: 'approved' },
    });
    assert.equal(r.statusCode, 403);
    for (const v of ['1', '2']) {
      for (const to of ['approved', 'production']) {
        r = await app.inject({
          method: 'POST',
          url: `/api/v1/registry/m/versions/${v}/promote`,
          headers: h,
          payload: { to },
        });
        assert.equal(r.statusCode, 200, r.body);
      }
    }
    r = await app.inject({
      method: 'GET',
      url: '/api/v1/registry/m/versions/2/gates?to=production',
      headers: h,
    });
    assert.deepEqual(
      r.json().gates.map((g: { gate: string }) => g.gate),
      ['bom', 'digests'],
    );
    r = await app.inject({
      method: 'POST',
      url: '/api/v1/registry/m/rollback',
      headers: h,
      payload: { reason: 'bad outputs' },
    });
    assert.deepEqual(r.json(), { from: '2', to: '1' });
    r = await app.inject({ method: 'GET', url: '/api/v1/registry/m', headers: h });
    assert.equal(r.json().history[0].action, 'rollback');
    assert.equal(r.json().history[0].reason, 'bad outputs');
    r = await app.inject({
      method: 'POST',
      url: '/api/v1/registry/m/versions/2/promote',
      headers: h,
      payload: { to: 'approved' },
    });
    assert.equal(r.statusCode, 409);
    assert.equal(r.json().error.code, 'BW_ERR_CONFLICT');
    await app.close();
    await t.cleanup();
  });
});

describe(`scans API on ${DB}`, () => {
  // PROTO 2; GLOBAL os.system; BINUNICODE "echo pwned"; TUPLE1; REDUCE; STOP — never unpickled, only read.
  const arg = Buffer.from('echo pwned');
  const evil = Buffer.concat([
    Buffer.from([0x80, 0x02]),
    Buffer.from('cos\nsystem\n', 'latin1'),
    Buffer.from([0x58, arg.length, 0, 0, 0]),
    arg,
    Buffer.from([0x85, 0x52, 0x2e]),
  ]);

  it('scans an upload, stores the run and findings against the model, and queues path scans for the worker', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { startWorker } = await import('./worker.ts');
    const { scanAndRecord } = await import('../services/scans.ts');
    const { SCAN_QUEUE } = await import('./routes/scans.ts');
    const t = await testStore();
    const dir = mkdtempSync(join(tmpdir(), 'bw-scan-api-'));
    writeFileSync(join(dir, 'weights.pt'), evil);
    const worker = startWorker({
      store: t.store,
      pollMs: 10,
      handlers: {
        [SCAN_QUEUE]: async (p) =>
          (
            await scanAndRecord(t.store, {
              paths: p.paths as string[],
              actor: String(p.actor),
              runId: String(p.runId),
              ...(p.model ? { model: String(p.model) } : {}),
            })
          ).run.id,
      },
    });
    const app = await buildServer({
      store: t.store,
      consoleDir: false,
      allowedPaths: [dir],
      poke: () => worker.poke(),
    });
    const key = (await t.store.keys.create({ name: 'ci', role: 'service' }, 'setup')).key;
    const h = { authorization: `Bearer ${key}` };
    let r = await app.inject({
      method: 'POST',
      url: '/api/v1/scans?name=model.pkl&model=resnet-ft',
      headers: { ...h, 'content-type': 'application/octet-stream' },
      payload: evil,
    });
    assert.equal(r.statusCode, 201, r.body);
    const up = r.json();
    assert.ok(
      up.findings.some(
        (f: { severity: string; evidence: { callable?: string } }) =>
          f.severity === 'critical' && f.evidence.callable === 'os.system',
      ),
    );
    const asset = await t.store.assets.getByName('model', 'resnet-ft');
    assert.ok(asset, 'the model asset was created');
    const stored = await t.store.findings.list({ assetId: asset!.id, minSeverity: 'critical' });
    assert.ok(stored.total >= 1);
    assert.equal(stored.items[0]!.runId, up.run.id);
    r = await app.inject({
      method: 'POST',
      url: '/api/v1/scans',
      headers: h,
      payload: { path: join(dir, 'weights.pt'), model: 'resnet-ft' },
    });
    assert.equal(r.statusCode, 202, r.body);
    const runId = r.json().run.id;
    let status = 'running';
    for (let i = 0; i < 200 && status === 'running'; i++) {
      await new Promise((res) => setTimeout(res, 20));
      status = (await app.inject({ method: 'GET', url: `/api/v1/scans/${runId}`, headers: h })).json().run
        .status;
    }
    assert.equal(status, 'succeeded');
    assert.equal(
      (await t.store.runs.get(runId)).assetId,
      asset!.id,
      'the queued scan is linked to its model',
    );
    r = await app.inject({ method: 'GET', url: `/api/v1/scans/${runId}`, headers: h });
    assert.ok(r.json().findings.some((f: { severity: string }) => f.severity === 'critical'));
    r = await app.inject({
      method: 'POST',
      url: '/api/v1/scans',
      headers: h,
      payload: { path: '/etc/passwd' },
    });
    assert.equal(r.statusCode, 403);
    r = await app.inject({ method: 'GET', url: '/api/v1/scans', headers: h });
    assert.equal(r.json().total, 2);
    await worker.stop();
    await app.close();
    await t.cleanup();
  });
});
