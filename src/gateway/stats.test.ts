import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { chiSquareCdf, normalCdf, normalQuantile, shapiroWilk } from './stats.ts';

// Reference values from SciPy 1.17 (scipy.stats.shapiro and chi2.cdf), computed once by hand.
test('Shapiro–Wilk matches SciPy on a near-normal sample', () => {
  const r = shapiroWilk([2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 3.9, 4.1, 3.0, 2.2, 3.7, 4.8, 3.1, 2.9]);
  assert.ok(Math.abs(r.w - 0.9711474585807791) < 1e-6, String(r.w));
  assert.ok(Math.abs(r.p - 0.8746712611129424) < 1e-4, String(r.p));
});

test('Shapiro–Wilk rejects a sample with an outlier, as SciPy does', () => {
  const r = shapiroWilk([1, 2, 3, 4, 100, 2, 3, 1, 2, 3, 2, 1]);
  assert.ok(Math.abs(r.w - 0.3560524217217381) < 1e-6);
  assert.ok(r.p < 1e-5);
});

test('Shapiro–Wilk for n = 3 uses the exact distribution', () => {
  const r = shapiroWilk([0.5, 0.7, 0.2]);
  assert.ok(Math.abs(r.w - 0.9868421052631581) < 1e-9);
  assert.ok(Math.abs(r.p - 0.7804408148790196) < 1e-6);
});

test('W stays in [0, 1] and p in [0, 1] for any sample', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 300 }),
      (xs) => {
        const r = shapiroWilk(xs);
        return r.w >= 0 && r.w <= 1 && r.p >= 0 && r.p <= 1;
      },
    ),
    { numRuns: 300 },
  );
});

test('refuses sample sizes outside 3..5000', () => {
  assert.throws(() => shapiroWilk([1, 2]), RangeError);
});

test('the normal quantile inverts the CDF and chi-square matches SciPy', () => {
  for (const p of [0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999])
    assert.ok(Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-6);
  assert.ok(Math.abs(chiSquareCdf(3.84, 1) - 0.9499564787512949) < 1e-9);
  assert.ok(Math.abs(chiSquareCdf(10, 4) - 0.9595723180054873) < 1e-9);
  assert.ok(Math.abs(chiSquareCdf(50, 3) - 1) < 1e-9);
});
