// Runs at `npm ci` (prepare): the project needs the pinned Node 24 from the `node` devDependency.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `bulwark: Node ${process.versions.node} is running, but Bulwark needs Node 24. ` +
      'Run through npm (npm test, npx bulwark) so the pinned runtime in node_modules/.bin is used.',
  );
  process.exit(2);
}
