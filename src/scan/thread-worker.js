// A helper thread of a multi-threaded scanPaths (see threads.ts). Plain JavaScript so that the compile
// cache is on before the engine's TypeScript loads: stripping and compiling it again would cost the
// thread most of what it could save.
import { enableCompileCache } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

if (workerData.compileCache) enableCompileCache(workerData.compileCache);
const { scanTarget } = await import('./index.ts');
const { compilePolicy } = await import('./policy.ts');
const { targets, counter, policy, options } = workerData;
const compiled = compilePolicy(policy);
for (;;) {
  const i = Atomics.add(counter, 0, 1);
  if (i >= targets.length) break;
  parentPort.postMessage({ i, file: await scanTarget(targets[i], { ...options, policy: compiled }) });
}
parentPort.postMessage({ done: true });
