import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isFrameworkRef } from '../core/index.ts';
import { BUILTIN_POLICY, BUILTIN_POLICY_FILE } from './policy.ts';
import { loadPolicyFile, parsePolicy, PolicyFile } from './policy-file.ts';
import { SCAN_RULES } from './rules.ts';
import { scanBuffer } from './index.ts';

describe('pickle policy (default deny)', () => {
  const kind = (m: string, n: string) => BUILTIN_POLICY.classify(m, n).kind;

  it('allows the globals benign ML artifacts use', () => {
    for (const [m, n] of [
      ['torch._utils', '_rebuild_tensor_v2'],
      ['collections', 'OrderedDict'],
      ['numpy.core.multiarray', '_reconstruct'],
      ['_codecs', 'encode'],
      ['sklearn.linear_model._logistic', 'LogisticRegression'],
      ['joblib.numpy_pickle', 'NumpyArrayWrapper'],
      ['torch.nn.modules.linear', 'Linear'],
    ] as const)
      assert.equal(kind(m, n), 'allow', `${m}.${n}`);
  });

  it('denies dangerous callables, their submodules and aliases', () => {
    for (const [m, n] of [
      ['builtins', 'eval'],
      ['posix', 'system'],
      ['pathlib', 'os.system'],
      ['tempfile', '_os.system'],
      ['asyncio.unix_events', '_UnixSubprocessTransport._start'],
      ['pkgutil', 'resolve_name'],
      ['torch.serialization', 'load'],
      ['builtins', 'getattr.__call__'],
    ] as const)
      assert.equal(kind(m, n), 'dangerous', `${m}.${n}`);
  });

  it('treats unlisted standard-library and framework globals as sensitive and the rest as unknown', () => {
    assert.equal(kind('zoneinfo', 'ZoneInfo'), 'sensitive');
    assert.equal(kind('torch.foo', 'bar'), 'sensitive');
    assert.equal(kind('collections', 'OrderedDict.fromkeys'), 'sensitive');
    assert.equal(kind('mycompany.models', 'Net'), 'unknown');
  });

  it('does not let a module-wide allow cover attribute paths or re-exported loaders', () => {
    assert.notEqual(kind('sklearn.pipeline', 'Pipeline.__init__.__globals__'), 'allow');
    assert.notEqual(kind('sklearn.utils._joblib', 'load'), 'allow');
    assert.notEqual(kind('torch.nn.modules.module', 'open'), 'allow');
  });

  it('ships a built-in policy that the file schema accepts unchanged', () => {
    // The built-in policy is compiled without the schema (no zod on the scan path): this is its check.
    assert.deepEqual(PolicyFile.parse(BUILTIN_POLICY_FILE), BUILTIN_POLICY_FILE);
  });

  it('is versioned data, and a project policy extends it', async () => {
    assert.match(BUILTIN_POLICY_FILE.version, /^\d{4}\.\d+\.\d+$/);
    const dir = mkdtempSync(join(tmpdir(), 'bw-scan-policy-'));
    try {
      const file = join(dir, 'policy.json');
      writeFileSync(
        file,
        JSON.stringify({ name: 'acme', version: '1', extends: 'builtin', allow: ['mycompany.models.Net'] }),
      );
      const p = loadPolicyFile(file);
      assert.equal(p.classify('mycompany.models', 'Net').kind, 'allow');
      assert.equal(p.classify('os', 'system').kind, 'dangerous');
      const pickle = Buffer.from('cmycompany.models\nNet\n)R.', 'latin1');
      assert.equal((await scanBuffer(pickle, 'm.pkl', { policy: p })).findings.length, 0);
      assert.equal((await scanBuffer(pickle, 'm.pkl')).findings[0]!.ruleId, 'scan.pickle.unknown-global');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an invalid policy with the field that is wrong', () => {
    assert.throws(
      () => parsePolicy({ name: 'x', version: '1', allow: 'os.system' }, 'p.json'),
      /p\.json: allow/,
    );
  });
});

describe('scan rule registry', () => {
  it('gives every rule namespaced refs, a remediation, and an ATLAS reference', () => {
    for (const r of Object.values(SCAN_RULES)) {
      assert.match(r.id, /^scan\.[a-z0-9]+\.[a-z0-9-]+$/);
      assert.ok(r.remediation.length > 10, r.id);
      assert.ok(r.refs.every(isFrameworkRef), r.id);
      assert.ok(
        r.refs.some((x) => x.startsWith('atlas:AML.T0010')),
        r.id,
      );
    }
  });
});
