import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startWorker } from '../server/worker.ts';
import type { Store } from './index.ts';
import { testStore } from './testing.ts';

const DB = process.env.BULWARK_TEST_DB ?? 'sqlite';

describe(`job queue on ${DB}`, () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  before(async () => {
    ({ store, cleanup } = await testStore());
  });
  after(() => cleanup());

  it('claims due jobs once, in order, and records results', async () => {
    const a = await store.jobs.enqueue('scan', { path: 'a' });
    const b = await store.jobs.enqueue('scan', { path: 'b' });
    await store.jobs.enqueue('scan', { path: 'later' }, { runAt: new Date(Date.now() + 3_600_000) });
    const first = await store.jobs.claim(['scan'], 'w1');
    const second = await store.jobs.claim(['scan'], 'w2');
    assert.deepEqual([first?.id, second?.id], [a!.id, b!.id]);
    assert.equal(first!.attempts, 1);
    assert.equal(await store.jobs.claim(['scan'], 'w3'), undefined, 'the future job is not due');
    await store.jobs.complete(first!.id, { findings: 2 });
    const done = await store.jobs.get(first!.id);
    assert.equal(done!.status, 'succeeded');
    assert.deepEqual(done!.result, { findings: 2 });
  });

  it('retries with backoff and fails for good after max attempts', async () => {
    const j = await store.jobs.enqueue('flaky', {}, { maxAttempts: 2 });
    const c1 = await store.jobs.claim(['flaky'], 'w');
    const f1 = await store.jobs.fail(c1!.id, 'boom');
    assert.equal(f1!.status, 'queued');
    assert.ok(Date.parse(f1!.runAt) > Date.now(), 'retry is delayed');
    await store.db.run('UPDATE jobs SET run_at = ? WHERE id = ?', [new Date(0).toISOString(), j!.id]);
    const c2 = await store.jobs.claim(['flaky'], 'w');
    assert.equal(c2!.attempts, 2);
    const f2 = await store.jobs.fail(c2!.id, 'boom again');
    assert.equal(f2!.status, 'failed');
    assert.equal(f2!.error, 'boom again');
  });

  it('gives an expired lease to another worker', async () => {
    const j = await store.jobs.enqueue('lease', {});
    const c1 = await store.jobs.claim(['lease'], 'dead-worker', 1);
    assert.equal(c1!.id, j!.id);
    await new Promise((r) => setTimeout(r, 10));
    const c2 = await store.jobs.claim(['lease'], 'live-worker');
    assert.equal(c2?.id, j!.id, 'reclaimed after the lease ran out');
  });

  it('deduplicates scheduled ticks', async () => {
    const one = await store.jobs.enqueue('tick', {}, { dedupeKey: 'tick:1' });
    const two = await store.jobs.enqueue('tick', {}, { dedupeKey: 'tick:1' });
    assert.ok(one);
    assert.equal(two, undefined);
  });

  it('runs every job exactly once across two concurrent workers', async () => {
    const seen: string[] = [];
    const handler = async (p: Record<string, unknown>) => {
      seen.push(p.n as string);
      await new Promise((r) => setTimeout(r, 2));
      return { ok: true };
    };
    for (let i = 0; i < 30; i++) await store.jobs.enqueue('work', { n: String(i) });
    const w1 = startWorker({ store, handlers: { work: handler }, pollMs: 5, concurrency: 3 });
    const w2 = startWorker({ store, handlers: { work: handler }, pollMs: 5, concurrency: 3 });
    for (let i = 0; i < 400 && seen.length < 30; i++) await new Promise((r) => setTimeout(r, 10));
    await Promise.all([w1.stop(), w2.stop()]);
    assert.equal(seen.length, 30);
    assert.equal(new Set(seen).size, 30);
    assert.equal((await store.jobs.list({ queue: 'work', status: 'succeeded', limit: 100 })).length, 30);
  });

  it('enqueues one scheduled job per period however many workers run', async () => {
    let runs = 0;
    const handlers = { 'registry.reverify': async () => void runs++ };
    const schedules = [{ queue: 'registry.reverify', everyMs: 3_600_000 }];
    const w1 = startWorker({ store, handlers, schedules, pollMs: 5 });
    const w2 = startWorker({ store, handlers, schedules, pollMs: 5 });
    for (let i = 0; i < 100 && runs < 1; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    await Promise.all([w1.stop(), w2.stop()]);
    assert.equal(runs, 1);
  });
});
