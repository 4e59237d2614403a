import { Worker } from 'node:worker_threads';

/**
 * Writes gateway events to a SQLite file from a thread of its own. node:sqlite is synchronous: a batch
 * written on the main thread holds every request in flight for as long as the insert takes, which is
 * what a gateway's p99 latency then shows. The thread keeps its own connection (WAL lets it write
 * beside the main one); PostgreSQL needs none of this, its driver does I/O without blocking.
 */
export interface EventWriter {
  /** Writes events encoded by `encodeEvent` (store/events.ts) in one transaction. */
  write(rows: string[]): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  resolve(): void;
  reject(e: Error): void;
}

/**
 * Events per message to the thread. Copying a message holds the request thread: a batch of 500 event
 * objects in one message paused every request for half a millisecond, which the gateway's p99 showed
 * (events travel as strings now, which copy faster). The thread still commits the whole batch at once
 * (a commit costs more than a row).
 */
const CHUNK = 50;

/** Posts a batch in chunks, letting requests run between them; the last chunk tells the thread to commit. */
async function handOver(w: Worker, id: number, events: string[]): Promise<void> {
  for (let i = 0; i < events.length || i === 0; i += CHUNK) {
    if (i > 0) await new Promise((r) => setImmediate(r));
    const last = i + CHUNK >= events.length;
    w.postMessage({ id, events: events.slice(i, i + CHUNK), last });
  }
}

export function createEventWriterThread(file: string): EventWriter {
  let worker: Worker | undefined;
  let seq = 0;
  const pending = new Map<number, Pending>();

  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };

  const start = (): Worker => {
    const w = new Worker(new URL('./event-writer-thread.ts', import.meta.url), { workerData: { file } });
    w.on('message', (m: { id: number; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (m.error === undefined) p.resolve();
      else p.reject(new Error(m.error));
    });
    // A dead thread fails its batches (the queue puts them back) and the next write starts a new one.
    w.on('error', (e) => {
      if (worker === w) worker = undefined;
      failAll(e);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new Error(`event writer thread exited with code ${code}`));
    });
    // Idle between batches the thread must not keep a finished process alive; with a batch in flight it
    // must (ref'd in write).
    w.unref();
    return w;
  };

  return {
    write(events) {
      worker ??= start();
      const id = ++seq;
      const w = worker;
      const done = new Promise<void>((resolve, reject) => {
        if (pending.size === 0) w.ref();
        pending.set(id, { resolve, reject });
      });
      void handOver(w, id, events);
      return done;
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (!w) return;
      await new Promise<void>((resolve) => {
        w.ref();
        w.once('exit', () => resolve());
        w.postMessage({ close: true });
      });
    },
  };
}
