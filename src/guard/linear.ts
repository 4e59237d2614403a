import { readFileSync } from 'node:fs';
import { z } from 'zod';
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
export const LinearModelFile = z.object({
  format: z.literal('bulwark-linear-v1'),
  id: z.string(),
  bits: z.number().int().min(10).max(24),
  bias: z.number(),
  scale: z.number().positive(),
  /** Default decision threshold chosen on the validation split. */
  threshold: z.number().min(0).max(1),
  weights: z.string(),
  trainedAt: z.string(),
  seed: z.number().int(),
  metrics: z.record(z.string(), z.unknown()).default({}),
  sources: z.array(z.string()).default([]),
});
export type LinearModelFile = z.infer<typeof LinearModelFile>;

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
    const parsed = LinearModelFile.safeParse(raw);
    if (!parsed.success) {
      throw new BulwarkError(
        'BW_ERR_VALIDATION',
        `${path}: not a bulwark linear model: ${parsed.error.issues[0]?.message}`,
      );
    }
    m = fromFile(parsed.data);
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
