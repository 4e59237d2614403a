import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from './testing.ts';

function json(r: { out: string; err: string }) {
  try {
    return JSON.parse(r.out);
  } catch {
    throw new Error(`not JSON: ${r.out}${r.err}`);
  }
}

describe('bulwark registry', () => {
  it('pushes, refuses a gated promotion with exit 1, promotes, rolls back and catches a tampered file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cli-reg-'));
    const env = {
      BULWARK_HOME: join(dir, '.bulwark'),
      BULWARK_CONFIG: join(dir, 'bulwark.yaml'),
      DATABASE_URL: undefined,
    };
    const keys = join(dir, 'keys');
    let r = await runCli(['keys', 'gen-signing', '--alg', 'ed25519', '--out', keys, '--json'], env);
    assert.equal(r.code, 0, r.err);
    const { privateKey, publicKey } = json(r) as { privateKey: string; publicKey: string };
    writeFileSync(
      env.BULWARK_CONFIG,
      `registry:\n  trustedKeys: [${JSON.stringify(publicKey)}]\n  stages:\n    approved: { requireSignature: true, scanFailOn: high }\n    production: { requireSignature: true, requireBom: true, requireDigestsVerified: true }\n`,
    );
    const model = (v: string) => {
      const d = join(dir, `model-${v}`);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'config.json'), JSON.stringify({ model_type: 'bert' }));
      writeFileSync(
        join(d, 'model.safetensors'),
        Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{}')]),
      );
      writeFileSync(join(d, 'notes.txt'), `version ${v}`);
      return d;
    };
    const m1 = model('1');
    const m2 = model('2');
    assert.equal((await runCli(['sign', m1, '--key', privateKey], env)).code, 0);
    r = await runCli(['registry', 'push', m1, '--name', 'clf', '--version', '1', '--json'], env);
    assert.equal(r.code, 0, r.err);
    const v1 = json(r);
    assert.equal(v1.signature.status, 'verified');
    assert.equal(v1.scan.status, 'clean', JSON.stringify(v1.scan));
    r = await runCli(['registry', 'push', m2, '--name', 'clf', '--version', '2'], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /signature: unsigned/);
    r = await runCli(['registry', 'promote', 'clf', '2', '--to', 'approved'], env);
    assert.equal(r.code, 1, `a refused promotion is a failed check: ${r.out}${r.err}`);
    assert.match(r.out, /FAIL signature: the version is not signed/);
    assert.equal((await runCli(['sign', m2, '--key', privateKey], env)).code, 0);
    for (const [v, to] of [
      ['1', 'approved'],
      ['1', 'production'],
      ['2', 'approved'],
    ]) {
      r = await runCli(['registry', 'promote', 'clf', v!, '--to', to!], env);
      assert.equal(r.code, 0, r.out + r.err);
    }
    r = await runCli(['registry', 'rollback', 'clf', '--reason', 'nothing earlier'], env);
    assert.equal(r.code, 2, 'no previous production version is an input error');
    r = await runCli(['registry', 'list', '--json'], env);
    const versions = json(r).items[0].versions as { version: string; stage: string }[];
    assert.deepEqual(
      versions.map((v) => [v.version, v.stage]),
      [
        ['1', 'production'],
        ['2', 'approved'],
      ],
    );
    writeFileSync(join(m1, 'notes.txt'), 'tampered');
    r = await runCli(['registry', 'verify', 'clf'], env);
    assert.equal(r.code, 1);
    assert.match(r.out, /CHANGED clf@1 \(production\)\n\s+changed: notes.txt/);
    r = await runCli(['findings', 'list', '--rule', 'registry.integrity.digest-mismatch', '--json'], env);
    assert.equal(json(r).total, 1, 'the signature added to v2 after its push is not a change');
  });
});
