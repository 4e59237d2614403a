import { parentPort, workerData } from 'node:worker_threads';
import { scanBuffer, scanPaths } from './index.ts';
import { compilePolicy } from './policy.ts';

/** Worker side of scanInWorker: runs one scan off the caller's event loop and posts the result. */
const { kind, paths, bytes, name, options, policy } = workerData as {
  kind: 'paths' | 'buffer';
  paths?: string[];
  bytes?: Uint8Array;
  name?: string;
  options: Record<string, unknown>;
  policy?: unknown;
};
// The policy schema (and zod) load only when a policy document was sent: the built-in one is trusted data.
// One thread per scan on a server: its heap bound (maxHeapMb) covers the whole scan.
const opts = {
  threads: 1,
  ...options,
  ...(policy ? { policy: compilePolicy((await import('./policy-file.ts')).PolicyFile.parse(policy)) } : {}),
  onProgress: (done: number, total: number, path: string) =>
    parentPort!.postMessage({ progress: [done, total, path] }),
};
try {
  const result = kind === 'paths' ? await scanPaths(paths!, opts) : await scanBuffer(bytes!, name!, opts);
  parentPort!.postMessage({ result });
} catch (e) {
  const err = e as { code?: string; message?: string };
  parentPort!.postMessage({
    error: { code: err.code ?? 'BW_ERR_INTERNAL', message: err.message ?? String(e) },
  });
}
