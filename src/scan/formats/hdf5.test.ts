import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { scanBuffer } from '../index.ts';
import { MemSource } from '../source.ts';
import { readRootAttributes } from './hdf5.ts';
import { ParseError } from './reader.ts';

const FIX = fileURLToPath(new URL('../../../test/fixtures/scan/containers/', import.meta.url));
const read = (name: string) => readFileSync(join(FIX, name));

describe('HDF5 dense attribute storage (fractal heap + v2 B-tree), as python3-h5py writes it', () => {
  for (const [file, how] of [
    ['keras-dense-attrs-lambda-bytes.h5', 'a fixed-length string over 64 KiB: a huge heap object'],
    [
      'keras-dense-attrs-lambda.h5',
      'a variable-length string: a managed heap object, its value in the global heap',
    ],
  ] as const)
    it(`reads a model_config stored as ${how}, and every small attribute`, () => {
      const a = readRootAttributes(new MemSource(read(file)));
      assert.equal(a.dense, true);
      assert.equal(a.attrs.size, 15);
      assert.equal(a.attrs.get('keras_version'), '2.11.0');
      assert.equal(a.attrs.get('note_11'), 'attribute 11');
      const cfg = JSON.parse(a.attrs.get('model_config')!) as {
        config: { layers: { class_name: string }[] };
      };
      assert.equal(cfg.config.layers.length, 901);
      assert.equal(cfg.config.layers.at(-1)!.class_name, 'Lambda');
    });

  it('reads managed heap objects past the root block through a B-tree of depth > 0', () => {
    const a = readRootAttributes(new MemSource(read('many-attrs.h5')));
    assert.equal(a.dense, true);
    assert.equal(a.attrs.size, 100);
    for (let i = 0; i < 100; i++) {
      const k = String(i).padStart(3, '0');
      assert.equal(a.attrs.get(`attr_${k}`), String(i).padStart(4, '0').repeat(175), k);
    }
  });

  it('finds the Lambda layer structurally (no byte-search fallback) and passes the clean control', async () => {
    for (const file of ['keras-dense-attrs-lambda.h5', 'keras-dense-attrs-lambda-bytes.h5']) {
      const bad = await scanBuffer(read(file), 'model.h5');
      assert.deepEqual(
        bad.findings.map((f) => [f.ruleId, f.severity]),
        [['scan.keras.lambda-layer', 'critical']],
        file,
      );
      assert.equal(bad.findings[0]!.location.member, '#model_config');
    }
    const clean = await scanBuffer(read('keras-dense-attrs-clean.h5'), 'model.h5');
    assert.deepEqual(clean.findings, []);
  });

  it('fuzz: mutated dense storage is read or a ParseError, never a crash or a hang', () => {
    const bases = ['keras-dense-attrs-lambda.h5', 'keras-dense-attrs-lambda-bytes.h5', 'many-attrs.h5'].map(
      read,
    );
    fc.assert(
      fc.property(
        fc.nat(2),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 8 }),
        (i, edits) => {
          const b = Buffer.from(bases[i]!);
          for (const [at, v] of edits) b[at % b.length] = v;
          try {
            assert.ok(readRootAttributes(new MemSource(b)).attrs.size <= 10_000);
          } catch (e) {
            if (!(e instanceof ParseError)) throw e;
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('fuzz: a mutated malicious dense file is never passed clean', async () => {
    const base = read('keras-dense-attrs-lambda.h5');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        async (edits) => {
          const b = Buffer.from(base);
          for (const [at, v] of edits) b[at % b.length] = v;
          const r = await scanBuffer(b, 'model.h5');
          assert.ok(r.findings.length > 0 || !r.scanned, 'a mutated Lambda model produced no finding');
        },
      ),
      { numRuns: 60 },
    );
  });
});
