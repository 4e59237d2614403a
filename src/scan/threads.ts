import { getCompileCacheDir } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ScannedFile, ScanOptions, Target } from './index.ts';
import type { PolicyFile } from './policy.ts';

/**
 * Files per extra thread below which one thread is faster: a helper thread takes a few tens of
 * milliseconds to start and load the engine, about what scanning 200 small files costs.
 */
export const FILES_PER_THREAD = 200;

/**
 * Threads for a scan of `files` files when the caller does not say: one per idle core (cores less the
 * one-minute load average, as `make --load-average` judges it) less one, at most 4. The core kept back is
 * for V8's own background threads (garbage collection, compilation), which a single scanning thread
 * already keeps busy. Measured on a 2-core VM: two threads took 0.53–0.63 s where one took 0.46–0.54 s
 * with the machine idle, and 0.75 s against 0.61 s with one core taken; so two cores get no helper.
 */
export function autoThreads(files: number, cores = availableParallelism(), load = loadavg()[0] ?? 0): number {
  const idle = Math.round(cores - load);
  return Math.max(1, Math.min(idle - 1, 4, Math.floor(files / FILES_PER_THREAD)));
}

/** What a helper thread needs: plain data only (functions and compiled policies cannot cross). */
export interface HelperData {
  targets: Target[];
  counter: Int32Array;
  policy: PolicyFile;
  options: Pick<ScanOptions, 'limits' | 'hash'>;
  /** The caller's compile cache, so the helper loads the engine without compiling it again. */
  compileCache?: string;
}

export type HelperMessage = { i: number; file: ScannedFile } | { done: true };

/**
 * Starts a helper thread that claims files from the shared counter, as the caller's thread does, and
 * reports each result with its index. Resolves when the helper has finished or died; a helper that
 * dies leaves the files it claimed without a result, and the caller scans those itself.
 */
export function startHelper(
  data: HelperData,
  onResult: (i: number, file: ScannedFile) => void,
): Promise<void> {
  const cache = getCompileCacheDir();
  const worker = new Worker(new URL('./thread-worker.js', import.meta.url), {
    workerData: { ...data, ...(cache ? { compileCache: cache } : {}) },
  });
  return new Promise((resolve) => {
    let settled = false;
    const end = () => {
      if (settled) return;
      settled = true;
      resolve();
    };
    worker.on('message', (m: HelperMessage) => {
      if ('done' in m) {
        end();
        void worker.terminate();
      } else onResult(m.i, m.file);
    });
    worker.once('error', end);
    worker.once('exit', end);
  });
}
