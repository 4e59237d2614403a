import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { listTar } from './containers/tar.ts';
import { listZip } from './containers/zip.ts';
import { DEFAULT_LIMITS, ScanContext } from './context.ts';
import { scanGguf } from './formats/gguf.ts';
import { readRootAttributes } from './formats/hdf5.ts';
import { scanHdf5 } from './formats/keras.ts';
import { ParseError } from './formats/reader.ts';
import { parseNpyHeader } from './formats/npy.ts';
import { scanOnnx } from './formats/onnx.ts';
import { scanSafetensors } from './formats/safetensors.ts';
import { scanTensorflow } from './formats/tensorflow.ts';
import { scanBuffer } from './index.ts';
import { runPickle } from './pickle/machine.ts';
import { BUILTIN_POLICY } from './policy.ts';
import { MemSource } from './source.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/scan/', import.meta.url));
const samples = ['benign', 'malicious'].flatMap((d) =>
  readdirSync(join(FIXTURES, d))
    .map((f) => readFileSync(join(FIXTURES, d, f)))
    .filter((b) => b.length < 64 * 1024),
);

const LIMITS = {
  ...DEFAULT_LIMITS,
  maxInMemoryBytes: 1 << 20,
  maxExpandedBytes: 4 << 20,
  maxHeaderBytes: 1 << 20,
  timeMs: 5_000,
};
const ctx = () => new ScanContext('fuzz', BUILTIN_POLICY, LIMITS);

/** Random bytes, and real samples with bytes flipped, inserted, truncated or spliced. */
const mutated = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc
    .record({
      base: fc.constantFrom(...samples),
      edits: fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
      cut: fc.option(fc.nat()),
    })
    .map(({ base, edits, cut }) => {
      const b = Buffer.from(base);
      for (const e of edits) if (b.length > 0) b[e.at % b.length] = e.byte;
      return cut === null ? b : b.subarray(0, cut % (b.length + 1));
    }),
);

const RUNS = { numRuns: 300 };

describe('fuzzing: random and mutated bytes never crash, hang or escape the bounds', () => {
  it('pickle machine', () => {
    fc.assert(
      fc.property(mutated, (b) => {
        const r = runPickle(b, 0, { limits: { maxOps: 100_000, maxMemo: 10_000, maxStack: 10_000 } });
        assert.ok(r.end <= b.length);
        assert.ok(r.ops <= 100_000 * 2);
      }),
      RUNS,
    );
  });

  it('zip and tar listings', () => {
    fc.assert(
      fc.property(mutated, (b) => {
        const z = listZip(new MemSource(b), 1000);
        assert.ok(z.entries.length <= 1000);
        const t = listTar(new MemSource(b), 1000);
        assert.ok(t.entries.length <= 1000);
      }),
      RUNS,
    );
  });

  it('npy, safetensors, GGUF, ONNX, TensorFlow and HDF5 parsers', () => {
    fc.assert(
      fc.property(mutated, (b) => {
        const src = new MemSource(b);
        parseNpyHeader(b);
        for (const scan of [scanSafetensors, scanGguf, scanOnnx, scanHdf5]) {
          const c = ctx();
          scan(c, src);
          assert.ok(c.findings.length <= 2000);
        }
        scanTensorflow(ctx(), src);
        try {
          const a = readRootAttributes(src);
          assert.ok(a.attrs.size <= 10_000);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
      }),
      RUNS,
    );
  });

  it('the whole engine: every input yields a report, never an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async (b) => {
        const r = await scanBuffer(b, 'fuzz.bin', { limits: LIMITS });
        const crash = r.findings.find((f) => f.title.startsWith('Scan failed:'));
        assert.equal(crash, undefined, crash?.title);
      }),
      { numRuns: 200 },
    );
  });
});
