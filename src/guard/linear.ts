import { readFileSync } from 'node:fs';
import { BulwarkError } from '../core/index.ts';
import {
  consumeWeights,
  type HashState,
  newHashState,
  pendingWeights,
  resetHashState,
  type WeightSum,
  wordBucket,
} from './hashing.ts';

/** The committed weights file: int8-quantised weights over 2^bits hashed buckets. */
export interface LinearModelFile {
  format: 'bulwark-linear-v1';
  id: string;
  bits: number;
  bias: number;
  scale: number;
  /** Default decision threshold chosen on the validation split. */
  threshold: number;
  weights: string;
  trainedAt: string;
  seed: number;
  metrics: Record<string, unknown>;
  sources: string[];
}

/**
 * Checks a parsed weights file field by field and returns the first problem, or undefined. Plain code,
 * not a zod schema: every `bulwark check` and guard thread loads the committed models, and loading zod
 * for them alone would cost more than the models.
 */
export function modelFileProblem(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'expected an object';
  const f = raw as Record<string, unknown>;
  const num = (k: string, ok: (n: number) => boolean, what: string) =>
    typeof f[k] === 'number' && Number.isFinite(f[k]) && ok(f[k]) ? undefined : `${k}: expected ${what}`;
  if (f.format !== 'bulwark-linear-v1') return 'format: expected "bulwark-linear-v1"';
  for (const k of ['id', 'weights', 'trainedAt'])
    if (typeof f[k] !== 'string') return `${k}: expected a string`;
  const problem =
    num('bits', (n) => Number.isInteger(n) && n >= 10 && n <= 24, 'an integer from 10 to 24') ??
    num('bias', () => true, 'a number') ??
    num('scale', (n) => n > 0, 'a positive number') ??
    num('threshold', (n) => n >= 0 && n <= 1, 'a number from 0 to 1') ??
    num('seed', Number.isInteger, 'an integer');
  if (problem) return problem;
  if (
    f.metrics !== undefined &&
    (typeof f.metrics !== 'object' || f.metrics === null || Array.isArray(f.metrics))
  )
    return 'metrics: expected an object';
  if (f.sources !== undefined && !(Array.isArray(f.sources) && f.sources.every((x) => typeof x === 'string')))
    return 'sources: expected a list of strings';
  return undefined;
}

export interface LinearModel {
  id: string;
  mask: number;
  bias: number;
  /** The committed int8 weights, scored as they are: weight i is `q[i] * scale`. */
  q: Int8Array;
  scale: number;
  threshold: number;
}

export function fromFile(file: LinearModelFile): LinearModel {
  const q = new Int8Array(Buffer.from(file.weights, 'base64').buffer.slice(0));
  const dim = 1 << file.bits;
  if (q.length !== dim) {
    throw new BulwarkError(
      'BW_ERR_VALIDATION',
      `model ${file.id}: expected ${dim} weights, found ${q.length}`,
    );
  }
  return { id: file.id, mask: dim - 1, bias: file.bias, q, scale: file.scale, threshold: file.threshold };
}

/** Quantises float weights to int8 with one scale; a linear model loses almost nothing to it. */
export function toFile(
  model: { id: string; bits: number; bias: number; weights: Float32Array; threshold: number },
  meta: { trainedAt: string; seed: number; metrics: Record<string, unknown>; sources: string[] },
): LinearModelFile {
  let max = 0;
  for (const w of model.weights) max = Math.max(max, Math.abs(w));
  const scale = max > 0 ? max / 127 : 1;
  const q = new Int8Array(model.weights.length);
  for (let i = 0; i < q.length; i++) q[i] = Math.round(model.weights[i]! / scale);
  return {
    format: 'bulwark-linear-v1',
    id: model.id,
    bits: model.bits,
    bias: model.bias,
    scale,
    threshold: model.threshold,
    weights: Buffer.from(q.buffer).toString('base64'),
    ...meta,
  };
}

const cache = new Map<string, LinearModel>();

/** Loads (once per process) a committed model file. */
export function loadModel(path: string): LinearModel {
  let m = cache.get(path);
  if (!m) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new BulwarkError('BW_ERR_IO', `${path}: cannot read model (${(e as Error).message})`, {
        cause: e,
      });
    }
    const problem = modelFileProblem(raw);
    if (problem)
      throw new BulwarkError('BW_ERR_VALIDATION', `${path}: not a bulwark linear model: ${problem}`);
    m = fromFile(raw as LinearModelFile);
    cache.set(path, m);
  }
  return m;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Incremental scorer: the logit is additive over features, so each chunk costs only its own length. */
export class LinearScorer {
  readonly model: LinearModel;
  private state: HashState = newHashState();
  private readonly acc: WeightSum = { sum: 0, n: 0 };

  constructor(model: LinearModel) {
    this.model = model;
  }

  push(text: string): number {
    consumeWeights(this.state, text, this.model.mask, this.model.q, this.acc);
    return this.score();
  }

  score(): number {
    const m = this.model;
    const pend = pendingWeights(this.state, m.mask, m.q);
    const n = this.acc.n + pend.n;
    if (n === 0) return sigmoid(m.bias);
    return sigmoid(m.bias + ((this.acc.sum + pend.sum) * m.scale) / Math.sqrt(n));
  }
}

const scratchState = newHashState();
const scratchAcc: WeightSum = { sum: 0, n: 0 };

/** Probability that `text` belongs to the model's positive class. */
export function scoreText(model: LinearModel, text: string): number {
  // One shared state for whole texts (synchronous, never re-entered): no allocation per call.
  const st = scratchState;
  resetHashState(st);
  scratchAcc.sum = 0;
  scratchAcc.n = 0;
  consumeWeights(st, text, model.mask, model.q, scratchAcc);
  const pend = pendingWeights(st, model.mask, model.q);
  const n = scratchAcc.n + pend.n;
  if (n === 0) return sigmoid(model.bias);
  return sigmoid(model.bias + ((scratchAcc.sum + pend.sum) * model.scale) / Math.sqrt(n));
}

/** The words and word pairs that pushed the score up most, for explanations. */
export function topWords(model: LinearModel, text: string, k = 5): { term: string; weight: number }[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const seen = new Map<string, number>();
  for (let i = 0; i < words.length && i < 2000; i++) {
    const w = words[i]!;
    seen.set(w, model.q[wordBucket([w], model.mask)]! * model.scale);
    if (i > 0) {
      const pair = `${words[i - 1]} ${w}`;
      seen.set(pair, model.q[wordBucket([words[i - 1]!, w], model.mask)]! * model.scale);
    }
  }
  return [...seen.entries()]
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([term, weight]) => ({ term, weight: Math.round(weight * 1000) / 1000 }));
}
