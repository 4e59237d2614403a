import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { scanBuffer } from '../index.ts';
import { readSevenZip, SevenZError } from './sevenz.ts';

const FIX = fileURLToPath(new URL('../../../test/fixtures/scan/containers/', import.meta.url));
const DATA = resolve(import.meta.dirname, '../../..', process.env.BULWARK_DATA ?? '../shared/data');
const PUBLIC_7Z = join(DATA, 'model-samples/picklescan/data/malicious1.7z');
const CODERS = ['lzma2', 'lzma', 'bzip2', 'deflate', 'copy', 'bcj-lzma2', 'delta-lzma'];
const members = new Map(
  Object.entries(JSON.parse(readFileSync(join(FIX, 'members.json'), 'utf8')) as Record<string, string>).map(
    ([k, v]) => [k, Buffer.from(v, 'base64')],
  ),
);
const fixture = (name: string) => readFileSync(join(FIX, `${name}.7z`));
const BOUNDS = { maxMembers: 100, maxTotal: 1 << 26 };

/** NUMBER as 7z writes it, in its 9-byte form for anything past one byte. */
function num(n: number): number[] {
  if (n < 0x80) return [n];
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return [0xff, ...b];
}

/**
 * A one-file 7z archive around `packed`, decoded by one coder: enough to build bombs and deadlines.
 * `name` undefined leaves the file list out (the data is then listed by no file).
 */
function sevenZip(
  packed: Uint8Array,
  coder: number[],
  size: number,
  name: string | undefined,
  packSize = packed.length,
): Buffer {
  const utf16 = Buffer.from(`${name}\0`, 'utf16le');
  const header = Buffer.from([
    0x01,
    0x04,
    ...[0x06, 0x00, 0x01, 0x09, ...num(packSize), 0x00],
    ...[0x07, 0x0b, 0x01, 0x00, 0x01, coder.length, ...coder, 0x0c, ...num(size), 0x00],
    0x00,
    ...(name === undefined ? [] : [0x05, 0x01, 0x11, ...num(utf16.length + 1), 0x00, ...utf16, 0x00]),
    0x00,
  ]);
  const start = Buffer.alloc(32);
  Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]).copy(start);
  start.writeBigUInt64LE(BigInt(packed.length), 12);
  start.writeBigUInt64LE(BigInt(header.length), 20);
  start.writeUInt32LE(crc32(header), 28);
  start.writeUInt32LE(crc32(start.subarray(12, 32)), 8);
  return Buffer.concat([start, packed, header]);
}

describe('7z reader (own: Copy, LZMA, LZMA2, BZip2, Deflate, BCJ, Delta)', () => {
  for (const name of CODERS)
    it(`reads an archive written with ${name}, member for member`, () => {
      const { members: got, problems } = readSevenZip(fixture(name), BOUNDS);
      assert.deepEqual(problems, []);
      const files = got.filter((m) => !m.isDirectory);
      assert.deepEqual(files.map((m) => m.name).sort(), [...members.keys()].sort());
      for (const m of files) assert.deepEqual(Buffer.from(m.bytes!), members.get(m.name), m.name);
      assert.deepEqual(
        got
          .filter((m) => m.isDirectory)
          .map((m) => m.name)
          .sort(),
        ['m', 'm/sub'],
      );
    });

  it('finds the payload inside every coder variant', async () => {
    for (const name of CODERS) {
      const r = await scanBuffer(fixture(name), `${name}.7z`);
      assert.ok(
        r.findings.some((f) => f.severity === 'critical' && f.title === 'Pickle calls os.system'),
        name,
      );
    }
  });

  it('reports encrypted members and encrypted headers as encrypted (fail closed)', async () => {
    const a = await scanBuffer(fixture('aes'), 'aes.7z');
    assert.ok(
      a.findings.some((f) => f.ruleId === 'scan.archive.encrypted' && f.title.includes('m/model.pkl')),
    );
    assert.equal(a.unscannable, true);
    const h = await scanBuffer(fixture('aes-header'), 'aes-header.7z');
    assert.deepEqual(
      h.findings.map((f) => f.ruleId),
      ['scan.archive.encrypted'],
    );
    assert.throws(
      () => readSevenZip(fixture('aes-header'), BOUNDS),
      (e) => e instanceof SevenZError && e.encrypted,
    );
  });

  it('reads the public 7-Zip sample (compressed header, LZMA2)', {
    skip: !existsSync(PUBLIC_7Z) && 'no corpus',
  }, async () => {
    const r = await scanBuffer(readFileSync(PUBLIC_7Z), 'malicious1.7z');
    assert.ok(r.findings.some((f) => f.severity === 'critical' && f.location.member === 'data.pkl'));
  });

  it('a 7z bomb stops at the expansion budget', async () => {
    const bomb = sevenZip(readFileSync(join(FIX, 'zeros-64m.bz2')), [4, 2, 2], 64 << 20, 'model.pkl');
    assert.equal(
      readSevenZip(bomb, { maxMembers: 10, maxTotal: 64 << 20 }).members[0]!.bytes!.length,
      64 << 20,
    );
    const r = await scanBuffer(bomb, 'bomb.7z', { limits: { maxExpandedBytes: 1 << 20 } });
    assert.deepEqual(
      r.findings.map((f) => f.ruleId),
      ['scan.file.limit-reached'],
    );
    assert.match(r.findings[0]!.title, /expands past/);
  });

  it('a 7z archive that does not decode within the time limit is a limit finding, not a hang', async () => {
    const slow = sevenZip(readFileSync(join(FIX, 'zeros-64m.bz2')), [4, 2, 2], 64 << 20, 'model.pkl');
    const r = await scanBuffer(slow, 'slow.7z', { limits: { timeMs: 20 } });
    assert.deepEqual(
      r.findings.map((f) => f.ruleId),
      ['scan.file.limit-reached'],
    );
    assert.match(r.findings[0]!.title, /did not decode within the time limit/);
    assert.equal(r.unscannable, true);
  });

  it('data that no listed file uses (a crafted or damaged header) makes the archive unscannable', async () => {
    const payload = members.get('m/model.pkl')!;
    const hidden = sevenZip(payload, [0], payload.length, undefined);
    assert.deepEqual(readSevenZip(hidden, BOUNDS).problems, ['1 data stream(s) that no listed file uses']);
    // The pack size covers only the payload: the 12 bytes after it belong to no stream.
    const withGap = sevenZip(
      Buffer.concat([payload, Buffer.from('hidden bytes')]),
      [0],
      payload.length,
      'a.pkl',
      payload.length,
    );
    const r = await scanBuffer(withGap, 'gap.7z');
    assert.ok(r.findings.some((f) => f.title.includes('12 byte(s) of packed data that no stream uses')));
    assert.equal(r.unscannable, true);
    const h = await scanBuffer(hidden, 'hidden.7z');
    assert.equal(h.unscannable, true);
  });

  it('an unsupported coder is reported, never skipped', async () => {
    const ppmd = sevenZip(Buffer.from('whatever'), [3, 4, 1], 8, 'model.pkl');
    const r = await scanBuffer(ppmd, 'ppmd.7z');
    assert.deepEqual(
      r.findings.map((f) => f.ruleId),
      ['scan.file.unparseable'],
    );
    assert.match(r.findings[0]!.title, /PPMD is not supported/);
  });

  it('fuzz: a mutated malicious 7z never passes clean: the payload is found or the archive is unscannable', async () => {
    const bases = [...['lzma2', 'bzip2', 'bcj-lzma2', 'deflate', 'copy'].map(fixture)];
    if (existsSync(PUBLIC_7Z)) bases.push(readFileSync(PUBLIC_7Z));
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          i: fc.nat(bases.length - 1),
          edits: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }),
          cut: fc.option(fc.nat(), { freq: 4 }),
        }),
        async ({ i, edits, cut }) => {
          const b = Buffer.from(bases[i]!);
          for (const [at, v] of edits) b[at % b.length] = v;
          const bytes = cut === null ? b : b.subarray(0, cut % (b.length + 1));
          const r = await scanBuffer(bytes, 'fuzz.7z', {
            limits: { timeMs: 2_000, maxExpandedBytes: 8 << 20 },
          });
          const titles = JSON.stringify(r.findings.map((f) => f.title));
          if (bytes.length >= 6 && bytes.subarray(0, 6).equals(bases[i]!.subarray(0, 6)))
            assert.ok(r.findings.some((f) => f.severity === 'critical') || r.unscannable, titles);
          // A damaged signature makes it no 7z at all, as 7-Zip sees it too: whatever it now is, it is
          // reported, or nothing in it was scannable (the CLI exits 2).
          else assert.ok(r.findings.length > 0 || !r.scanned, titles);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('fuzz: random bytes behind a 7z signature end in a finding, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 600 }), async (tail) => {
        const bytes = Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), tail]);
        const r = await scanBuffer(bytes, 'random.7z', { limits: { timeMs: 2_000 } });
        assert.equal(r.unscannable, true);
      }),
      { numRuns: 300 },
    );
  });
});
