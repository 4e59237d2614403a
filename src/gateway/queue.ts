/**
 * A bounded queue written in batches by one background loop. `push` never waits: when the queue is
 * full the item is dropped and counted (a metric, never silent). `drain` writes everything left.
 */
export interface BatchQueueOptions<T> {
  capacity: number;
  batchSize: number;
  flushIntervalMs: number;
  write(batch: T[]): Promise<void>;
  onDrop?(n: number): void;
  onError?(e: unknown, batch: T[]): void;
}

export function createBatchQueue<T>(options: BatchQueueOptions<T>) {
  const items: T[] = [];
  let dropped = 0;
  let writing: Promise<void> | undefined;
  let failures = 0;
  let closed = false;

  async function flushOnce(): Promise<void> {
    if (items.length === 0) return;
    // splice, not two slices: under a backlog the rest of the queue is not copied on every batch.
    const batch = items.splice(0, options.batchSize);
    try {
      await options.write(batch);
      failures = 0;
    } catch (e) {
      failures++;
      options.onError?.(e, batch);
      // Put the batch back (room permitting) so a database blip loses nothing.
      const room = options.capacity - items.length;
      if (room < batch.length) {
        dropped += batch.length - room;
        options.onDrop?.(batch.length - room);
      }
      if (room > 0) items.unshift(...batch.slice(0, room));
      throw e;
    }
  }

  function kick(): void {
    if (writing || items.length === 0) return;
    writing = (async () => {
      try {
        while (items.length > 0) {
          await flushOnce();
          // A synchronous store (SQLite) holds the event loop for the whole batch: let requests run
          // between batches, so that a backlog is written in short pauses, not one long one.
          if (items.length > 0) await new Promise((r) => setImmediate(r));
        }
      } catch {
        // retried on the next tick, with backoff while the database keeps failing
      } finally {
        writing = undefined;
      }
    })();
  }

  const timer = setInterval(() => {
    if (failures === 0 || Math.random() < 1 / 2 ** Math.min(failures, 6)) kick();
  }, options.flushIntervalMs);
  timer.unref();

  return {
    push(item: T): boolean {
      if (closed || items.length >= options.capacity) {
        dropped++;
        options.onDrop?.(1);
        return false;
      }
      items.push(item);
      if (items.length >= options.batchSize) kick();
      return true;
    },
    get depth() {
      return items.length;
    },
    get dropped() {
      return dropped;
    },
    /** Writes everything queued (retrying a failing write up to `attempts` times), then stops. */
    async drain(attempts = 5): Promise<void> {
      closed = true;
      clearInterval(timer);
      for (let a = 0; a < attempts; a++) {
        if (writing) await writing;
        try {
          while (items.length > 0) await flushOnce();
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 100 * 2 ** a));
        }
      }
    },
  };
}
export type BatchQueue<T> = ReturnType<typeof createBatchQueue<T>>;
