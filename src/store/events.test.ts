import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEventStore, type GatewayEvent } from './events.ts';
import type { Store } from './index.ts';
import { sampleEvent, testStore } from './testing.ts';

const event = (i: number, keyId = 'k_events'): GatewayEvent => sampleEvent(i, keyId);

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
    const blocked = event(7, 'k_fields');
    await events.insertMany([full, blocked]);
    const got = await events.list({ keyId: 'k_fields' });
    assert.deepEqual(
      got.find((e) => e.id === full.id),
      full,
    );
    assert.deepEqual(
      got.find((e) => e.id === blocked.id),
      blocked,
    );
  });

  it('writes a batch larger than one statement in one transaction', async () => {
    const events = createEventStore(store.db);
    const batch = Array.from({ length: 450 }, (_, i) => event(1000 + i));
    await events.insertMany(batch);
    const got = await events.list({ keyId: 'k_events', limit: 1000 });
    assert.equal(got.length, 450);
    assert.equal(
      got.filter((e) => e.decision === 'block').length,
      batch.filter((e) => e.decision === 'block').length,
    );
    assert.ok(got.some((e) => e.decision === 'block'));
    // A repeated id in a later statement of the batch: nothing of that batch is kept.
    const again = Array.from({ length: 250 }, (_, i) => event(5000 + i));
    again[249] = event(1000);
    await assert.rejects(events.insertMany(again), /UNIQUE|already exists|duplicate/);
    assert.equal((await events.list({ keyId: 'k_events', limit: 1000 })).length, 450);
  });
});
