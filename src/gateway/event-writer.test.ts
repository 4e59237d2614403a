import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEventStore, encodeEvent, type GatewayEvent } from '../store/events.ts';
import { openStore, type Store } from '../store/index.ts';
import { sampleEvent } from '../store/testing.ts';
import { createEventWriterThread } from './event-writer.ts';

const sample = (i: number): GatewayEvent => sampleEvent(i, 'k_thread');
// The writer takes events as the gateway queues them: encoded.
const event = (i: number): string => encodeEvent(sample(i));

describe('event writer thread (SQLite)', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bw-evw-'));
    store = await openStore(`sqlite:${join(dir, 'b.db')}`);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes batches from its own connection, in order, readable from the main one', async () => {
    assert.ok(store.db.file, 'a file-backed SQLite store names its file');
    const w = createEventWriterThread(store.db.file!);
    const all = Array.from({ length: 450 }, (_, i) => event(i));
    await Promise.all([w.write(all.slice(0, 200)), w.write(all.slice(200, 400)), w.write(all.slice(400))]);
    await w.close();
    const got = await createEventStore(store.db).list({ keyId: 'k_thread', limit: 1000 });
    assert.equal(got.length, 450);
    const blocked = got.filter((e) => e.decision === 'block');
    assert.equal(blocked.length, all.filter((e) => JSON.parse(e).decision === 'block').length);
    assert.deepEqual(blocked[0]!.spans[0], {
      where: 'messages[1]',
      start: 0,
      end: 5,
      label: 'x',
      detector: 'injection',
    });
  });

  it('fails a batch it cannot write (so the queue keeps it) and goes on with the next', async () => {
    const w = createEventWriterThread(store.db.file!);
    // The same ids again: the primary key refuses the whole transaction.
    await assert.rejects(w.write([event(1)]), /UNIQUE|already exists/);
    await w.write([event(10_000)]);
    await w.close();
    const got = await createEventStore(store.db).list({ keyId: 'k_thread', limit: 1000 });
    assert.ok(got.some((e) => e.requestId === 'req_10000'));
  });

  it('commits a batch handed over in several messages as one transaction', async () => {
    const w = createEventWriterThread(store.db.file!);
    // 130 events go over in three messages; the last one repeats an id, so nothing of the batch is kept.
    const batch = Array.from({ length: 130 }, (_, i) => event(30_000 + i));
    batch[129] = event(30_000);
    await assert.rejects(w.write(batch), /UNIQUE|already exists/);
    await w.write(batch.slice(0, 129));
    await w.close();
    const got = await createEventStore(store.db).list({ keyId: 'k_thread', limit: 1000 });
    assert.equal(got.filter((e) => Number(e.requestId.slice(4)) >= 30_000).length, 129);
  });

  it('rejects writes when the thread cannot open the database', async () => {
    // A directory where the file should be: the thread dies at start, and the write says so.
    const w = createEventWriterThread(dir);
    await assert.rejects(w.write([event(20_000)]));
    await w.close();
  });
});
