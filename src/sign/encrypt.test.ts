import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { main } from '../cli/main.ts';
import { isBulwarkError } from '../core/index.ts';
import {
  decryptFile,
  encryptFile,
  envKekProvider,
  HEADER_AREA,
  INTEGRITY_ERROR,
  localKeyringProvider,
  readEncryptedHeader,
  rewrapFile,
  rotateKek,
  TAG_BYTES,
} from './index.ts';
import { captureIo, tempDir } from './test-helpers.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('encryption at rest', () => {
  test('round-trips sizes around chunk boundaries, including an empty file', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const kek = localKeyringProvider(join(dir, 'home'));
      for (const size of [0, 1, 1023, 1024, 1025, 3 * 1024, 5000]) {
        const data = randomBytes(size);
        writeFileSync(join(dir, 'p'), data);
        const e = await encryptFile(join(dir, 'p'), join(dir, 'c'), { kek, chunkSize: 1024 });
        assert.equal(e.chunks, Math.max(1, Math.ceil(size / 1024)));
        assert.equal(statSync(join(dir, 'c')).size, HEADER_AREA + size + e.chunks * TAG_BYTES);
        await decryptFile(join(dir, 'c'), join(dir, 'd'), { keks: { local: kek } });
        assert.equal(sha(readFileSync(join(dir, 'd'))), sha(data), `size ${size}`);
      }
    } finally {
      await cleanup();
    }
  });

  test('the keyring is created on first use with mode 0600, and a loose mode is refused', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const home = join(dir, 'home');
      writeFileSync(join(dir, 'p'), 'x');
      await encryptFile(join(dir, 'p'), join(dir, 'c'), { kek: localKeyringProvider(home) });
      assert.equal(statSync(join(home, 'keyring.json')).mode & 0o777, 0o600);
      chmodSync(join(home, 'keyring.json'), 0o644);
      await assert.rejects(
        decryptFile(join(dir, 'c'), join(dir, 'd'), { keks: { local: localKeyringProvider(home) } }),
        /readable by other users/,
      );
    } finally {
      await cleanup();
    }
  });

  test('any flipped byte is an error naming the file, and no output is left behind', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const kek = localKeyringProvider(join(dir, 'home'));
      const plain = join(dir, 'weights.bin');
      const enc = join(dir, 'weights.bin.bwenc');
      writeFileSync(plain, randomBytes(4000));
      await encryptFile(plain, enc, { kek, chunkSize: 1024 });
      const good = readFileSync(enc);
      // Header JSON, header padding, and every record: any position at all.
      await fc.assert(
        fc.asyncProperty(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 }), async (pos, x) => {
          const bad = Buffer.from(good);
          bad[pos] = bad[pos]! ^ x;
          writeFileSync(enc, bad);
          const out = join(dir, 'out.bin');
          await assert.rejects(decryptFile(enc, out, { keks: { local: kek } }), (e: unknown) => {
            assert.ok(isBulwarkError(e), String(e));
            assert.ok(e.message.startsWith(enc), e.message);
            return true;
          });
          assert.equal(existsSync(out) || existsSync(`${out}.partial`), false);
        }),
        { numRuns: 150 },
      );
    } finally {
      await cleanup();
    }
  });

  test('truncation at a record boundary, reordered records and an appended record are detected', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const kek = localKeyringProvider(join(dir, 'home'));
      writeFileSync(join(dir, 'p'), randomBytes(3 * 1024));
      await encryptFile(join(dir, 'p'), join(dir, 'c'), { kek, chunkSize: 1024 });
      const good = readFileSync(join(dir, 'c'));
      const rec = 1024 + TAG_BYTES;
      const header = good.subarray(0, HEADER_AREA);
      const r = (i: number) => good.subarray(HEADER_AREA + i * rec, HEADER_AREA + (i + 1) * rec);
      const cases: Record<string, Buffer> = {
        truncated: good.subarray(0, HEADER_AREA + 2 * rec),
        reordered: Buffer.concat([header, r(1), r(0), r(2)]),
        appended: Buffer.concat([good, r(2)]),
        headerOnly: header,
      };
      for (const [name, bytes] of Object.entries(cases)) {
        writeFileSync(join(dir, 'c2'), bytes);
        await assert.rejects(
          decryptFile(join(dir, 'c2'), join(dir, 'd'), { keks: { local: kek } }),
          (e: unknown) => isBulwarkError(e) && e.code === INTEGRITY_ERROR,
          name,
        );
      }
    } finally {
      await cleanup();
    }
  });

  test('rotation re-wraps the data key without touching the encrypted data', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const home = join(dir, 'home');
      const kek = localKeyringProvider(home);
      const data = randomBytes(10_000);
      writeFileSync(join(dir, 'p'), data);
      await encryptFile(join(dir, 'p'), join(dir, 'c'), { kek, chunkSize: 1024 });
      const before = readFileSync(join(dir, 'c'));
      const h0 = await readEncryptedHeader(join(dir, 'c'));
      const rot = await rotateKek(home);
      assert.equal(rot.previous, h0.kek.keyId);
      const r = await rewrapFile(join(dir, 'c'), { from: { local: kek }, to: kek });
      assert.equal(r.to.keyId, rot.keyId);
      const after = readFileSync(join(dir, 'c'));
      assert.ok(before.subarray(HEADER_AREA).equals(after.subarray(HEADER_AREA)), 'data bytes unchanged');
      assert.notEqual(sha(before.subarray(0, HEADER_AREA)), sha(after.subarray(0, HEADER_AREA)));
      await decryptFile(join(dir, 'c'), join(dir, 'd'), { keks: { local: kek } });
      assert.equal(sha(readFileSync(join(dir, 'd'))), sha(data));
      // Move from the keyring to an environment key, and back is refused with the wrong variable.
      const env = { K: randomBytes(32).toString('base64'), OTHER: randomBytes(32).toString('hex') };
      await rewrapFile(join(dir, 'c'), { from: { local: kek }, to: envKekProvider('K', env) });
      await assert.rejects(
        decryptFile(join(dir, 'c'), join(dir, 'd'), { keks: { env: envKekProvider('OTHER', env) } }),
        /wrapped under env-[0-9a-f]{16}, but OTHER holds env-/,
      );
      await decryptFile(join(dir, 'c'), join(dir, 'd2'), { keks: { env: envKekProvider('K', env) } });
      assert.equal(sha(readFileSync(join(dir, 'd2'))), sha(data));
    } finally {
      await cleanup();
    }
  });

  test('encrypting and decrypting 64 MiB in a child process stays well under 200 MB of memory', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const input = join(dir, 'big.bin');
      const block = randomBytes(1 << 20);
      writeFileSync(input, Buffer.alloc(0));
      const { appendFileSync } = await import('node:fs');
      for (let i = 0; i < 64; i++) appendFileSync(input, block);
      const child = spawnSync(
        process.execPath,
        [join(import.meta.dirname, 'fixtures', 'crypt-child.ts'), input, dir],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(child.status, 0, child.stderr);
      const r = JSON.parse(child.stdout);
      assert.equal(r.bytes, 64 << 20);
      assert.equal(r.decrypted, 64 << 20);
      assert.ok(r.maxRssBytes < 200 * 1024 * 1024, `peak RSS ${r.maxRssBytes}`);
      assert.equal(sha(readFileSync(join(dir, 'out.dec'))), sha(readFileSync(input)));
    } finally {
      await cleanup();
    }
  });
});

describe('encrypt/decrypt CLI', () => {
  test('encrypts with a keyring under BULWARK_HOME, rotates, decrypts; tampering exits 1', async () => {
    const { dir, cleanup } = await tempDir();
    const saved = process.env.BULWARK_HOME;
    process.env.BULWARK_HOME = join(dir, 'home');
    try {
      const plain = join(dir, 'model.safetensors');
      const data = randomBytes(300_000);
      writeFileSync(plain, data);
      let io = captureIo();
      assert.equal(await main(['encrypt', plain, '--json'], io), 0, io.stderr());
      assert.equal(JSON.parse(io.stdout()).out, `${plain}.bwenc`);
      assert.ok(readdirSync(join(dir, 'home')).includes('keyring.json'));
      io = captureIo();
      assert.equal(await main(['encrypt', '--rotate', '--new-kek', `${plain}.bwenc`, '--json'], io), 0);
      const rot = JSON.parse(io.stdout());
      assert.equal(rot.to.keyId, rot.newKek);
      io = captureIo();
      assert.equal(await main(['decrypt', `${plain}.bwenc`, '--out', join(dir, 'back')], io), 0, io.stderr());
      assert.equal(sha(readFileSync(join(dir, 'back'))), sha(data));
      const bytes = readFileSync(`${plain}.bwenc`);
      bytes[HEADER_AREA + 5000] = bytes[HEADER_AREA + 5000]! ^ 0x80;
      writeFileSync(`${plain}.bwenc`, bytes);
      io = captureIo();
      assert.equal(await main(['decrypt', `${plain}.bwenc`, '--out', join(dir, 'back2')], io), 1);
      assert.match(io.stderr(), /model\.safetensors\.bwenc: authentication failed for record 0/);
      io = captureIo();
      assert.equal(await main(['decrypt', plain], io), 2);
    } finally {
      if (saved === undefined) delete process.env.BULWARK_HOME;
      else process.env.BULWARK_HOME = saved;
      await cleanup();
    }
  });
});
