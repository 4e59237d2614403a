import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { TimeLimit } from '../context.ts';
import { Bzip2Error, decodeBzip2 } from './bzip2.ts';
import { ExpandLimit } from './compress.ts';
import { decodeLzma, decodeLzma2, LzmaError } from './lzma.ts';

const FIX = fileURLToPath(new URL('../../../test/fixtures/scan/containers/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'bw-decoders-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Compresses each input with Python's own bz2 / lzma modules (the compressors the loaders pair with),
 * in one python3 process. Undefined when python3 is not available.
 */
function pythonCompress(inputs: Uint8Array[], codec: string): Buffer[] | undefined {
  for (const [i, b] of inputs.entries()) writeFileSync(join(tmp, `in${i}`), b);
  const script = `
import bz2, lzma, sys
d, n, codec = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(n):
    b = open(f'{d}/in{i}', 'rb').read()
    if codec == 'bz2': o = bz2.compress(b, 1 + i % 9)
    elif codec == 'lzma-alone': o = lzma.compress(b, format=lzma.FORMAT_ALONE, preset=i % 10)
    else: o = lzma.compress(b, format=lzma.FORMAT_RAW, filters=[{'id': lzma.FILTER_LZMA2, 'preset': i % 10, 'lc': i % 4, 'lp': (i // 4) % 2, 'pb': i % 5}])
    open(f'{d}/out{i}', 'wb').write(o)
`;
  const r = spawnSync('python3', ['-c', script, tmp, String(inputs.length), codec]);
  if (r.error || r.status !== 0) return undefined;
  return inputs.map((_, i) => readFileSync(join(tmp, `out${i}`)));
}

/** Data that compresses in interesting ways: runs (bz2's run-length stage), repeats, noise. */
const payload = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc
        .record({ b: fc.integer({ min: 0, max: 255 }), n: fc.integer({ min: 1, max: 3000 }) })
        .map(({ b, n }) => new Uint8Array(n).fill(b)),
      fc.constantFrom(Buffer.from('cos\nsystem\n(S"echo"\ntR.'), Buffer.from('pickle '.repeat(40))),
    ),
    { maxLength: 40 },
  )
  .map((parts) => Buffer.concat(parts));

const HAS_PYTHON = spawnSync('python3', ['-c', 'import bz2, lzma']).status === 0;

describe('bz2 decoder', () => {
  it('decodes what Python bz2 compresses, byte for byte', { skip: !HAS_PYTHON && 'no python3' }, () => {
    const inputs = fc.sample(payload, { numRuns: 60, seed: 7 });
    const packed = pythonCompress(inputs, 'bz2')!;
    for (const [i, want] of inputs.entries())
      assert.deepEqual(Buffer.from(decodeBzip2(packed[i]!, { max: 1 << 24 })), want);
  });

  it('decodes streams back to back and ignores trailing bytes, as BZ2File does', () => {
    const out = decodeBzip2(readFileSync(join(FIX, 'two-streams.bz2')), { max: 1 << 20 });
    const text = Buffer.from(out).toString('latin1');
    assert.ok(text.includes('system'));
    assert.ok(text.endsWith('second stream\n'.repeat(1000)));
  });

  it('stops exactly at the output cap, however far one block would expand', () => {
    // 64 MiB of zeros in 79 bytes: one block expands to ~45 MB through the run-length stage.
    const bomb = readFileSync(join(FIX, 'zeros-64m.bz2'));
    assert.equal(decodeBzip2(bomb, { max: 64 << 20 }).length, 64 << 20);
    for (const cap of [0, 1, 4, 5, 259, 1000, 900_000, 47_000_001])
      assert.throws(
        () => decodeBzip2(bomb, { max: cap }),
        (e) => e instanceof ExpandLimit && e.limit === cap,
      );
  });

  it('stops at the deadline through its tick', () => {
    const bomb = readFileSync(join(FIX, 'zeros-64m.bz2'));
    let ticks = 0;
    assert.throws(
      () =>
        decodeBzip2(bomb, {
          max: 64 << 20,
          tick: () => {
            if (++ticks > 3) throw new TimeLimit('deadline');
          },
        }),
      TimeLimit,
    );
    assert.equal(ticks, 4);
  });

  it('reports corruption as an error, never as output: a flipped bit fails the CRC', () => {
    const good = readFileSync(join(FIX, 'two-streams.bz2'));
    const bad = Buffer.from(good);
    bad[40]! ^= 0x10;
    assert.throws(() => decodeBzip2(bad, { max: 1 << 20 }), Bzip2Error);
  });

  it('fuzz: random and mutated streams end in output or a decoder error, within the cap', () => {
    const base = [readFileSync(join(FIX, 'two-streams.bz2')), readFileSync(join(FIX, 'zeros-64m.bz2'))];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.concat([Buffer.from('BZh9'), b])),
          fc
            .record({
              i: fc.nat(1),
              edits: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }),
            })
            .map(({ i, edits }) => {
              const b = Buffer.from(base[i]!);
              for (const [at, v] of edits) b[at % b.length] = v;
              return b;
            }),
        ),
        (b) => {
          try {
            assert.ok(decodeBzip2(b, { max: 1 << 20 }).length <= 1 << 20);
          } catch (e) {
            assert.ok(e instanceof Bzip2Error || e instanceof ExpandLimit, String(e));
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('LZMA and LZMA2 decoders', () => {
  it('decode what Python lzma compresses (.lzma and raw LZMA2, all presets and lc/lp/pb)', {
    skip: !HAS_PYTHON && 'no python3',
  }, () => {
    const inputs = fc.sample(payload, { numRuns: 40, seed: 11 });
    const alone = pythonCompress(inputs, 'lzma-alone')!;
    inputs.forEach((want, i) => {
      const b = alone[i]!;
      const v = new DataView(b.buffer, b.byteOffset + 5, 8);
      const size = v.getUint32(0, true) === 0xffffffff ? -1 : v.getUint32(0, true);
      assert.deepEqual(
        Buffer.from(decodeLzma(b.subarray(0, 5), b.subarray(13), size, { max: 1 << 24 })),
        want,
      );
    });
    const raw2 = pythonCompress(inputs, 'lzma2')!;
    inputs.forEach((want, i) => {
      assert.deepEqual(Buffer.from(decodeLzma2(raw2[i]!, -1, { max: 1 << 24 })), want);
      assert.deepEqual(Buffer.from(decodeLzma2(raw2[i]!, want.length, { max: 1 << 24 })), want);
    });
  });

  it('stop exactly at the output cap and at the deadline', { skip: !HAS_PYTHON && 'no python3' }, () => {
    const big = Buffer.alloc(3 << 20, 7);
    const [packed] = pythonCompress([big], 'lzma2')!;
    for (const cap of [0, 1, 100_000, (3 << 20) - 1])
      assert.throws(
        () => decodeLzma2(packed!, -1, { max: cap }),
        (e) => e instanceof ExpandLimit && e.limit === cap,
      );
    let ticks = 0;
    assert.throws(
      () =>
        decodeLzma2(packed!, -1, {
          max: 1 << 24,
          tick: () => {
            if (++ticks > 2) throw new TimeLimit('deadline');
          },
        }),
      TimeLimit,
    );
  });

  it('fuzz: random and mutated streams end in output or a decoder error, within the cap', {
    skip: !HAS_PYTHON && 'no python3',
  }, () => {
    const seeds = fc.sample(payload, { numRuns: 4, seed: 3 });
    const bases = pythonCompress(seeds, 'lzma2')!;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }),
          fc
            .record({
              i: fc.nat(3),
              edits: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }),
            })
            .map(({ i, edits }) => {
              const b = Buffer.from(bases[i]!);
              for (const [at, v] of edits) if (b.length > 0) b[at % b.length] = v;
              return b;
            }),
        ),
        fc.boolean(),
        (b, asLzma) => {
          try {
            const out = asLzma
              ? decodeLzma(Buffer.from([0x5d, 0, 0, 1, 0]), b, -1, { max: 1 << 20 })
              : decodeLzma2(b, -1, { max: 1 << 20 });
            assert.ok(out.length <= 1 << 20);
          } catch (e) {
            assert.ok(e instanceof LzmaError || e instanceof ExpandLimit, String(e));
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
