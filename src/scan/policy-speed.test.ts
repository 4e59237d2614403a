import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_POLICY_FILE, compilePolicy } from './policy.ts';
import { parsePolicy } from './policy-file.ts';

// The policy remembers verdicts and screens strings with one combined regex; neither may change an answer.
describe('pickle policy shortcuts', () => {
  it('gives the same verdicts from the cache as a fresh policy, past the cache bound', () => {
    const cached = compilePolicy(BUILTIN_POLICY_FILE);
    const names: [string, string][] = [
      ['os', 'system'],
      ['torch._utils', '_rebuild_tensor_v2'],
      ['pathlib', 'os.system'],
      ['collections', 'OrderedDict'],
    ];
    for (let i = 0; i < 5000; i++) names.push([`pkg${i % 97}`, `name${i}`]);
    for (const round of [1, 2])
      for (const [m, n] of names) {
        const fresh = compilePolicy(BUILTIN_POLICY_FILE).classify(m, n);
        assert.deepEqual(cached.classify(m, n), fresh, `round ${round}: ${m}.${n}`);
      }
    assert.equal(cached.classify('os', 'system').kind, 'dangerous');
  });

  it('keeps a module and a name apart whatever characters they hold', () => {
    const p = compilePolicy(BUILTIN_POLICY_FILE);
    assert.equal(p.classify('os', 'system').kind, 'dangerous');
    assert.notEqual(p.classify('os\nsystem', '').kind, 'dangerous');
  });

  it('reports the first matching pattern, with and without the combined screen', () => {
    const combined = parsePolicy({
      name: 't',
      version: '1',
      suspiciousArgumentPatterns: ['zzz', 'curl\\s', 'rm -rf'],
    });
    assert.equal(combined.suspiciousArgument('rm -rf / ; curl x'), 'curl\\s');
    assert.equal(combined.suspiciousArgument('hello'), undefined);
    // A backreference cannot be combined: the patterns are tested one by one.
    const backref = parsePolicy({ name: 't', version: '1', suspiciousArgumentPatterns: ['(ab)\\1', 'xyz'] });
    assert.equal(backref.suspiciousArgument('--abab--'), '(ab)\\1');
    assert.equal(backref.suspiciousArgument('xyz'), 'xyz');
    assert.equal(backref.suspiciousArgument('ab'), undefined);
  });
});
