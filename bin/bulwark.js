#!/usr/bin/env node
// Entry point for `npx bulwark`. Node 24 runs the TypeScript sources directly (type stripping),
// so there is no build step between a clone and a working CLI.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `bulwark: needs Node 24 (found ${process.versions.node}). Run it as \`npx bulwark\` after \`npm ci\`.\n`,
  );
  process.exit(2);
}
// Cache compiled (and type-stripped) modules between runs: a CLI started per file in CI pays start-up
// every time. The cache lives in the user's own cache directory, not a shared temp folder.
try {
  const { enableCompileCache } = await import('node:module');
  const { homedir } = await import('node:os');
  const { join } = await import('node:path');
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  enableCompileCache(join(base, 'bulwark', 'node-compile-cache'));
} catch {
  // A read-only home or an older runtime: run without the cache.
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
