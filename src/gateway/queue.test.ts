import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBreaker } from './breaker.ts';
import { memoryLimiter } from './limits.ts';
import { createBatchQueue } from './queue.ts';

test('the event queue writes in batches and drains everything on close', async () => {
  const batches: number[][] = [];
  const q = createBatchQueue<number>({
    capacity: 1000,
    batchSize: 10,
    flushIntervalMs: 60_000,
    write: async (b) => void batches.push(b),
  });
  for (let i = 0; i < 25; i++) assert.equal(q.push(i), true);
  await q.drain();
  assert.deepEqual(
    batches.flat(),
    Array.from({ length: 25 }, (_, i) => i),
  );
  assert.ok(batches.every((b) => b.length <= 10));
  assert.equal(q.depth, 0);
});

test('a full queue drops and counts, never blocks', async () => {
  let dropped = 0;
  const q = createBatchQueue<number>({
    capacity: 5,
    batchSize: 100,
    flushIntervalMs: 60_000,
    write: async () => {},
    onDrop: (n) => {
      dropped += n;
    },
  });
  for (let i = 0; i < 8; i++) q.push(i);
  assert.equal(q.depth, 5);
  assert.equal(dropped, 3);
  assert.equal(q.dropped, 3);
  await q.drain();
});

test('a failed write keeps the batch and the drain retries it', async () => {
  let fail = 2;
  const written: number[] = [];
  const q = createBatchQueue<number>({
    capacity: 100,
    batchSize: 100,
    flushIntervalMs: 60_000,
    write: async (b) => {
      if (fail-- > 0) throw new Error('database down');
      written.push(...b);
    },
  });
  for (let i = 0; i < 10; i++) q.push(i);
  await q.drain();
  assert.deepEqual(written, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('the memory limiter refuses without counting, and windows roll over', async () => {
  let now = Date.UTC(2026, 0, 31, 23, 59, 30);
  const l = memoryLimiter(() => now);
  const limits = { requestsPerMinute: 2, monthlyTokens: 100 };
  assert.deepEqual(await l.acquire('k', 'r', limits, 40), { ok: true });
  assert.deepEqual(await l.acquire('k', 'r', limits, 40), { ok: true });
  const third = await l.acquire('k', 'r', limits, 10);
  assert.equal(third.ok, false);
  assert.equal(!third.ok && third.limit, 'requestsPerMinute');
  now += 60_000; // next minute, next month
  assert.deepEqual(await l.acquire('k', 'r', limits, 90), { ok: true }, 'a new month resets the quota');
  const over = await l.acquire('k', 'r', limits, 20);
  assert.equal(!over.ok && over.limit, 'monthlyTokens');
  await l.release('k', 'r', limits, 5);
  const after = await l.acquire('k', 'r', { requestsPerMinute: 5, monthlyTokens: 100 }, 6);
  assert.equal(!after.ok && after.limit, 'monthlyTokens', 'output tokens count against the quota');
});

test('the circuit breaker opens after consecutive failures and half-opens after the reset time', () => {
  let now = 0;
  const b = createBreaker({ failures: 3, resetMs: 1000 }, () => now);
  b.failure();
  b.failure();
  assert.equal(b.allow(), true);
  b.failure();
  assert.equal(b.state, 'open');
  assert.equal(b.allow(), false);
  now = 1000;
  assert.equal(b.allow(), true, 'one trial call');
  assert.equal(b.allow(), false, 'only one');
  b.success();
  assert.equal(b.state, 'closed');
});

test('a backlog is written batch by batch with other work let in between (synchronous stores)', async () => {
  const log: string[] = [];
  const q = createBatchQueue<number>({
    capacity: 1000,
    batchSize: 10,
    flushIntervalMs: 60_000,
    // Like SQLite: the write does its work synchronously and returns a resolved promise.
    write: async (b) => void log.push(`batch ${b[0]}`),
  });
  for (let i = 0; i < 29; i++) q.push(i);
  setImmediate(() => log.push('request'));
  q.push(29); // the 30th item fills a third batch; the first kicked at 10 items
  await q.drain();
  assert.deepEqual(
    log.filter((l) => l.startsWith('batch')),
    ['batch 0', 'batch 10', 'batch 20'],
  );
  const at = log.indexOf('request');
  assert.ok(at > 0 && at < log.length - 1, `other work ran between batches: ${log.join(', ')}`);
});
