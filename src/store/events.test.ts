import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEventStore, type GatewayEvent } from './events.ts';
import type { Store } from './index.ts';
import { testStore } from './testing.ts';

const event = (i: number, keyId = 'k_events'): GatewayEvent => ({
  id: `ge_${String(i).padStart(26, '0')}`,
  ts: new Date(1_800_000_000_000 + i).toISOString(),
  requestId: `req_${i}`,
  keyId,
  route: '/v1',
  kind: 'openai',
  method: 'POST',
  path: '/v1/chat/completions',
  model: 'm',
  status: i % 5 === 0 ? 400 : 200,
  decision: i % 5 === 0 ? 'block' : 'allow',
  shadow: false,
  reason: i % 5 === 0 ? 'policy' : '',
  scores: { 'input:injection': (i % 100) / 100 },
  spans: [],
  latencyMs: 1.5,
  addedMs: 0.25,
  upstreamMs: 1.25,
  tokensIn: 10,
  tokensOut: 5,
  requestHash: 'a'.repeat(64),
  responseHash: 'b'.repeat(64),
});

// Runs on SQLite, and again on PostgreSQL when `npm test` repeats the store suites there (the two insert
// paths differ: bound parameters on SQLite, one JSON parameter per statement on PostgreSQL).
describe(`gateway events (${process.env.BULWARK_TEST_DB ?? 'sqlite'})`, () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ store, cleanup } = await testStore());
  });
  after(() => cleanup());

  it('gives back every field of an event as it was written', async () => {
    const events = createEventStore(store.db);
    const full: GatewayEvent = {
      ...event(1, 'k_fields'),
      shadow: true,
      decision: 'redact',
      reason: 'policy',
      scores: { 'input:pii': 0.875, 'output:leak': 0.125 },
      spans: [{ where: 'messages[0]', start: 3, end: 17, label: 'email', detector: 'pii' }],
      latencyMs: 12.345678,
      addedMs: 0.0625,
      upstreamMs: 12.283178,
      tokensIn: 1234,
      tokensOut: 56,
      body: '{"messages":[{"role":"user","content":"caf\\u00e9 \\"quoted\\" \\\\ back \\n"}]}',
    };
    const bare = event(2, 'k_fields');
    await events.insertMany([full, bare]);
    const got = await events.list({ keyId: 'k_fields' });
    assert.deepEqual(
      got.find((e) => e.id === full.id),
      full,
    );
    assert.deepEqual(
      got.find((e) => e.id === bare.id),
      bare,
    );
  });

  it('writes a batch larger than one statement in one transaction', async () => {
    const events = createEventStore(store.db);
    const batch = Array.from({ length: 450 }, (_, i) => event(1000 + i));
    await events.insertMany(batch);
    const got = await events.list({ keyId: 'k_events', limit: 1000 });
    assert.equal(got.length, 450);
    assert.equal(got.filter((e) => e.decision === 'block').length, 90);
    // A repeated id in a later statement of the batch: nothing of that batch is kept.
    const again = Array.from({ length: 250 }, (_, i) => event(5000 + i));
    again[249] = event(1000);
    await assert.rejects(events.insertMany(again), /UNIQUE|already exists|duplicate/);
    assert.equal((await events.list({ keyId: 'k_events', limit: 1000 })).length, 450);
  });
});
