import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isolatedHome, runCli } from './testing.ts';

const BIN = fileURLToPath(new URL('../../bin/bulwark.js', import.meta.url));

const home = () => isolatedHome();

describe('bulwark CLI', () => {
  it('init creates the home and prints the admin key once as JSON', async () => {
    const h = home();
    const first = await runCli(['init', '--json', '--no-config-file'], h.env);
    assert.equal(first.code, 0, first.err);
    const doc = JSON.parse(first.out);
    assert.equal(doc.home, h.env.BULWARK_HOME);
    assert.match(doc.adminKey, /^bwk_/);
    assert.equal(
      statSync(join(h.env.BULWARK_HOME, 'bulwark.db')).mode & 0o077,
      0,
      'database not readable by others',
    );
    const again = JSON.parse((await runCli(['init', '--json', '--no-config-file'], h.env)).out);
    assert.equal(again.adminKey, null, 'the key is never printed twice');
  });

  it('adds, lists, shows and removes assets, with --json and exit codes', async () => {
    const h = home();
    await runCli(['init', '--json', '--no-config-file'], h.env);
    let r = await runCli(
      [
        'assets',
        'add',
        '--kind',
        'model',
        '--name',
        'resnet',
        '--tag',
        'prod',
        'vision',
        '--risk',
        'high',
        '--json',
      ],
      h.env,
    );
    assert.equal(r.code, 0, r.err);
    const id = JSON.parse(r.out).id;
    r = await runCli(['assets', 'list'], h.env);
    assert.match(r.out, /model\s+resnet\s+high\s+prod,vision/);
    r = await runCli(['assets', 'list', '--kind', 'dataset', '--json'], h.env);
    assert.equal(JSON.parse(r.out).total, 0);
    r = await runCli(['assets', 'show', 'resnet', '--kind', 'model', '--json'], h.env);
    assert.equal(JSON.parse(r.out).id, id);
    r = await runCli(['assets', 'show', 'resnet'], h.env);
    assert.equal(r.code, 2);
    assert.match(r.err, /give --kind/);
    r = await runCli(['assets', 'add', '--kind', 'model', '--name', 'resnet'], h.env);
    assert.equal(r.code, 2, 'duplicate is an input error');
    assert.match(r.err, /already exists/);
    r = await runCli(['assets', 'add', '--kind', 'toaster', '--name', 'x'], h.env);
    assert.equal(r.code, 2);
    assert.match(r.err, /toaster.*invalid/);
    r = await runCli(['assets', 'rm', id], h.env);
    assert.equal(r.code, 0);
    assert.equal(JSON.parse((await runCli(['assets', 'list', '--json'], h.env)).out).total, 0);
  });

  it('creates, lists and revokes keys and verifies the audit chain', async () => {
    const h = home();
    await runCli(['init', '--json', '--no-config-file'], h.env);
    const created = JSON.parse(
      (await runCli(['keys', 'create', '--name', 'ci', '--role', 'service', '--json'], h.env)).out,
    );
    assert.equal(created.role, 'service');
    let r = await runCli(['keys', 'list', '--json'], h.env);
    assert.equal(JSON.parse(r.out).items.length, 2);
    assert.ok(!r.out.includes(created.key), 'list never shows a secret');
    r = await runCli(['keys', 'revoke', created.id], h.env);
    assert.equal(r.code, 0);
    r = await runCli(['keys', 'create', '--name', 'x', '--role', 'root'], h.env);
    assert.equal(r.code, 2);
    r = await runCli(['audit', 'verify', '--json'], h.env);
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.out).entries, 3);
    r = await runCli(['findings', 'list', '--json'], h.env);
    assert.equal(JSON.parse(r.out).total, 0);
  });

  it('audit verify exits 1 and names the entry after tampering', async () => {
    const h = home();
    await runCli(['init', '--json', '--no-config-file'], h.env);
    await runCli(['assets', 'add', '--kind', 'dataset', '--name', 'train'], h.env);
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(join(h.env.BULWARK_HOME, 'bulwark.db'));
    db.prepare('UPDATE audit_log SET actor = ? WHERE seq = 2').run('cli:someone-else');
    db.close();
    const r = await runCli(['audit', 'verify'], h.env);
    assert.equal(r.code, 1);
    assert.match(r.out, /entry 2 .* was edited/);
  });

  it('reports a bad config file with file, line and field, exit 2', async () => {
    const h = home();
    const cfg = join(h.dir, 'bulwark.yaml');
    writeFileSync(cfg, 'server:\n  port: 80\n  hots: 0.0.0.0\n');
    const r = await runCli(['assets', 'list', '--config', cfg], h.env);
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      new RegExp(`${cfg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3: server\\.hots: unknown field`),
    );
  });

  it('prints help with examples and exits 2 on an unknown command', async () => {
    let r = await runCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /Examples:/);
    r = await runCli(['assets', 'add', '--help']);
    assert.match(r.out, /bulwark assets add --kind model/);
    r = await runCli(['frobnicate']);
    assert.equal(r.code, 2);
  });

  it('runs as a real process: serve answers, then shuts down cleanly on SIGTERM', async () => {
    const h = home();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json'], {
      env: { ...process.env, ...h.env, BULWARK_HOME: h.env.BULWARK_HOME, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const first = out.split('\n').find((l) => l.startsWith('{"url"'));
        if (first) resolve(first);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });
    const { url, adminKey } = JSON.parse(line);
    assert.match(adminKey, /^bwk_/, 'first run initialises and prints the admin key');
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${adminKey}` } });
    assert.equal((await me.json()).role, 'admin');
    assert.equal((await fetch(`${url}/api/v1/assets`)).status, 401);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const v = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    assert.match(v.stdout, /^\d+\.\d+\.\d+/);
  });
});
