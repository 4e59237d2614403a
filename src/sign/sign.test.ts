import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { Command } from 'commander';
import fc from 'fast-check';
import { main } from '../cli/main.ts';
import { genSigningCommand } from '../cli/commands/sign.ts';
import { createContext } from '../cli/context.ts';
import { BulwarkError } from '../core/index.ts';
import {
  genSigningKey,
  MODEL_SIGNING_PREDICATE_TYPE,
  parseBundle,
  parsePrivateKey,
  parsePublicKey,
  type SigningAlgorithm,
  type SigstoreBundle,
  signModel,
  verifyModel,
} from './index.ts';
import { captureIo, tempDir, writeModel } from './test-helpers.ts';

const REPO = join(import.meta.dirname, '..', '..');
const NODE = process.execPath;

function decodeStatement(bundle: SigstoreBundle): any {
  return JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
}

/** Verifies a bundle with sigstore-js: structure (assertBundle) and the DSSE signature over the PAE. */
function sigstoreJsVerify(bundle: SigstoreBundle, publicKeyPem: string): void {
  const parsed = bundleFromJSON(bundle);
  const trust = toTrustMaterial(
    { mediaType: '', certificateAuthorities: [], ctlogs: [], tlogs: [], timestampAuthorities: [] } as never,
    (hint: string) => {
      assert.equal(hint, bundle.verificationMaterial.publicKey.hint);
      return { publicKey: parsePublicKey(publicKeyPem), validFor: () => true };
    },
  );
  new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(
    toSignedEntity(parsed),
  );
}

describe('model signing (OpenSSF model_signing v1.0)', () => {
  for (const alg of ['ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'ed25519'] as SigningAlgorithm[]) {
    test(`${alg}: signs, verifies, and sigstore-js accepts the bundle`, async () => {
      const { dir, cleanup } = await tempDir();
      try {
        await writeModel(dir);
        const k = genSigningKey(alg);
        const r = await signModel(dir, { key: parsePrivateKey(k.privateKeyPem) });
        assert.equal(r.signaturePath, join(dir, 'model.sig'));
        const onDisk = parseBundle(await readFile(r.signaturePath, 'utf8'), r.signaturePath);
        const v = await verifyModel(dir, { key: parsePublicKey(k.publicKeyPem) });
        assert.equal(v.ok, true, v.problems.join('; '));
        assert.equal(v.verified, 6);
        // sigstore-js verifies P-256 and Ed25519 as they are; P-384/P-521 sign with the curve's own
        // hash (SHA-384/512) as model_signing does, which sigstore-js's default digest does not pick,
        // so check their structure only.
        if (alg === 'ecdsa-p384' || alg === 'ecdsa-p521') bundleFromJSON(onDisk);
        else sigstoreJsVerify(onDisk, k.publicKeyPem);
      } finally {
        await cleanup();
      }
    });
  }

  test('writes the statement field by field: sorted by path component, root digest over raw digests, ignore_paths', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const files = await writeModel(dir);
      const k = genSigningKey('ed25519');
      const r = await signModel(dir, { key: parsePrivateKey(k.privateKeyPem), modelName: 'bert-tiny' });
      const b = r.bundle;
      assert.equal(b.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
      assert.equal(b.dsseEnvelope.payloadType, 'application/vnd.in-toto+json');
      assert.deepEqual(b.verificationMaterial, {
        publicKey: { hint: createHash('sha256').update(k.publicKeyPem).digest('hex') },
        tlogEntries: [],
      });
      const st = decodeStatement(b);
      assert.equal(st._type, 'https://in-toto.io/Statement/v1');
      assert.equal(st.predicateType, MODEL_SIGNING_PREDICATE_TYPE);
      const names = st.predicate.resources.map((x: { name: string }) => x.name);
      assert.deepEqual(names, [
        'a/b',
        'a.b',
        'a0',
        'config.json',
        'weights/empty.bin',
        'weights/model-00001.safetensors',
      ]);
      for (const res of st.predicate.resources) {
        assert.equal(res.algorithm, 'sha256');
        assert.equal(res.digest, createHash('sha256').update(files[res.name]!).digest('hex'));
      }
      const root = createHash('sha256');
      for (const res of st.predicate.resources) root.update(Buffer.from(res.digest, 'hex'));
      assert.deepEqual(st.subject, [{ name: 'bert-tiny', digest: { sha256: root.digest('hex') } }]);
      assert.deepEqual(st.predicate.serialization, {
        method: 'files',
        hash_type: 'sha256',
        allow_symlinks: false,
        ignore_paths: ['.git', '.gitattributes', '.github', '.gitignore', 'model.sig'],
      });
    } finally {
      await cleanup();
    }
  });

  test('names the changed file when one byte changes, and added and missing files', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeModel(dir);
      const k = genSigningKey('ecdsa-p256');
      await signModel(dir, { key: parsePrivateKey(k.privateKeyPem) });
      const target = join(dir, 'weights/model-00001.safetensors');
      const bytes = readFileSync(target);
      bytes[1000] = bytes[1000]! ^ 1;
      writeFileSync(target, bytes);
      rmSync(join(dir, 'a0'));
      writeFileSync(join(dir, 'a', 'extra.pkl'), 'new');
      const v = await verifyModel(dir, { key: parsePublicKey(k.publicKeyPem) });
      assert.equal(v.ok, false);
      assert.equal(v.signatureValid, true);
      assert.deepEqual(v.changed, ['weights/model-00001.safetensors']);
      assert.deepEqual(v.missing, ['a0']);
      assert.deepEqual(v.added, ['a/extra.pkl']);
    } finally {
      await cleanup();
    }
  });

  test('shards: a changed byte names its file; resources are path:start:end in order', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeModel(dir);
      const k = genSigningKey('ed25519');
      const r = await signModel(dir, { key: parsePrivateKey(k.privateKeyPem), shardSize: 1000 });
      const st = decodeStatement(r.bundle);
      assert.equal(st.predicate.serialization.shard_size, 1000);
      const shards = st.predicate.resources
        .map((x: { name: string }) => x.name)
        .filter((n: string) => n.startsWith('weights/model'));
      assert.deepEqual(shards, [
        'weights/model-00001.safetensors:0:1000',
        'weights/model-00001.safetensors:1000:2000',
        'weights/model-00001.safetensors:2000:3000',
        'weights/model-00001.safetensors:3000:4000',
        'weights/model-00001.safetensors:4000:4096',
      ]);
      assert.ok(st.predicate.resources.some((x: { name: string }) => x.name === 'weights/empty.bin:0:0'));
      appendFileSync(join(dir, 'config.json'), ' ');
      const v = await verifyModel(dir, { key: parsePublicKey(k.publicKeyPem) });
      assert.deepEqual(v.changed, ['config.json']);
      assert.equal(v.ok, false);
    } finally {
      await cleanup();
    }
  });

  test('refuses a signature made by another key, and a tampered payload', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeModel(dir);
      const k = genSigningKey('ecdsa-p256');
      const other = genSigningKey('ecdsa-p256');
      const r = await signModel(dir, { key: parsePrivateKey(k.privateKeyPem) });
      const wrongKey = await verifyModel(dir, { key: parsePublicKey(other.publicKeyPem) });
      assert.equal(wrongKey.ok, false);
      assert.equal(wrongKey.signatureValid, false);
      // Swap one resource digest in the payload: the DSSE signature no longer covers it.
      const st = decodeStatement(r.bundle);
      st.predicate.resources[0].digest = '0'.repeat(64);
      const forged = {
        ...r.bundle,
        dsseEnvelope: {
          ...r.bundle.dsseEnvelope,
          payload: Buffer.from(JSON.stringify(st)).toString('base64'),
        },
      };
      await writeFile(r.signaturePath, JSON.stringify(forged));
      const v = await verifyModel(dir, { key: parsePublicKey(k.publicKeyPem) });
      assert.equal(v.signatureValid, false);
      assert.equal(v.ok, false);
    } finally {
      await cleanup();
    }
  });

  test('refuses symbolic links instead of skipping them silently', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeModel(dir);
      const { symlinkSync } = await import('node:fs');
      symlinkSync('/etc/hostname', join(dir, 'link'));
      const k = genSigningKey('ed25519');
      await assert.rejects(signModel(dir, { key: parsePrivateKey(k.privateKeyPem) }), /symbolic links/);
    } finally {
      await cleanup();
    }
  });

  test('refuses to sign a directory with no files', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const k = genSigningKey('ed25519');
      await assert.rejects(
        signModel(dir, { key: parsePrivateKey(k.privateKeyPem) }),
        /no regular files to sign/,
      );
    } finally {
      await cleanup();
    }
  });

  test('signs a single-file model with FILE.sig beside it', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const file = join(dir, 'model.safetensors');
      writeFileSync(file, 'weights');
      const k = genSigningKey('ed25519');
      const r = await signModel(file, { key: parsePrivateKey(k.privateKeyPem) });
      assert.equal(r.signaturePath, `${file}.sig`);
      assert.deepEqual(
        r.manifest.resources.map((x) => x.name),
        ['model.safetensors'],
      );
      assert.equal((await verifyModel(file, { key: parsePublicKey(k.publicKeyPem) })).ok, true);
      writeFileSync(file, 'weightz');
      assert.deepEqual((await verifyModel(file, { key: parsePublicKey(k.publicKeyPem) })).changed, [
        'model.safetensors',
      ]);
    } finally {
      await cleanup();
    }
  });
});

describe('post-quantum second signature (ML-DSA-65)', () => {
  test('verifies both signatures, and a classic-only verifier still verifies signatures[0]', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeModel(dir);
      const k = genSigningKey('ecdsa-p256');
      const pq = genSigningKey('ml-dsa-65');
      const r = await signModel(dir, {
        key: parsePrivateKey(k.privateKeyPem),
        pqKey: parsePrivateKey(pq.privateKeyPem),
      });
      assert.equal(r.bundle.dsseEnvelope.signatures.length, 2);
      assert.match(r.bundle.dsseEnvelope.signatures[1]!.keyid!, /^ml-dsa-65:[0-9a-f]{64}$/);
      const both = await verifyModel(dir, {
        key: parsePublicKey(k.publicKeyPem),
        pqKey: parsePublicKey(pq.publicKeyPem),
        requirePq: true,
      });
      assert.equal(both.ok, true, both.problems.join('; '));
      assert.equal(both.pq, 'verified');
      const classicOnly = await verifyModel(dir, { key: parsePublicKey(k.publicKeyPem) });
      assert.equal(classicOnly.ok, true);
      assert.equal(classicOnly.pq, 'not-checked');
      // A verifier that knows only the classic signature reads signatures[0], as model_signing does;
      // sigstore-js accepts that signature over the same payload.
      sigstoreJsVerify(
        {
          ...r.bundle,
          dsseEnvelope: { ...r.bundle.dsseEnvelope, signatures: [r.bundle.dsseEnvelope.signatures[0]!] },
        },
        k.publicKeyPem,
      );
      // sigstore-js's structural check wants exactly one signature, so the hybrid bundle as a whole fails it.
      assert.throws(
        () => bundleFromJSON(r.bundle),
        (e: { fields?: string[] }) => Boolean(e.fields?.includes('content.dsseEnvelope.signatures')),
      );
    } finally {
      await cleanup();
    }
  });

  test('policy requiring a post-quantum signature fails without one, or with a wrong ML-DSA key', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeModel(dir);
      const k = genSigningKey('ed25519');
      const pq = genSigningKey('ml-dsa-65');
      await signModel(dir, { key: parsePrivateKey(k.privateKeyPem) });
      const none = await verifyModel(dir, {
        key: parsePublicKey(k.publicKeyPem),
        pqKey: parsePublicKey(pq.publicKeyPem),
        requirePq: true,
      });
      assert.equal(none.ok, false);
      assert.equal(none.pq, 'absent');
      await signModel(dir, {
        key: parsePrivateKey(k.privateKeyPem),
        pqKey: parsePrivateKey(pq.privateKeyPem),
      });
      const wrong = await verifyModel(dir, {
        key: parsePublicKey(k.publicKeyPem),
        pqKey: parsePublicKey(genSigningKey('ml-dsa-65').publicKeyPem),
      });
      assert.equal(wrong.pq, 'invalid');
      assert.equal(wrong.ok, false);
    } finally {
      await cleanup();
    }
  });
});

describe('golden bundle (Ed25519 signatures are deterministic)', () => {
  const FIXTURES = join(import.meta.dirname, 'fixtures');
  test('signing the generated model with the fixture key reproduces the golden bundle byte for byte, and it verifies', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const model = join(dir, 'golden-model');
      await writeModel(model);
      const keyPem = readFileSync(join(FIXTURES, 'golden-ed25519.key.pem'), 'utf8');
      const pubPem = readFileSync(join(FIXTURES, 'golden-ed25519.pub.pem'), 'utf8');
      const r = await signModel(model, { key: parsePrivateKey(keyPem) });
      const produced = await readFile(r.signaturePath, 'utf8');
      const goldenPath = join(FIXTURES, 'golden-model.sig');
      if (process.env.BULWARK_UPDATE_GOLDEN) await writeFile(goldenPath, produced);
      assert.equal(produced, readFileSync(goldenPath, 'utf8'));
      const v = await verifyModel(model, { key: parsePublicKey(pubPem), signaturePath: goldenPath });
      assert.equal(v.ok, true, v.problems.join('; '));
      sigstoreJsVerify(JSON.parse(produced), pubPem);
    } finally {
      await cleanup();
    }
  });
});

describe('signature parsing is bounded and names the problem', () => {
  const k = genSigningKey('ed25519');
  test('random and mutated bundles never crash with anything but a BulwarkError', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeModel(dir);
      const r = await signModel(dir, { key: parsePrivateKey(k.privateKeyPem) });
      const text = JSON.stringify(r.bundle);
      const pub = parsePublicKey(k.publicKeyPem);
      const { checkEnvelope, statementToManifest } = await import('./bundle.ts');
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string(),
            fc
              .tuple(fc.nat(text.length - 1), fc.string({ maxLength: 3 }))
              .map(([i, s]) => text.slice(0, i) + s + text.slice(i + 1)),
          ),
          (input) => {
            try {
              const b = parseBundle(input, 'x.sig');
              const c = checkEnvelope(b, pub);
              if (c.classicValid) statementToManifest(c.payload, 'x.sig');
            } catch (e) {
              assert.ok(e instanceof BulwarkError, `unexpected ${(e as Error).stack}`);
              assert.match((e as Error).message, /^x\.sig: /);
            }
          },
        ),
        { numRuns: 400 },
      );
    } finally {
      await cleanup();
    }
  });

  test('a wrong media type is named', () => {
    assert.throws(
      () =>
        parseBundle(
          JSON.stringify({
            mediaType: 'application/x',
            verificationMaterial: {},
            dsseEnvelope: { payload: '', payloadType: 'a', signatures: [{ sig: '' }] },
          }),
          'm.sig',
        ),
      /m\.sig: bundle\.mediaType/,
    );
  });
});

describe('sign and verify CLI', () => {
  test('bulwark sign/verify in-process: exit 0, then exit 1 naming the changed file; --json', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const model = join(dir, 'm');
      await writeModel(model);
      const k = genSigningKey('ecdsa-p384');
      writeFileSync(join(dir, 'k.pem'), k.privateKeyPem);
      writeFileSync(join(dir, 'k.pub.pem'), k.publicKeyPem);
      let io = captureIo();
      assert.equal(await main(['sign', model, '--key', join(dir, 'k.pem')], io), 0, io.stderr());
      assert.match(io.stdout(), /wrote .*model\.sig/);
      io = captureIo();
      assert.equal(await main(['verify', model, '--key', join(dir, 'k.pub.pem')], io), 0, io.stderr());
      assert.match(io.stdout(), /OK m matches/);
      appendFileSync(join(model, 'a.b'), 'x');
      io = captureIo();
      assert.equal(await main(['verify', model, '--key', join(dir, 'k.pub.pem'), '--json'], io), 1);
      const json = JSON.parse(io.stdout());
      assert.deepEqual(json.changed, ['a.b']);
      io = captureIo();
      assert.equal(await main(['verify', model, '--key', join(dir, 'k.pem')], io), 2);
      assert.match(io.stderr(), /expected a public key/);
    } finally {
      await cleanup();
    }
  });

  test('keys gen-signing writes a usable key pair (private key mode 0600)', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const io = captureIo();
      const ctx = createContext(io);
      const program = new Command('bulwark').exitOverride();
      program.addCommand(new Command('keys').addCommand(genSigningCommand(ctx)));
      await program.parseAsync(['keys', 'gen-signing', '--alg', 'ed25519', '--out', dir, '--json'], {
        from: 'user',
      });
      assert.equal(ctx.exitCode, 0, io.stderr());
      const out = JSON.parse(io.stdout());
      const { statSync } = await import('node:fs');
      assert.equal(statSync(out.privateKey).mode & 0o777, 0o600);
      parsePrivateKey(readFileSync(out.privateKey, 'utf8'));
      assert.equal(out.fingerprint, createHash('sha256').update(readFileSync(out.publicKey)).digest('hex'));
    } finally {
      await cleanup();
    }
  });

  test('through bin/bulwark.js: a tampered model exits 1 and names the file', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const model = join(dir, 'm');
      await writeModel(model);
      const k = genSigningKey('ed25519');
      writeFileSync(join(dir, 'k.pem'), k.privateKeyPem);
      writeFileSync(join(dir, 'k.pub.pem'), k.publicKeyPem);
      const run = (...args: string[]) =>
        spawnSync(NODE, [join(REPO, 'bin', 'bulwark.js'), ...args], { encoding: 'utf8', cwd: dir });
      assert.equal(run('sign', model, '--key', 'k.pem').status, 0);
      writeFileSync(join(model, 'config.json'), '{}');
      const v = run('verify', model, '--key', 'k.pub.pem');
      assert.equal(v.status, 1, v.stderr);
      assert.match(v.stdout, /changed\s+config\.json/);
    } finally {
      await cleanup();
    }
  });
});
