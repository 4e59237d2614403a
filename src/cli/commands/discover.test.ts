import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildFixture, type Fixture } from '../../discover/fixture.ts';
import { buildServer } from '../../server/app.ts';
import { testStore } from '../../store/testing.ts';
import { isolatedHome, runCli } from '../testing.ts';

const BIN = fileURLToPath(new URL('../../../bin/bulwark.js', import.meta.url));

const isolated = () => isolatedHome('bw-discover-cli-home-');

describe('bulwark discover', () => {
  let fx: Fixture;
  const h = isolated();
  before(() => {
    fx = buildFixture(mkdtempSync(join(tmpdir(), 'bw-discover-cli-')));
  });
  after(() => {
    rmSync(fx.root, { recursive: true, force: true });
    rmSync(h.dir, { recursive: true, force: true });
  });

  it('prints a table of assets and findings, masks keys and exits 1 on findings at or above high', async () => {
    const r = await runCli(['discover', fx.root], h.env);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /^KIND\s+NAME\s+FORMAT \/ FRAMEWORK \/ PROVIDER\s+PATH/m);
    assert.match(
      r.out,
      /^model\s+\S+\/models\/resnet\.pt\s+pytorch, torch \(runs code on load\)\s+models\/resnet\.pt$/m,
    );
    assert.match(r.out, /^application\s+support-bot\s+openai, langchain, models: gpt-4o-mini\s+app$/m);
    assert.match(
      r.out,
      /^critical\s+discover\.secret\.plaintext-api-key\s+app\/main\.py:5\s+openai sk-proj-\*{8}/m,
    );
    for (const key of Object.values(fx.keys)) assert.ok(!r.out.includes(key) && !r.err.includes(key));
  });

  it('prints {assets, findings, stats} with --json and honours --fail-on', async () => {
    const r = await runCli(['discover', fx.root, '--json', '--fail-on', 'none'], h.env);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    assert.deepEqual(Object.keys(doc).sort(), ['assets', 'findings', 'root', 'stats']);
    assert.equal(doc.assets.length, 18);
    assert.equal(doc.findings.filter((f: { severity: string }) => f.severity === 'critical').length, 3);
    assert.equal(doc.stats.filesSeen, 20);
    assert.equal((await runCli(['discover', fx.root, '--json', '--fail-on', 'critical'], h.env)).code, 1);
  });

  it('takes limits from flags: --max-files, --ignore, --no-hash', async () => {
    const r = await runCli(
      [
        'discover',
        fx.root,
        '--json',
        '--fail-on',
        'none',
        '--no-hash',
        '--ignore',
        'app',
        '.env',
        '--max-files',
        '100',
      ],
      h.env,
    );
    const doc = JSON.parse(r.out);
    assert.ok(!doc.assets.some((a: { name: string }) => a.name === 'support-bot'));
    assert.ok(!doc.findings.some((f: { location: { path?: string } }) => f.location.path === '.env'));
    assert.ok(doc.assets.every((a: { metadata: { sha256?: string } }) => a.metadata.sha256 === undefined));
    const bad = await runCli(['discover', fx.root, '--max-files', 'lots'], h.env);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--max-files lots: expected a positive integer/);
  });

  it('reads its defaults from the discover section of bulwark.yaml, and names the line of a bad field', async () => {
    const cfg = join(h.dir, 'bulwark.yaml');
    writeFileSync(cfg, 'discover:\n  failOn: none\n  hash: false\n  ignore: [".env"]\n');
    const r = await runCli(['discover', fx.root, '--json', '--config', cfg], h.env);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    assert.ok(!doc.findings.some((f: { location: { path?: string } }) => f.location.path === '.env'));
    assert.ok(doc.assets.every((a: { metadata: { sha256?: string } }) => a.metadata.sha256 === undefined));
    writeFileSync(cfg, 'discover:\n  maxFiles: -3\n');
    const bad = await runCli(['discover', fx.root, '--config', cfg], h.env);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /bulwark\.yaml:2: discover\.maxFiles/);
  });

  it('exits 2 for a missing path, an empty folder and a bad --fail-on', async () => {
    const missing = await runCli(['discover', join(fx.root, 'nope')], h.env);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such file or directory/);
    const empty = mkdtempSync(join(tmpdir(), 'bw-discover-empty-'));
    const e = await runCli(['discover', empty, '--json'], h.env);
    assert.equal(e.code, 2);
    assert.match(JSON.parse(e.out).error.message, /nothing to scan/);
    assert.equal((await runCli(['discover', fx.root, '--fail-on', 'severe'], h.env)).code, 2);
  });

  it('--register upserts every asset into the local store, and a second run updates them', async () => {
    const first = await runCli(['discover', fx.root, '--register', '--json', '--fail-on', 'none'], h.env);
    assert.equal(first.code, 0, first.err);
    const reg = JSON.parse(first.out).registration;
    assert.equal(reg.created, 18);
    assert.equal(reg.updated, 0);
    const list = await runCli(['assets', 'list', '--json', '--limit', '500'], h.env);
    const items: Array<{ kind: string; name: string; tags: string[]; metadata: Record<string, unknown> }> =
      JSON.parse(list.out).items;
    const bot = items.find((a) => a.kind === 'application' && a.name === 'support-bot');
    assert.ok(bot?.tags.includes('model:gpt-4o-mini'));
    const pt = items.find((a) => a.name.endsWith('/models/resnet.pt'));
    assert.match(String(pt?.metadata.sha256), /^[0-9a-f]{64}$/);
    const second = await runCli(['discover', fx.root, '--register', '--fail-on', 'none'], h.env);
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /18 updated/);
  });

  it('--server posts each asset to the real API, counts 409 as already registered, and stops on 401', async () => {
    const { store, cleanup } = await testStore();
    const app = await buildServer({ store, consoleDir: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const { key } = await store.keys.create({ name: 'ci', role: 'service' }, 'test');
      const env = { ...h.env, BULWARK_API_KEY: key };
      const first = await runCli(['discover', fx.root, '--server', url, '--json', '--fail-on', 'none'], env);
      assert.equal(first.code, 0, first.out + first.err);
      assert.equal(JSON.parse(first.out).registration.created, 18);
      const page = await store.assets.list({ kind: 'endpoint' });
      assert.deepEqual(page.items.map((a) => a.name).sort(), [
        'http://localhost:11434/api/chat',
        'https://api.openai.com/v1',
      ]);
      const again = await runCli(['discover', fx.root, '--server', url, '--fail-on', 'none'], env);
      assert.equal(again.code, 0);
      assert.match(again.out, /0 created, 0 updated, 18 already registered/);
      const denied = await runCli(['discover', fx.root, '--server', url, '--fail-on', 'none'], {
        ...h.env,
        BULWARK_API_KEY: 'bwk_wrong',
      });
      assert.equal(denied.code, 2);
      assert.match(denied.err, /HTTP 401/);
      assert.match(denied.out, /1 failed/);
      const nokey = await runCli(['discover', fx.root, '--server', url], h.env);
      assert.equal(nokey.code, 2);
      assert.match(nokey.err, /BULWARK_API_KEY/);
    } finally {
      await app.close();
      await cleanup();
    }
  });

  it('runs as a real process through bin/bulwark.js', () => {
    const r = spawnSync(process.execPath, [BIN, 'discover', fx.root, '--json', '--fail-on', 'none'], {
      encoding: 'utf8',
      env: { ...process.env, BULWARK_HOME: h.env.BULWARK_HOME, BULWARK_CONFIG: '', NO_COLOR: '1' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).assets.length, 18);
  });
});
