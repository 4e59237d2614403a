import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

// `bulwark scan` in CI and `bulwark check` start a process per call: zod (about 95 modules) and the
// schemas built with it were a third of that start-up. These tests run the real CLI with a module hook
// that records every module loaded, and fail when zod comes back on a path that does not need it.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'bulwark.js');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'scan', 'benign', 'torch_state_dict.pt');
const ZOD = '/node_modules/zod/';

const work = mkdtempSync(join(tmpdir(), 'bw-startup-'));
after(() => rmSync(work, { recursive: true, force: true }));

const HOOK = join(work, 'record-loads.mjs');
writeFileSync(
  HOOK,
  `import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
registerHooks({
  load(url, context, next) {
    appendFileSync(process.env.BW_LOAD_LOG, url + '\\n');
    return next(url, context);
  },
});
`,
);

let runs = 0;

/** Runs node with the recording hook in `cwd`; returns the exit code, output and the URLs loaded. */
function traced(args: string[], cwd: string) {
  const log = join(work, `loads-${++runs}.txt`);
  writeFileSync(log, '');
  const env: NodeJS.ProcessEnv = { ...process.env, BW_LOAD_LOG: log, NO_COLOR: '1' };
  delete env.BULWARK_CONFIG;
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(HOOK).href, ...args], {
    cwd,
    env,
    encoding: 'utf8',
  });
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { code: r.status, out: r.stdout, err: r.stderr, urls };
}

/** A fresh working directory with no bulwark.yaml. */
function emptyDir(name: string): string {
  return mkdtempSync(join(work, `${name}-`));
}

describe('start-up without a config file', () => {
  it('bulwark scan loads no zod', () => {
    const r = traced([BIN, 'scan', FIXTURE], emptyDir('scan'));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /1 scanned as models/);
    assert.ok(
      r.urls.some((u) => u.endsWith('/src/scan/index.ts')),
      'the hook saw the scan engine load',
    );
    assert.deepEqual(
      r.urls.filter((u) => u.includes(ZOD)),
      [],
    );
  });

  it('bulwark check loads no zod', () => {
    const r = traced([BIN, 'check', 'hello'], emptyDir('check'));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /ALLOW/);
    assert.ok(
      r.urls.some((u) => u.endsWith('/src/guard/index.ts')),
      'the hook saw the guard load',
    );
    assert.deepEqual(
      r.urls.filter((u) => u.includes(ZOD)),
      [],
    );
  });

  it('importing the core, scan and guard engines loads no zod', () => {
    for (const mod of ['src/core/index.ts', 'src/scan/index.ts', 'src/guard/index.ts']) {
      const url = pathToFileURL(join(ROOT, mod)).href;
      const r = traced(['--input-type=module', '-e', `await import(${JSON.stringify(url)});`], work);
      assert.equal(r.code, 0, r.err);
      assert.ok(r.urls.includes(url), mod);
      assert.deepEqual(
        r.urls.filter((u) => u.includes(ZOD)),
        [],
        mod,
      );
    }
  });
});

describe('start-up with a config file', () => {
  it('validates bulwark.yaml with zod and names file:line:field', () => {
    const dir = emptyDir('config');
    writeFileSync(join(dir, 'bulwark.yaml'), 'server:\n  port: 9000\nscan:\n  failOn: extreme\n');
    const r = traced([BIN, 'scan', FIXTURE], dir);
    assert.equal(r.code, 2, r.out);
    assert.match(r.err, /bulwark\.yaml:4: scan\.failOn: /);
    // The same hook does see zod when a file applies: the tests above are not vacuous.
    assert.ok(r.urls.some((u) => u.includes(ZOD)));
  });

  it('applies a valid scan section from bulwark.yaml', () => {
    const dir = emptyDir('config-ok');
    writeFileSync(join(dir, 'bulwark.yaml'), 'scan:\n  failOn: low\n');
    const r = traced([BIN, 'scan', FIXTURE], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /fail on low/);
  });

  it('reports a guard policy in bulwark.yaml that is wrong', () => {
    const dir = emptyDir('config-check');
    writeFileSync(join(dir, 'bulwark.yaml'), 'policies:\n  default:\n    action: shout\n');
    const r = traced([BIN, 'check', 'hello'], dir);
    assert.equal(r.code, 2, r.out);
    assert.match(r.err, /bulwark\.yaml: policies\.default\.action: /);
  });
});
