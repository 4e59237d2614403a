// `npm test`: every suite on SQLite and in memory, then the store and API suites again on PostgreSQL,
// the Redis-backed suites and the browser test — each only where its service answers, and it says
// which suites it skipped and why. Ends with one line: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, globSync } from 'node:fs';
import { connect } from 'node:net';

const args = new Set(process.argv.slice(2));
const PG_URL = process.env.BULWARK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BULWARK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHROMIUM =
  process.env.BULWARK_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);

/** Suites that run a second time against PostgreSQL: everything that talks to the store. */
const PG_SUITES = [
  'src/store/**/*.test.ts',
  'src/server/**/*.test.ts',
  'src/services/**/*.test.ts',
  'test/api/**/*.test.ts',
];

function probe(host, port) {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 1000 });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

const all = [...globSync('src/**/*.test.ts'), ...globSync('test/**/*.test.ts')].sort();
const browser = all.filter((f) => f.endsWith('.browser.test.ts'));
const unit = all.filter((f) => !browser.includes(f));
const pgFiles = [...new Set(PG_SUITES.flatMap((g) => globSync(g)))]
  .filter((f) => !browser.includes(f))
  .sort();

const totals = { pass: 0, fail: 0, skipped: 0 };
const skippedSuites = [];

function runSuite(name, files, env) {
  if (files.length === 0) return;
  console.log(`\n=== ${name}: ${files.length} file(s) ===`);
  const res = spawnSync(
    process.execPath,
    [
      '--test',
      '--test-reporter=spec',
      `--test-concurrency=${process.env.BULWARK_TEST_CONCURRENCY ?? 2}`,
      ...files,
    ],
    { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  process.stdout.write(res.stdout ?? '');
  process.stderr.write(res.stderr ?? '');
  const num = (label) => Number((res.stdout ?? '').match(new RegExp(`^ℹ ${label} (\\d+)$`, 'm'))?.[1] ?? 0);
  totals.pass += num('pass');
  totals.fail += num('fail') + num('cancelled');
  totals.skipped += num('skipped') + num('todo');
  if (res.status !== 0 && num('fail') + num('cancelled') === 0) totals.fail += 1; // crashed runner
}

const pgUp = await probe('127.0.0.1', 5432);
const redisUp = await probe('127.0.0.1', 6379);

const baseEnv = { BULWARK_TEST_DB: 'sqlite', DATABASE_URL: '', REDIS_URL: '' };
if (redisUp) baseEnv.BULWARK_TEST_REDIS_URL = REDIS_URL;
else skippedSuites.push('Redis-backed tests: nothing answers on 127.0.0.1:6379');

if (!args.has('--browser')) {
  if (!args.has('--postgres')) runSuite('SQLite and in-memory suites', unit, baseEnv);
  if (pgUp)
    runSuite('store and API suites on PostgreSQL', pgFiles, {
      ...baseEnv,
      BULWARK_TEST_DB: 'postgres',
      BULWARK_TEST_PG_URL: PG_URL,
    });
  else skippedSuites.push(`store and API suites on PostgreSQL: nothing answers on 127.0.0.1:5432`);
}
if (!args.has('--postgres')) {
  if (CHROMIUM) runSuite('browser suite (Chromium)', browser, { ...baseEnv, BULWARK_CHROMIUM: CHROMIUM });
  else if (browser.length)
    skippedSuites.push('browser suite: no Chromium at /usr/bin/chromium (apt-get install chromium)');
}

for (const s of skippedSuites) console.log(`skipped: ${s}`);
console.log(`\n${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(totals.fail > 0 ? 1 : 0);
