import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ChatMessage, Decision, GuardContext, GuardPolicy } from '../guard/index.ts';

/**
 * Guard checks on a pool of threads. Detection is CPU work (normalisation, hashed n-grams, rule scans,
 * PII and secret patterns) that would otherwise run on the thread that also parses, forwards and answers
 * every request: on the pool it runs beside that work, on the machine's other cores. Each thread builds
 * the routes' guards once from their policies; a request sends only its texts and gets the decision back.
 */
export interface GuardPool {
  /** Judges a request's messages with the guard of policy `policy` (an index into the pool's policies). */
  checkInput(policy: number, items: ChatMessage[], ctx: Partial<GuardContext>): Promise<Decision>;
  checkOutput(policy: number, text: string, ctx: Partial<GuardContext>): Promise<Decision>;
  readonly threads: number;
  /** Texts shorter than this (in all) are checked on the request thread: for them the trip to a guard
   * thread and back (copying the texts and the decision, waking the thread) costs more than the check. */
  readonly minChars: number;
  close(): Promise<void>;
}

export interface GuardPoolOptions {
  policies: GuardPolicy[];
  threads: number;
  minChars: number;
  /** A check that takes longer fails (and the route fails closed, or open as configured). */
  timeoutMs: number;
}

/**
 * Threads to use when the config says `auto`. Below 4 cores, none: on the 2-core machine of
 * `bench:gateway` one guard thread did worse than the request thread in three runs and better in one,
 * since the trip to the thread costs CPU and the other core is shared. From 4 cores, the cores left after
 * the request thread, at most 4.
 */
export function defaultGuardThreads(cores = availableParallelism()): number {
  return cores < 4 ? 0 : Math.min(4, cores - 1);
}

interface Pending {
  resolve(d: Decision): void;
  reject(e: Error): void;
  /** Set once the check is sent: a thread's start-up does not count against the check's time. */
  timer: NodeJS.Timeout | undefined;
  slot: number;
}

interface Slot {
  worker: Worker;
  /** Settles when the thread has built its guards (or failed to). */
  ready: Promise<void>;
}

type Check =
  | { policy: number; op: 'input'; items: ChatMessage[]; ctx: Partial<GuardContext> }
  | { policy: number; op: 'output'; text: string; ctx: Partial<GuardContext> };

/** A thread that has not built its guards by then is replaced (loading the models takes a second or two). */
const START_TIMEOUT_MS = 60_000;

export function createGuardPool(options: GuardPoolOptions): GuardPool {
  const slots: (Slot | undefined)[] = Array.from({ length: options.threads }, () => undefined);
  const load = new Array<number>(options.threads).fill(0);
  const pending = new Map<number, Pending>();
  let seq = 0;
  let closed = false;

  const settle = (id: number): Pending | undefined => {
    const p = pending.get(id);
    if (!p) return undefined;
    pending.delete(id);
    clearTimeout(p.timer);
    if (--load[p.slot]! === 0) slots[p.slot]?.worker.unref();
    return p;
  };

  const start = (slot: number): Slot => {
    const w = new Worker(new URL('./guard-thread.ts', import.meta.url), {
      workerData: { policies: options.policies },
    });
    let started!: () => void;
    let failed!: (e: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    // Waited on by every check; a failure is reported through them, never as an unhandled rejection.
    ready.catch(() => {});
    const startTimer = setTimeout(() => {
      failed(new Error(`guard thread did not start within ${START_TIMEOUT_MS} ms`));
      void w.terminate();
    }, START_TIMEOUT_MS);
    startTimer.unref();
    w.on('message', (m: { id: number; ready?: true; decision?: Decision; error?: string }) => {
      if (m.ready) {
        clearTimeout(startTimer);
        started();
        return;
      }
      const p = settle(m.id);
      if (!p) return;
      if (m.decision) p.resolve(m.decision);
      else p.reject(new Error(m.error ?? 'guard thread failed'));
    });
    const dead = (e: Error) => {
      clearTimeout(startTimer);
      failed(e);
      if (slots[slot]?.worker === w) slots[slot] = undefined;
      for (const [id, p] of pending) if (p.slot === slot) settle(id)?.reject(e);
    };
    w.on('error', dead);
    w.on('exit', (code) => dead(new Error(`guard thread exited with code ${code}`)));
    w.unref();
    return { worker: w, ready };
  };

  const send = (req: Check): Promise<Decision> => {
    if (closed) return Promise.reject(new Error('guard pool is closed'));
    // The least busy thread; a dead one is started again on its next request.
    let slot = 0;
    for (let i = 1; i < load.length; i++) if (load[i]! < load[slot]!) slot = i;
    let s = slots[slot];
    if (!s) {
      s = start(slot);
      slots[slot] = s;
    }
    const { worker: w, ready } = s;
    const id = ++seq;
    if (load[slot]!++ === 0) w.ref();
    return new Promise<Decision>((resolve, reject) => {
      pending.set(id, { resolve, reject, timer: undefined, slot });
      ready.then(
        () => {
          const p = pending.get(id);
          if (!p) return;
          p.timer = setTimeout(() => {
            settle(id)?.reject(new Error(`guard check took longer than ${options.timeoutMs} ms`));
            // A thread stuck in a check is replaced: later requests must not queue behind it.
            if (slots[slot]?.worker === w) {
              slots[slot] = undefined;
              void w.terminate();
            }
          }, options.timeoutMs);
          w.postMessage({ ...req, id });
        },
        (e: Error) => settle(id)?.reject(e),
      );
    });
  };

  // Threads start with the pool, so that the first requests do not wait for the guards to be built.
  for (let i = 0; i < slots.length; i++) slots[i] = start(i);

  return {
    threads: options.threads,
    minChars: options.minChars,
    checkInput: (policy, items, ctx) => send({ policy, op: 'input', items, ctx }),
    checkOutput: (policy, text, ctx) => send({ policy, op: 'output', text, ctx }),
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s?.worker.terminate()));
      slots.fill(undefined);
    },
  };
}
