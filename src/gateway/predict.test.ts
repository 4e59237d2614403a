import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../cli/testing.ts';
import { createEventStore } from '../store/events.ts';
import type { Store } from '../store/index.ts';
import { testStore } from '../store/testing.ts';
import { GatewayConfig } from './config.ts';
import { hardenOutput, validateInstances } from './predict.ts';
import { createProfileBuilder, Profile, profileDataset } from './profile.ts';
import { buildGateway, type Gateway } from './server.ts';
import { type StubUpstream, startStubUpstream } from './testing.ts';

// Seeded so the synthetic traffic (and so the monitor's verdicts) are the same on every run.
function rng(seed: number) {
  let s = seed;
  const u = () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const g = () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
  return { u, g };
}
const PLANS = ['basic', 'pro', 'family'];
const customer = (r: ReturnType<typeof rng>) => ({
  tenure: Math.max(0, 24 + 8 * r.g()),
  spend: Math.max(0, 60 + 15 * r.g()),
  calls: Math.max(0, Math.round(3 + r.g())),
  plan: PLANS[Math.floor(r.u() * 3)]!,
});

let dir: string;
let store: Store;
let cleanup: () => Promise<void>;
let up: StubUpstream;
let gw: Gateway;
let url: string;
let key: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bw-predict-'));
  const r = rng(42);
  const rows = ['tenure,spend,calls,plan'];
  for (let i = 0; i < 2000; i++) {
    const c = customer(r);
    rows.push(`${c.tenure.toFixed(2)},${c.spend.toFixed(2)},${c.calls},${c.plan}`);
  }
  writeFileSync(join(dir, 'churn.csv'), `${rows.join('\n')}\n`);
  const cli = await runCli(['profile', join(dir, 'churn.csv'), '--out', join(dir, 'churn.profile.json')]);
  assert.equal(cli.code, 0, cli.err);
  ({ store, cleanup } = await testStore());
  key = (await store.keys.create({ name: 'model-client', role: 'service' }, 't')).key;
  // A "model": churn probability from tenure and calls.
  up = await startStubUpstream({
    handler: (_req, body, res) => {
      const insts = ((body as { instances?: Record<string, number>[] }).instances ?? []).map((x) => {
        const p = 1 / (1 + Math.exp(0.1 * (x.tenure! - 24) - 0.5 * (x.calls! - 3)));
        return { probabilities: { churn: p, stay: 1 - p, unsure: 0.0123456 } };
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ predictions: insts }));
    },
  });
  const schema = {
    features: {
      tenure: { type: 'number', min: 0, max: 120 },
      spend: { type: 'number', min: 0 },
      calls: { type: 'number', integer: true, min: 0, max: 100 },
      plan: { type: 'category', values: PLANS },
    },
  };
  const route = { kind: 'predict', upstream: `${up.url}/predict`, schema, profile: 'churn.profile.json' };
  const config = GatewayConfig.parse({
    events: { flushIntervalMs: 20 },
    routes: [
      { ...route, path: '/models/churn', output: { round: 2, topK: 1 } },
      { ...route, path: '/models/churn-strict', ood: { action: 'block' } },
      { ...route, path: '/models/churn-throttled', extraction: { action: 'throttle' } },
    ],
  });
  gw = await buildGateway({ config, store, baseDir: dir });
  url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  await gw.close();
  await up.close();
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function predict(path: string, instances: unknown[], k = key) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${k}` },
    body: JSON.stringify({ instances }),
  });
  return {
    status: res.status,
    json: (await res.json()) as Record<string, unknown>,
    id: res.headers.get('x-request-id') ?? '',
  };
}

async function waitFor<T>(fn: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out waiting');
}

describe('bulwark profile', () => {
  test('profiles every column: moments for numbers, counts for categories', () => {
    const p = Profile.parse(JSON.parse(readFileSync(join(dir, 'churn.profile.json'), 'utf8')));
    assert.equal(p.source.rows, 2000);
    const tenure = p.features.tenure!;
    assert.equal(tenure.type, 'number');
    if (tenure.type === 'number') {
      assert.ok(Math.abs(tenure.mean - 24) < 1, `mean ${tenure.mean}`);
      assert.ok(Math.abs(tenure.std - 8) < 1, `std ${tenure.std}`);
    }
    const plan = p.features.plan!;
    assert.equal(plan.type, 'category');
    if (plan.type === 'category')
      assert.deepEqual(Object.keys(plan.counts).sort(), ['basic', 'family', 'pro']);
  });

  test('missing-value markers (NA, ?, empty) leave a column numeric; a semicolon file is read too', async () => {
    writeFileSync(join(dir, 'na.csv'), 'w;label\n1.5;a\nNA;b\n?;a\n;b\n2.5;a\n');
    const p = await profileDataset(join(dir, 'na.csv'));
    const w = p.features.w!;
    assert.equal(w.type, 'number');
    assert.equal(w.missing, 3);
    if (w.type === 'number') assert.equal(w.mean, 2);
    const b = createProfileBuilder();
    b.add({ x: 'ten' });
    b.add({ x: 3 });
    assert.equal(b.build({ file: 'f', sha256: '' }).features.x!.type, 'category');
  });

  test('a malformed CSV is an input error naming the line', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'a,b\n1,2\n3,"4\n');
    const r = await runCli(['profile', join(dir, 'bad.csv'), '--json']);
    assert.equal(r.code, 2);
    assert.match(r.out, /bad\.csv:3/);
  });
});

describe('predict routes', () => {
  test('forwards a valid input and hardens the output (rounded, top-1)', async () => {
    const r = await predict('/models/churn', [{ tenure: 30, spend: 55, calls: 2, plan: 'pro' }]);
    assert.equal(r.status, 200);
    const probs = (r.json.predictions as { probabilities: Record<string, number> }[])[0]!.probabilities;
    assert.equal(Object.keys(probs).length, 1);
    const [label, p] = Object.entries(probs)[0]!;
    assert.equal(label, 'stay');
    assert.equal(p, Math.round(p * 100) / 100);
  });

  test('refuses input that breaks the schema, naming the field', async () => {
    const bad = await predict('/models/churn', [{ tenure: 30, spend: 55, calls: 2, plan: 'gold' }]);
    assert.equal(bad.status, 400);
    assert.equal((bad.json.error as { field: string }).field, 'instances[0].plan');
    const range = await predict('/models/churn', [{ tenure: -1, spend: 55, calls: 2, plan: 'pro' }]);
    assert.equal((range.json.error as { field: string }).field, 'instances[0].tenure');
    const extra = await predict('/models/churn', [
      { tenure: 1, spend: 55, calls: 2, plan: 'pro', admin: true },
    ]);
    assert.equal((extra.json.error as { field: string }).field, 'instances[0].admin');
  });

  test('blocks an off-manifold input on a strict route and records a finding', async () => {
    const odd = { tenure: 119, spend: 2, calls: 90, plan: 'basic' };
    const r = await predict('/models/churn-strict', [{ tenure: 25, spend: 61, calls: 3, plan: 'pro' }, odd]);
    assert.equal(r.status, 422);
    assert.equal((r.json.error as { field: string }).field, 'instances[1]');
    const f = await waitFor(async () =>
      (await store.findings.list({ ruleId: 'gateway.predict.off-manifold' })).items.find(
        (x) => x.location.requestId === r.id,
      ),
    );
    assert.equal(f.location.field, 'instances[1]');
    const flagged = await predict('/models/churn', [odd]);
    assert.equal(flagged.status, 200, 'the flag route lets it through');
    const ev = await waitFor(async () =>
      (await createEventStore(store.db).list({ limit: 1000 })).find((e) => e.requestId === flagged.id),
    );
    assert.equal(ev.decision, 'flag');
    assert.ok(ev.scores.ood! >= 0.999);
  });

  test('an in-distribution input is not flagged', async () => {
    const r = await predict('/models/churn-strict', [{ tenure: 24, spend: 60, calls: 3, plan: 'family' }]);
    assert.equal(r.status, 200);
  });
});

describe('extraction defence', () => {
  test('benign traffic raises no alarm; a synthetic extraction attack does, and throttles the client', async () => {
    const benign = (await store.keys.create({ name: 'benign', role: 'service' }, 't')).key;
    const attacker = (await store.keys.create({ name: 'attacker', role: 'service' }, 't')).key;
    const r = rng(7);
    for (let i = 0; i < 150; i++)
      assert.equal((await predict('/models/churn-throttled', [customer(r)], benign)).status, 200);

    // Jacobian-style augmentation (Papernot et al.): a few seeds, then small steps from earlier queries.
    const pool = Array.from({ length: 8 }, () => customer(r));
    let refused = 0;
    for (let i = 0; i < 150 && refused === 0; i++) {
      const q =
        i < pool.length
          ? pool[i]!
          : (() => {
              const b = pool[Math.floor(r.u() * pool.length)]!;
              const s = r.u() < 0.5 ? -1 : 1;
              return { ...b, tenure: Math.max(0, b.tenure + s * 0.8), spend: Math.max(0, b.spend + s * 1.5) };
            })();
      if (i >= 8) pool.push(q);
      const res = await predict('/models/churn-throttled', [q], attacker);
      if (res.status === 429) refused++;
    }
    assert.equal(refused, 1, 'the attacker is throttled after the alarm');
    const findings = await waitFor(async () => {
      const items = (await store.findings.list({ ruleId: 'gateway.extraction.prada' })).items;
      return items.length ? items : undefined;
    });
    assert.equal(findings.length, 1);
    const ids = (await store.keys.list()).filter((k) => k.name === 'attacker' || k.name === 'benign');
    const attackerId = ids.find((k) => k.name === 'attacker')!.id;
    assert.equal(findings[0]!.evidence.client, attackerId);
    assert.ok(findings[0]!.refs.includes('atlas:AML.T0024.002'));
    assert.ok((findings[0]!.evidence.w as number) < 0.8);
    // and the benign client was never refused
    assert.equal((await predict('/models/churn-throttled', [customer(r)], benign)).status, 200);
  });
});

describe('output hardening', () => {
  test('label only replaces probabilities by the most likely label', () => {
    const out = hardenOutput(
      { probabilities: { a: 0.2, b: 0.7, c: 0.1 } },
      { field: 'probabilities', labelOnly: true },
    ) as Record<string, unknown>;
    assert.equal(out.label, 'b');
    assert.equal(JSON.parse(JSON.stringify(out)).probabilities, undefined);
  });

  test('rounds and keeps the top k of a score list', () => {
    const out = hardenOutput(
      {
        probabilities: [
          { label: 'x', score: 0.123456 },
          { label: 'y', score: 0.654321 },
          { label: 'z', score: 0.2 },
        ],
      },
      { field: 'probabilities', labelOnly: false, topK: 2, round: 1 },
    );
    assert.deepEqual(out, {
      probabilities: [
        { label: 'y', score: 0.7 },
        { label: 'z', score: 0.2 },
      ],
    });
  });

  test('validateInstances accepts a single inputs object', () => {
    const schema = { features: { a: { type: 'boolean' as const } }, strict: true, maxInstances: 2 };
    assert.equal(validateInstances({ inputs: { a: true } }, schema).instances.length, 1);
    assert.throws(
      () => validateInstances({ instances: [{ a: 1 }, { a: true }, { a: false }] }, schema),
      /more than 2/,
    );
  });
});
