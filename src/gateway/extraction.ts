import { CodeUnits } from '../guard/codes.ts';
import type { ExtractionSettings } from './config.ts';
import { shapiroWilk } from './stats.ts';

export interface ExtractionSignal {
  rule: 'gateway.extraction.prada' | 'gateway.extraction.coverage';
  /** Shapiro–Wilk W on the distance set (PRADA), or coverage and entropy (sweep). */
  w?: number;
  p?: number;
  coverage?: number;
  entropy?: number;
  queries: number;
}

interface ClientState {
  /** The last `window` query vectors, end to end in one array (a ring; `count` of them filled). */
  history: Float64Array | undefined;
  count: number;
  next: number;
  distances: number[];
  /** Per dimension, per bin: how many queries fell there (coverage and entropy signals). */
  bins: Uint32Array | undefined;
  queries: number;
  alarmed: boolean;
  throttledUntil: number;
}

const BINS = 10;
const WARMUP = 10;

/**
 * Per-client extraction monitor. PRADA (Juuti et al., 2019): for each new query, the minimum distance
 * to the client's earlier queries joins a set D; benign queries give a roughly normal D, synthetic
 * extraction queries (perturbations of seeds, line searches) do not. Plus a sweep signal: queries that
 * cover the profile's range evenly across bins.
 */
export function createExtractionMonitor(config: ExtractionSettings, now: () => number = Date.now) {
  const clients = new Map<string, ClientState>();
  function state(id: string): ClientState {
    let s = clients.get(id);
    if (!s) {
      if (clients.size > 100_000) clients.clear();
      s = {
        history: undefined,
        count: 0,
        next: 0,
        distances: [],
        bins: undefined,
        queries: 0,
        alarmed: false,
        throttledUntil: 0,
      };
      clients.set(id, s);
    }
    return s;
  }
  return {
    /** Whether the client is being throttled after an alarm. */
    throttled(id: string): boolean {
      const s = clients.get(id);
      return Boolean(s && s.throttledUntil > now());
    },
    /**
     * Records one query (a feature vector; `bins` gives each dimension's bin 0..9 when the route has a
     * profile) and returns the signal that raises an alarm, once per client until it is reset.
     */
    observe(id: string, vec: Float64Array, bins?: number[]): ExtractionSignal | undefined {
      const s = state(id);
      s.queries++;
      const dims = vec.length;
      if (!s.history || s.history.length % dims !== 0) {
        // Grown by doubling up to the window: most clients send a handful of queries, not a window's worth.
        s.history = new Float64Array(Math.min(config.window, 16) * dims);
        s.count = 0;
        s.next = 0;
      } else if (s.count === s.history.length / dims && s.count < config.window) {
        const grown = new Float64Array(Math.min(config.window, s.count * 2) * dims);
        grown.set(s.history);
        s.history = grown;
      }
      // The first queries' nearest neighbours are far by construction; they would skew D for everyone.
      if (s.count >= WARMUP) {
        const min = nearest(s.history, s.count, vec);
        // √distance: nearest-neighbour distances of benign traffic are right-skewed (Weibull-like); the
        // root brings them close to normal, while extraction's mix of tiny steps and jumps stays far off.
        if (min > 1e-12 || !config.skipRepeats) s.distances.push(Math.sqrt(Math.sqrt(min)));
        if (s.distances.length > config.window) s.distances.shift();
      }
      s.history.set(vec, s.next * dims);
      s.next = (s.next + 1) % config.window;
      if (s.count < config.window) s.count++;
      if (bins) {
        if (!s.bins) s.bins = new Uint32Array(bins.length * BINS);
        for (let i = 0; i < bins.length; i++) s.bins[i * BINS + Math.min(BINS - 1, Math.max(0, bins[i]!))]!++;
      }
      if (s.alarmed || s.distances.length < config.minSamples) return undefined;
      // The test costs O(n log n); running it every few queries is enough to catch an attack early.
      // Counted in queries: once the window is full the distance set stops growing, and a test on its
      // length would then run on every query.
      if (s.queries % 5 !== 0) return undefined;
      let signal: ExtractionSignal | undefined;
      const sw = shapiroWilk(s.distances);
      if (sw.w < config.threshold)
        signal = { rule: 'gateway.extraction.prada', w: sw.w, p: sw.p, queries: s.queries };
      else if (s.bins) {
        const { coverage, entropy } = spread(s.bins);
        if (coverage >= 0.9 && entropy >= 0.95)
          signal = { rule: 'gateway.extraction.coverage', coverage, entropy, queries: s.queries };
      }
      if (signal) {
        s.alarmed = true;
        if (config.action === 'throttle') s.throttledUntil = now() + config.throttleMs;
      }
      return signal;
    },
    reset(id: string): void {
      clients.delete(id);
    },
  };
}
export type ExtractionMonitor = ReturnType<typeof createExtractionMonitor>;

/**
 * Squared distance from `vec` to its nearest neighbour among the first `count` vectors stored end to end
 * in `history`. This runs on every request over a window of up to thousands of vectors: one contiguous
 * array, eight lanes at a time, and a candidate is dropped as soon as its partial sum passes the best so
 * far (checked every eight dimensions, not on every one).
 */
export function nearest(history: Float64Array, count: number, vec: Float64Array): number {
  let min = Number.POSITIVE_INFINITY;
  const n = vec.length;
  const blocks = n - (n % 8);
  for (let k = 0, base = 0; k < count; k++, base += n) {
    let d = 0;
    let i = 0;
    for (; i < blocks && d < min; i += 8) {
      const o = base + i;
      const a = vec[i]! - history[o]!;
      const b = vec[i + 1]! - history[o + 1]!;
      const c = vec[i + 2]! - history[o + 2]!;
      const e = vec[i + 3]! - history[o + 3]!;
      const f = vec[i + 4]! - history[o + 4]!;
      const g = vec[i + 5]! - history[o + 5]!;
      const x = vec[i + 6]! - history[o + 6]!;
      const y = vec[i + 7]! - history[o + 7]!;
      d += a * a + b * b + c * c + e * e + f * f + g * g + x * x + y * y;
    }
    if (d >= min) continue;
    for (; i < n; i++) {
      const a = vec[i]! - history[base + i]!;
      d += a * a;
    }
    if (d < min) min = d;
  }
  return min;
}

/** Mean over dimensions of the share of bins hit and the normalised entropy of the bin counts. */
function spread(bins: Uint32Array): { coverage: number; entropy: number } {
  const dims = bins.length / BINS;
  let cov = 0;
  let ent = 0;
  for (let d = 0; d < dims; d++) {
    let total = 0;
    let hit = 0;
    for (let b = 0; b < BINS; b++) {
      const c = bins[d * BINS + b]!;
      total += c;
      if (c > 0) hit++;
    }
    let h = 0;
    for (let b = 0; b < BINS; b++) {
      const c = bins[d * BINS + b]!;
      if (c > 0) h -= (c / total) * Math.log(c / total);
    }
    cov += hit / BINS;
    ent += h / Math.log(BINS);
  }
  return { coverage: cov / dims, entropy: ent / dims };
}

/** ASCII letters and digits → the code unit hashed (letters folded to lower case); anything else → 0. */
const WORD_ASCII = (() => {
  const t = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) t[c] = c;
  for (let c = 97; c <= 122; c++) t[c] = c;
  for (let c = 65; c <= 90; c++) t[c] = c + 32;
  return t;
})();

/**
 * A text as a unit vector of hashed word unigrams and bigrams (for LLM routes' distance test). One pass
 * over the characters with no intermediate strings: it runs for every request.
 */
const MAX_CHARS = 20_000;
// Code units read from a typed array, not charCodeAt (see guard/codes.ts): 5.2 → 2.7 µs per 1 KB prompt.
const units = new CodeUnits();

export function textVector(text: string, dims = 64): Float64Array {
  const v = new Float64Array(dims);
  const n = Math.min(text.length, MAX_CHARS);
  const codes = units.load(n < text.length ? text.slice(0, n) : text);
  // Hashes stay int32 (FNV's offset basis written as its int32 bits) and buckets come from a mask when
  // `dims` is a power of two: the same buckets as the unsigned arithmetic, without the double-precision
  // modulo that unsigned values above 2^31 would cost on every word.
  const FNV = -2128831035;
  const mask = (dims & (dims - 1)) === 0 ? dims - 1 : -1;
  const bucket = (x: number) => (mask >= 0 ? x & mask : (x >>> 0) % dims);
  let h = FNV;
  let inWord = false;
  let prev = 0;
  let hasPrev = false;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? codes[i]! : 32;
    // Letters and digits (ASCII, folded to lower case), and any non-ASCII code unit except the general
    // punctuation block.
    const f = c < 128 ? WORD_ASCII[c]! : c >= 0xc0 && (c < 0x2000 || c > 0x206f) ? c : 0;
    if (f !== 0) {
      h = Math.imul(h ^ f, 16777619);
      inWord = true;
    } else if (inWord) {
      v[bucket(h)]! += 1;
      if (hasPrev) v[bucket(Math.imul(prev ^ h, -1640531535))]! += 0.5;
      prev = h;
      hasPrev = true;
      h = FNV;
      inWord = false;
    }
  }
  let norm = 0;
  for (let i = 0; i < dims; i++) norm += v[i]! * v[i]!;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dims; i++) v[i]! /= norm;
  return v;
}
