import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExtractionConfig, extractionSettings } from './config.ts';
import { createExtractionMonitor, nearest, textVector } from './extraction.ts';

function rng(seed: number) {
  let s = seed;
  const u = () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  return { u, g: () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u()) };
}
const bin = (z: number) => Math.floor(((z + 3) / 6) * 10);
const config = extractionSettings(ExtractionConfig.parse({}), 'predict');

function firstAlarm(gen: (i: number) => number[], n = 300) {
  const m = createExtractionMonitor(config);
  for (let i = 0; i < n; i++) {
    const v = gen(i);
    const s = m.observe('client', Float64Array.from(v), v.map(bin));
    if (s) return { at: i, ...s };
  }
  return undefined;
}

test('no alarm on benign traffic drawn from the data distribution (20 seeded clients, 2 to 16 features)', () => {
  for (const dims of [2, 4, 8, 16]) {
    for (let seed = 1; seed <= 5; seed++) {
      const r = rng(seed * 97 + dims);
      const alarm = firstAlarm(() => Array.from({ length: dims }, r.g));
      assert.equal(alarm, undefined, `dims ${dims} seed ${seed}: ${JSON.stringify(alarm)}`);
    }
  }
});

test('PRADA alarm on Jacobian-style synthetic queries (seeds plus small steps)', () => {
  const r = rng(3);
  const pool: number[][] = [];
  const alarm = firstAlarm((i) => {
    const v =
      i < 10
        ? Array.from({ length: 4 }, r.g)
        : pool[Math.floor(r.u() * pool.length)]!.map((x) => x + (r.u() < 0.5 ? -0.1 : 0.1));
    pool.push(v);
    return v;
  });
  assert.ok(alarm, 'expected an alarm');
  assert.equal(alarm.rule, 'gateway.extraction.prada');
  assert.ok(alarm.w! < config.threshold);
  assert.ok(alarm.at < 100, `raised after ${alarm.at} queries`);
});

test('coverage alarm on a uniform sweep of the input space', () => {
  const r = rng(5);
  const alarm = firstAlarm(() => Array.from({ length: 4 }, () => r.u() * 6 - 3));
  assert.ok(alarm);
  assert.equal(alarm.rule, 'gateway.extraction.coverage');
  assert.ok(alarm.coverage! >= 0.9 && alarm.entropy! >= 0.95);
});

test('throttle mode refuses the client after an alarm; other clients are unaffected', () => {
  let now = 0;
  const m = createExtractionMonitor(
    extractionSettings(ExtractionConfig.parse({ action: 'throttle', throttleMs: 1000 }), 'predict'),
    () => now,
  );
  const r = rng(9);
  for (let i = 0; i < 200 && !m.throttled('a'); i++) {
    const v = Array.from({ length: 4 }, () => r.u() * 6 - 3);
    m.observe('a', Float64Array.from(v), v.map(bin));
  }
  assert.equal(m.throttled('a'), true);
  assert.equal(m.throttled('b'), false);
  now = 1001;
  assert.equal(m.throttled('a'), false);
});

test('text vectors: unit length, similar texts close, different texts far', () => {
  const a = textVector('What is the capital of France?');
  const b = textVector('What is the capital of Spain?');
  const c = textVector('Write a poem about autumn leaves falling in the park');
  const d = (x: Float64Array, y: Float64Array) => Math.sqrt(x.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0));
  assert.ok(Math.abs(Math.hypot(...a) - 1) < 1e-9);
  assert.ok(d(a, b) < d(a, c));
});

test('on LLM routes exact repeats (retries, cached prompts) are left out and raise no alarm', () => {
  const m = createExtractionMonitor(extractionSettings(ExtractionConfig.parse({}), 'openai'));
  const prompts = [
    'What is my balance?',
    'How do I reset my PIN?',
    'Why was my card declined at the shop?',
    'Can I get a refund for a duplicate charge?',
  ];
  const r = rng(4);
  for (let i = 0; i < 300; i++) {
    // Mostly the same few prompts, repeated: their distances are zero.
    const q =
      r.u() < 0.9
        ? prompts[Math.floor(r.u() * prompts.length)]!
        : `Question ${i}: ${prompts[i % 4]} ${'please '.repeat(i % 5)}`;
    assert.equal(m.observe('chat-client', textVector(q)), undefined, `alarm at query ${i}`);
  }
  const predict = createExtractionMonitor(extractionSettings(ExtractionConfig.parse({}), 'predict'));
  let alarmed = false;
  for (let i = 0; i < 300 && !alarmed; i++)
    alarmed = Boolean(predict.observe('x', textVector(prompts[i % 4]!)));
  assert.equal(alarmed, false, 'four points repeated forever: every distance is zero, W is 1');
});

test('nearest-neighbour distance matches a plain scan, for any dimension count', () => {
  const r = rng(7);
  for (const dims of [1, 7, 8, 13, 64]) {
    const history = Array.from({ length: 50 }, () => Float64Array.from({ length: dims }, r.g));
    const flat = new Float64Array(60 * dims);
    for (const [k, h] of history.entries()) flat.set(h, k * dims);
    for (let q = 0; q < 20; q++) {
      const v = Float64Array.from({ length: dims }, r.g);
      let want = Number.POSITIVE_INFINITY;
      for (const h of history)
        want = Math.min(
          want,
          h.reduce((s, x, i) => s + (x - v[i]!) ** 2, 0),
        );
      // Only the filled part counts (the 10 zero vectors after it are not neighbours).
      assert.ok(Math.abs(nearest(flat, 50, v) - want) < 1e-9 * Math.max(1, want), `dims ${dims}`);
    }
  }
  assert.equal(nearest(new Float64Array(8), 0, new Float64Array(4)), Number.POSITIVE_INFINITY);
});

test('text vectors depend on the text alone: not on earlier texts, how the string was built, or past 20,000 chars', async () => {
  const fc = (await import('fast-check')).default;
  const long = 'x'.repeat(30_000);
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ maxLength: 300 }),
      (text, other) => {
        const first = Array.from(textVector(text));
        textVector(long + other); // fills the reused code-unit buffer past this text's end
        assert.deepEqual(Array.from(textVector(text)), first);
        const half = text.length >> 1;
        assert.deepEqual(Array.from(textVector(text.slice(0, half) + text.slice(half))), first);
        const padded = text + long;
        assert.deepEqual(Array.from(textVector(padded)), Array.from(textVector(padded.slice(0, 20_000))));
      },
    ),
    { numRuns: 200 },
  );
});
