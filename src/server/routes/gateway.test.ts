import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createEventStore, type GatewayEvent } from '../../store/events.ts';
import type { Store } from '../../store/index.ts';
import { testStore } from '../../store/testing.ts';
import { buildServer } from '../app.ts';

let store: Store;
let cleanup: () => Promise<void>;
before(async () => {
  ({ store, cleanup } = await testStore());
});
after(() => cleanup());

const event = (i: number, over: Partial<GatewayEvent> = {}): GatewayEvent => ({
  id: `ge_${String(i).padStart(4, '0')}`,
  ts: new Date(Date.UTC(2026, 10, 1, 12, 0, i)).toISOString(),
  requestId: `req_${i}`,
  keyId: i % 2 ? 'k_a' : 'k_b',
  route: '/v1',
  kind: 'openai',
  method: 'POST',
  path: '/v1/chat/completions',
  model: 'm',
  status: 200,
  decision: 'allow',
  shadow: false,
  reason: '',
  scores: { 'input:injection': 0.01 },
  spans: [],
  latencyMs: 3.5,
  addedMs: 0.2,
  upstreamMs: 3.3,
  tokensIn: 10,
  tokensOut: 5,
  requestHash: 'a'.repeat(64),
  responseHash: 'b'.repeat(64),
  ...over,
});

test('gateway events and per-client usage are readable through the API, in batches of any size', async () => {
  const events = createEventStore(store.db);
  const many = Array.from({ length: 450 }, (_, i) => event(i));
  many[7] = event(7, {
    decision: 'block',
    status: 400,
    reason: 'policy',
    spans: [{ where: 'messages[0]', start: 0, end: 9, label: 'injection', detector: 'injection' }],
  });
  await events.insertMany(many);
  assert.equal(await events.count(), 450);
  const { key } = await store.keys.create({ name: 'viewer', role: 'viewer' }, 't');
  const app = await buildServer({ store, consoleDir: false });
  try {
    const blocked = await app.inject({
      url: '/api/v1/gateway/events?decision=block',
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(blocked.statusCode, 200);
    const items = blocked.json().items as GatewayEvent[];
    assert.equal(items.length, 1);
    assert.deepEqual(items[0]!.spans[0], {
      where: 'messages[0]',
      start: 0,
      end: 9,
      label: 'injection',
      detector: 'injection',
    });
    const usage = await app.inject({
      url: '/api/v1/gateway/usage?since=2026-01-01T00:00:00Z',
      headers: { authorization: `Bearer ${key}` },
    });
    const rows = usage.json().items as {
      keyId: string;
      requests: number;
      blocked: number;
      tokensIn: number;
    }[];
    assert.deepEqual(rows.map((r) => [r.keyId, r.requests, r.blocked, r.tokensIn]).sort(), [
      ['k_a', 225, 1, 2250],
      ['k_b', 225, 0, 2250],
    ]);
    assert.equal((await app.inject({ url: '/api/v1/gateway/events' })).statusCode, 401);
  } finally {
    await app.close();
  }
});
