import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CodeUnits } from './codes.ts';

describe('code units', () => {
  it('holds exactly the UTF-16 code units of each text, lone surrogates and long texts included', () => {
    const buf = new CodeUnits();
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.string({ minLength: 3000, maxLength: 9000 })),
        (t) => {
          const units = buf.load(t);
          assert.ok(units.length >= t.length);
          for (let i = 0; i < t.length; i++) assert.equal(units[i], t.charCodeAt(i));
        },
      ),
      { numRuns: 200 },
    );
    assert.deepEqual([...buf.load('a\ud800b\udc00').slice(0, 4)], [0x61, 0xd800, 0x62, 0xdc00]);
  });
});
