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
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
