/**
 * Statistics the gateway needs on the hot path, written here so they stay small and allocation-light:
 * the normal distribution, the Shapiro–Wilk normality test (Royston 1992/1995, algorithm AS R94) and
 * the chi-square CDF.
 */

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z / Math.SQRT2));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

const poly = (c: number[], x: number) => c.reduceRight((acc, k) => acc * x + k, 0);
const coefCache = new Map<number, Float64Array>();

/** Shapiro–Wilk coefficients a_1..a_n for sample size n (cached: the monitor reuses a few sizes). */
function swCoefficients(n: number): Float64Array {
  const hit = coefCache.get(n);
  if (hit) return hit;
  const a = new Float64Array(n);
  if (n === 3) {
    a[0] = -Math.SQRT1_2;
    a[2] = Math.SQRT1_2;
  } else {
    const m = new Float64Array(n);
    let mm = 0;
    for (let i = 0; i < n; i++) {
      m[i] = normalQuantile((i + 1 - 0.375) / (n + 0.25));
      mm += m[i]! * m[i]!;
    }
    const u = 1 / Math.sqrt(n);
    const an = m[n - 1]! / Math.sqrt(mm) + poly([0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056], u);
    let phi: number;
    if (n > 5) {
      const an1 =
        m[n - 2]! / Math.sqrt(mm) + poly([0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633], u);
      phi = (mm - 2 * m[n - 1]! ** 2 - 2 * m[n - 2]! ** 2) / (1 - 2 * an ** 2 - 2 * an1 ** 2);
      for (let i = 2; i < n - 2; i++) a[i] = m[i]! / Math.sqrt(phi);
      a[n - 2] = an1;
      a[1] = -an1;
    } else {
      phi = (mm - 2 * m[n - 1]! ** 2) / (1 - 2 * an ** 2);
      for (let i = 1; i < n - 1; i++) a[i] = m[i]! / Math.sqrt(phi);
    }
    a[n - 1] = an;
    a[0] = -an;
  }
  if (coefCache.size > 64) coefCache.clear();
  coefCache.set(n, a);
  return a;
}

/** The Shapiro–Wilk W statistic and its p-value for 3 ≤ n ≤ 5000 values (W = 1 for constant data). */
export function shapiroWilk(values: ArrayLike<number>): { w: number; p: number; n: number } {
  const n = values.length;
  if (n < 3 || n > 5000) throw new RangeError(`Shapiro–Wilk needs 3..5000 values, got ${n}`);
  const x = Float64Array.from(values).sort();
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i]! - mean) ** 2;
  if (ss <= 1e-300 * n) return { w: 1, p: 1, n };
  const a = swCoefficients(n);
  let num = 0;
  for (let i = 0; i < n; i++) num += a[i]! * x[i]!;
  const w = Math.min(1, (num * num) / ss);
  return { w, p: swPValue(w, n), n };
}

function swPValue(w: number, n: number): number {
  if (n === 3)
    return Math.max(0, Math.min(1, (6 / Math.PI) * (Math.asin(Math.sqrt(w)) - Math.asin(Math.sqrt(0.75)))));
  const lw = Math.log(1 - w);
  if (n <= 11) {
    const gamma = -2.273 + 0.459 * n;
    const m = 0.544 - 0.39978 * n + 0.025054 * n ** 2 - 0.0006714 * n ** 3;
    const s = Math.exp(1.3822 - 0.77857 * n + 0.062767 * n ** 2 - 0.0020322 * n ** 3);
    if (-lw >= gamma) return 1e-19;
    return 1 - normalCdf((-Math.log(gamma - lw) - m) / s);
  }
  const ln = Math.log(n);
  const m = -1.5861 - 0.31082 * ln - 0.083751 * ln ** 2 + 0.0038915 * ln ** 3;
  const s = Math.exp(-0.4803 - 0.082676 * ln + 0.0030302 * ln ** 2);
  return 1 - normalCdf((lw - m) / s);
}

/** Regularised lower incomplete gamma P(a, x) (series, or continued fraction for large x). */
function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lnGa = lnGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let k = 1; k < 500; k++) {
      term *= x / (a + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-14) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - lnGa);
  }
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return 1 - Math.exp(-x + a * Math.log(x) - lnGa) * h;
}

function lnGamma(z: number): number {
  const g = [
    76.18009172947146, -86.50532032941678, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2,
    -0.5395239384953e-5,
  ];
  let x = z;
  let y = z;
  let tmp = x + 5.5;
  tmp -= (x + 0.5) * Math.log(tmp);
  let ser = 1.000000000190015;
  for (const k of g) ser += k / ++y;
  x = z;
  return -tmp + Math.log((2.5066282746310007 * ser) / x);
}

/** Chi-square CDF with k degrees of freedom. */
export function chiSquareCdf(x: number, k: number): number {
  return gammaP(k / 2, x / 2);
}
