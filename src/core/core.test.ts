import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { loadConfig, parseConfigText } from './config.ts';
import {
  atOrAbove,
  comparePathComponents,
  ConfigError,
  configPath,
  defineRules,
  makeFinding,
  sha256File,
  sha256Hex,
  sha256Path,
  toSarif,
  ulid,
} from './index.ts';
import { Finding } from './schemas.ts';

describe('core', () => {
  it('orders severities for --fail-on', () => {
    assert.equal(atOrAbove('critical', 'high'), true);
    assert.equal(atOrAbove('medium', 'high'), false);
    assert.equal(atOrAbove('info', 'info'), true);
  });

  it('makes ULIDs that sort by time and stay unique within a millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => ulid(1_700_000_000_000));
    assert.equal(new Set(ids).size, 1000);
    assert.deepEqual([...ids].sort(), ids);
    assert.ok(ulid(1_700_000_000_001) > ids[999]!);
  });

  it('draws fresh randomness for every millisecond, across refills of its random pool', () => {
    // 600 ids in distinct milliseconds cross the 256-id pool boundary twice.
    const ids = Array.from({ length: 600 }, (_, i) => ulid(1_800_000_000_000 + i));
    assert.equal(new Set(ids.map((id) => id.slice(10))).size, 600);
    for (const id of ids) assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('builds a valid finding from a declared rule and rejects bad refs and rule ids', () => {
    const rules = defineRules({
      'scan.pickle.dangerous-callable': {
        title: 'Dangerous callable',
        severity: 'critical',
        description: 'x',
        remediation: 'Do not load',
        refs: ['atlas:AML.T0010.003', 'cwe:502'],
      },
    });
    const f = makeFinding(rules['scan.pickle.dangerous-callable'], {
      evidence: { callable: 'os.system' },
      refs: ['owasp:llm:03'],
    });
    assert.match(f.id, /^f_[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.deepEqual(f.refs, ['atlas:AML.T0010.003', 'cwe:502', 'owasp:llm:03']);
    assert.equal(Finding.parse(f).severity, 'critical');
    assert.throws(
      () =>
        defineRules({
          'Bad Rule': { title: 't', severity: 'low', description: '', remediation: '', refs: [] },
        }),
      /rules\.Bad Rule: expected <engine>\.<area>\.<rule>/,
    );
    assert.throws(
      () =>
        defineRules({
          'a.b.c': { title: 't', severity: 'low', description: '', remediation: '', refs: ['owasp:llm:11'] },
        }),
      /rules\.a\.b\.c\.refs\[0\]: expected a namespaced framework reference/,
    );
  });

  it('hashes files and directories with streaming SHA-256 in path-component order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-hash-'));
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'b'), 'one');
    writeFileSync(join(dir, 'a.b'), 'two');
    const f = await sha256File(join(dir, 'a.b'));
    assert.equal(f.sha256, sha256Hex('two'));
    const d = await sha256Path(dir);
    assert.deepEqual(
      d.files.map((x) => x.path),
      ['a/b', 'a.b'],
    );
    assert.equal(d.size, 6);
    const expected = sha256Hex(
      Buffer.concat([Buffer.from(sha256Hex('one'), 'hex'), Buffer.from(sha256Hex('two'), 'hex')]),
    );
    assert.equal(d.sha256, expected);
    assert.ok(comparePathComponents('a/b', 'a.b') < 0, 'a/b sorts before a.b by component');
  });

  it('reports config errors with file, line and field', () => {
    const text = 'server:\n  host: 0.0.0.0\n  port: "eighty"\n';
    assert.throws(
      () => parseConfigText(text, 'bulwark.yaml'),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.line === 3 &&
        e.field === 'server.port' &&
        /bulwark\.yaml:3: server\.port/.test(e.message),
    );
    assert.throws(
      () => parseConfigText('server:\n  port: 1\nstorage: {}\n', 'x.yaml'),
      (e: unknown) =>
        e instanceof ConfigError && e.line === 3 && e.field === 'storage' && /unknown field/.test(e.message),
    );
    assert.throws(
      () => parseConfigText('server:\n  port: [1\n', 'y.yaml'),
      (e: unknown) => e instanceof ConfigError && /YAML syntax error/.test(e.message) && e.line !== undefined,
    );
  });

  it('validates an engine section with line numbers and applies env overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cfg-'));
    writeFileSync(join(dir, 'bulwark.yaml'), 'server:\n  port: 9000\nscan:\n  failOn: extreme\n');
    const loaded = loadConfig({ cwd: dir, env: { DATABASE_URL: 'postgres://x/y' } });
    assert.equal(loaded.config.server.port, 9000);
    assert.equal(loaded.databaseUrl, 'postgres://x/y');
    assert.equal(loaded.home, join(dir, '.bulwark'));
    assert.throws(
      () => loaded.section('scan', z.object({ failOn: z.enum(['low', 'high']) })),
      (e: unknown) => e instanceof ConfigError && e.line === 4 && e.field === 'scan.failOn',
    );
  });

  it('names the config file that applies without reading it: --config, BULWARK_CONFIG, ./bulwark.yaml', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cfgpath-'));
    assert.equal(configPath({ cwd: dir, env: {} }), undefined);
    writeFileSync(join(dir, 'bulwark.yaml'), 'server: {}\n');
    writeFileSync(join(dir, 'other.yaml'), 'server: {}\n');
    assert.equal(configPath({ cwd: dir, env: {} }), join(dir, 'bulwark.yaml'));
    assert.equal(configPath({ cwd: dir, env: { BULWARK_CONFIG: 'other.yaml' } }), join(dir, 'other.yaml'));
    assert.equal(
      configPath({ cwd: dir, env: { BULWARK_CONFIG: 'nope.yaml' }, path: 'other.yaml' }),
      join(dir, 'other.yaml'),
    );
    assert.throws(
      () => configPath({ cwd: dir, env: {}, path: 'missing.yaml' }),
      (e: unknown) => e instanceof ConfigError && /missing\.yaml: config file not found/.test(e.message),
    );
    assert.equal(
      loadConfig({ cwd: dir, env: { BULWARK_CONFIG: 'other.yaml' } }).file,
      join(dir, 'other.yaml'),
    );
  });

  it('writes SARIF 2.1.0 with rules and locations', () => {
    const rules = defineRules({
      'scan.test.rule': {
        title: 'T',
        severity: 'high',
        description: 'd',
        remediation: 'r',
        refs: ['cwe:502'],
      },
    });
    const f = makeFinding(rules['scan.test.rule'], { location: { path: 'm.pkl', offset: 10 } });
    const log = toSarif([f], { name: 'bulwark', version: '0.1.0', rules: Object.values(rules) }) as any;
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs[0].results[0].level, 'error');
    assert.equal(log.runs[0].results[0].locations[0].physicalLocation.region.byteOffset, 10);
    assert.equal(log.runs[0].tool.driver.rules[0].id, 'scan.test.rule');
  });
});
