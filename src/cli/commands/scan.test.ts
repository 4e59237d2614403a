import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../testing.ts';

const BIN = fileURLToPath(new URL('../../../bin/bulwark.js', import.meta.url));
const FIX = fileURLToPath(new URL('../../../test/fixtures/scan/', import.meta.url));
const ENV = { BULWARK_CONFIG: undefined };

describe('bulwark scan', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bw-scan-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a table and exits 1 for a malicious file', async () => {
    const r = await runCli(['scan', join(FIX, 'malicious', 'B06-pathlib_os_system.pkl')], ENV);
    assert.equal(r.code, 1);
    assert.match(r.out, /critical\s+scan\.pickle\.dangerous-callable/);
    assert.match(r.out, /pathlib\.os\.system/);
    assert.match(r.out, /1 file\(s\), 1 scanned as models/);
  });

  it('exits 0 for benign controls and prints JSON with per-file hashes', async () => {
    const r = await runCli(
      [
        'scan',
        join(FIX, 'benign', 'torch_state_dict.pt'),
        join(FIX, 'benign', 'model.safetensors'),
        '--json',
        '--hash',
      ],
      ENV,
    );
    assert.equal(r.code, 0);
    const report = JSON.parse(r.out);
    assert.equal(report.summary.files, 2);
    assert.equal(report.summary.scanned, 2);
    assert.match(report.files[0].sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(report.findings, []);
  });

  it('writes SARIF 2.1.0 with the scan rules', async () => {
    const r = await runCli(
      ['scan', join(FIX, 'malicious', 'C08-joblib_xz.joblib'), '--format', 'sarif'],
      ENV,
    );
    assert.equal(r.code, 1);
    const sarif = JSON.parse(r.out);
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0].results[0].ruleId, 'scan.pickle.dangerous-callable');
    assert.equal(sarif.runs[0].results[0].level, 'error');
  });

  it('applies --fail-on: a medium finding passes at high and fails at medium', async () => {
    const f = join(FIX, 'malicious', 'E05-onnx_custom_domain.onnx');
    assert.equal((await runCli(['scan', f], ENV)).code, 0);
    assert.equal((await runCli(['scan', f, '--fail-on', 'medium'], ENV)).code, 1);
  });

  it('exits 2 when nothing is scannable, on usage errors and on missing paths', async () => {
    const txt = join(dir, 'notes.txt');
    writeFileSync(txt, 'hello\n');
    const none = await runCli(['scan', txt], ENV);
    assert.equal(none.code, 2);
    assert.match(none.out, /nothing scannable/);
    assert.equal((await runCli(['scan', txt, '--format', 'xml'], ENV)).code, 2);
    assert.equal((await runCli(['scan', txt, '--fail-on', 'info'], ENV)).code, 2);
    assert.equal((await runCli(['scan', txt, '--jobs', '0'], ENV)).code, 2);
    const missing = await runCli(['scan', join(dir, 'missing.pt')], ENV);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such file/);
  });

  it('loads a project policy with --policy', async () => {
    const pkl = join(dir, 'custom.pkl');
    writeFileSync(pkl, Buffer.from('cacme.models\nNet\n)R.', 'latin1'));
    const policy = join(dir, 'policy.json');
    writeFileSync(
      policy,
      JSON.stringify({ name: 'acme', version: '1', extends: 'builtin', allow: ['acme.models.Net'] }),
    );
    assert.equal((await runCli(['scan', pkl, '--fail-on', 'medium'], ENV)).code, 1);
    assert.equal((await runCli(['scan', pkl, '--fail-on', 'medium', '--policy', policy], ENV)).code, 0);
    writeFileSync(policy, '{"name": 1}');
    const bad = await runCli(['scan', pkl, '--policy', policy], ENV);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /policy\.json: name/);
  });

  it('runs as a real process with the documented exit code', () => {
    const r = spawnSync(process.execPath, [BIN, 'scan', join(FIX, 'malicious'), '--json', '--jobs', '2'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.ok(report.summary.files >= 100);
    assert.equal(report.files.filter((f: { findingCount: number }) => f.findingCount === 0).length, 0);
    // Each finding is listed once, and every file's count matches the findings that name it.
    const byPath = new Map<string, number>();
    for (const f of report.findings as { location: { path: string } }[])
      byPath.set(f.location.path, (byPath.get(f.location.path) ?? 0) + 1);
    for (const f of report.files as { path: string; findingCount: number }[])
      assert.equal(byPath.get(f.path) ?? 0, f.findingCount, f.path);
  });
});
