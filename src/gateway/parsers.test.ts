import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BulwarkError } from '../core/index.ts';
import { createCsvReader, sniffDelimiter } from './csv.ts';
import { createSseParser } from './sse.ts';

const LIMITS = { maxColumns: 50, maxFieldBytes: 4096, maxRows: 10_000 };

function readAll(text: string, cuts: number[] = []): string[][] {
  const r = createCsvReader('t.csv', LIMITS);
  const rows: string[][] = [];
  let pos = 0;
  for (const c of [...cuts.filter((x) => x > 0 && x < text.length)].sort((a, b) => a - b)) {
    rows.push(...r.push(text.slice(pos, c)).map((x) => x.fields));
    pos = c;
  }
  rows.push(...r.push(text.slice(pos)).map((x) => x.fields));
  rows.push(...r.end().map((x) => x.fields));
  return rows;
}

test('CSV: quoted fields with commas, escaped quotes, newlines and CRLF', () => {
  assert.deepEqual(readAll('a,b\r\n"x, y","he said ""hi"""\n"multi\nline",2\n'), [
    ['a', 'b'],
    ['x, y', 'he said "hi"'],
    ['multi\nline', '2'],
  ]);
});

test('CSV: errors name the line', () => {
  assert.throws(() => readAll('a,b\n1,x"y\n'), /t\.csv:2: quote inside an unquoted field/);
  assert.throws(() => readAll('a\n"open\n\n'), /t\.csv:2: unterminated quoted field/);
  assert.throws(() => readAll(`${'x,'.repeat(60)}x\n`), /more than 50 columns/);
});

test('CSV: the same records however the text is split into chunks', () => {
  const field = fc.oneof(
    fc.string({ maxLength: 8 }).filter((s) => !/[",\r\n]/.test(s)),
    fc.string({ maxLength: 8 }).map((s) => `"${s.replace(/"/g, '""')}"`),
  );
  const csv = fc
    .array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 20 })
    .map((rows) => `${rows.map((r) => r.join(',')).join('\n')}\n`);
  fc.assert(
    fc.property(csv, fc.array(fc.nat(400), { maxLength: 6 }), (text, cuts) => {
      assert.deepEqual(readAll(text, cuts), readAll(text));
    }),
    { numRuns: 400 },
  );
});

test('CSV: random bytes never crash, hang or exceed the bounds: rows or a clear error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
      try {
        const rows = readAll(Buffer.from(bytes).toString('utf8'));
        assert.ok(
          rows.every(
            (r) => r.length <= LIMITS.maxColumns && r.every((f) => f.length <= LIMITS.maxFieldBytes),
          ),
        );
      } catch (e) {
        assert.ok(e instanceof BulwarkError, String(e));
        assert.match(e.message, /^t\.csv:\d+: /);
      }
    }),
    { numRuns: 500 },
  );
});

test('SSE: events split anywhere are reassembled; data lines joined', () => {
  const stream = 'data: {"a":1}\n\nevent: x\ndata: line1\ndata: line2\n\r\n\r\ndata: [DONE]\n\n';
  fc.assert(
    fc.property(fc.array(fc.nat(stream.length), { maxLength: 5 }), (cuts) => {
      const p = createSseParser();
      const out: string[] = [];
      let pos = 0;
      for (const c of [...cuts].sort((a, b) => a - b)) {
        out.push(...p.push(stream.slice(pos, c)).map((e) => e.data));
        pos = c;
      }
      out.push(...p.push(stream.slice(pos)).map((e) => e.data), ...p.end().map((e) => e.data));
      assert.deepEqual(out, ['{"a":1}', 'line1\nline2', '[DONE]']);
    }),
  );
});

test('SSE: an event larger than the bound is refused (an upstream cannot make us buffer forever)', () => {
  const p = createSseParser(1000);
  assert.throws(() => p.push(`data: ${'x'.repeat(2000)}`), /exceeds 1000 bytes/);
  fc.assert(
    fc.property(fc.string({ maxLength: 5000 }), (s) => {
      const q = createSseParser(1000);
      try {
        q.push(s);
        q.end();
      } catch (e) {
        assert.ok(e instanceof BulwarkError);
      }
    }),
    { numRuns: 300 },
  );
});

test('CSV: the delimiter is sniffed from the header (comma, semicolon, tab, pipe)', () => {
  assert.equal(sniffDelimiter('a;b;c\n1;2;3'), ';');
  assert.equal(sniffDelimiter('a\tb\n'), '\t');
  assert.equal(sniffDelimiter('a,b;c,d\n'), ',');
  const r = createCsvReader('t.csv', LIMITS, ';');
  assert.deepEqual(
    [...r.push('x;"y;z"\n'), ...r.end()].map((x) => x.fields),
    [['x', 'y;z']],
  );
});
