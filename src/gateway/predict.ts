import { ValidationError } from '../core/index.ts';
import type { InputSchema } from './config.ts';
import type { Profile } from './profile.ts';
import { chiSquareCdf } from './stats.ts';

export type Instance = Record<string, unknown>;

/**
 * Accepts `{ "instances": [ {...}, … ] }` or `{ "inputs": {...} }` and checks every field against the
 * route's schema (types, ranges, categories). Errors name the field: `instances[2].age`.
 */
export function validateInstances(
  body: unknown,
  schema: InputSchema,
): { instances: Instance[]; field: string } {
  const b = body as { instances?: unknown; inputs?: unknown } | null;
  let list: unknown[];
  let field: string;
  if (b && Array.isArray(b.instances)) {
    list = b.instances;
    field = 'instances';
  } else if (b?.inputs && typeof b.inputs === 'object' && !Array.isArray(b.inputs)) {
    list = [b.inputs];
    field = 'inputs';
  } else throw new ValidationError('body', 'expected {"instances": [...]} or {"inputs": {...}}');
  if (list.length === 0) throw new ValidationError(field, 'no instances');
  if (list.length > schema.maxInstances)
    throw new ValidationError(field, `more than ${schema.maxInstances} instances`);
  list.forEach((inst, i) => {
    const at = field === 'inputs' ? 'inputs' : `instances[${i}]`;
    if (!inst || typeof inst !== 'object' || Array.isArray(inst))
      throw new ValidationError(at, 'expected an object');
    const rec = inst as Instance;
    for (const [name, f] of Object.entries(schema.features)) {
      const v = rec[name];
      const where = `${at}.${name}`;
      if (v === undefined || v === null) throw new ValidationError(where, 'required');
      if (f.type === 'number') {
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new ValidationError(where, 'expected a finite number');
        if (f.integer && !Number.isInteger(v)) throw new ValidationError(where, 'expected an integer');
        if (f.min !== undefined && v < f.min) throw new ValidationError(where, `below the minimum ${f.min}`);
        if (f.max !== undefined && v > f.max) throw new ValidationError(where, `above the maximum ${f.max}`);
      } else if (f.type === 'category') {
        if (typeof v !== 'string' || !f.values.includes(v))
          throw new ValidationError(
            where,
            `expected one of ${f.values.map((x) => JSON.stringify(x)).join(', ')}`,
          );
      } else if (typeof v !== 'boolean') throw new ValidationError(where, 'expected true or false');
    }
    if (schema.strict) {
      for (const k of Object.keys(rec))
        if (!(k in schema.features)) throw new ValidationError(`${at}.${k}`, 'unknown field');
    }
  });
  return { instances: list as Instance[], field };
}

export interface OodResult {
  /** 0..1: the chi-square CDF of the diagonal Mahalanobis distance, or 1 for an unseen category. */
  score: number;
  /** Features that contributed most (|z| ≥ 3, unseen categories). */
  reasons: { feature: string; z?: number; unseen?: string }[];
  /** z-scores of the numeric features (the vector the extraction monitor measures distances on). */
  vector: Float64Array;
  /** Equal-width bin (0..9) of each numeric feature over the profile's range. */
  bins: number[];
}

/** Scores one instance against the reference profile. */
export function createOodScorer(profile: Profile) {
  const numeric = Object.entries(profile.features).filter(
    (e): e is [string, Extract<Profile['features'][string], { type: 'number' }>] => e[1].type === 'number',
  );
  const categorical = Object.entries(profile.features).filter(
    (e): e is [string, Extract<Profile['features'][string], { type: 'category' }>] =>
      e[1].type === 'category',
  );
  return (inst: Instance): OodResult => {
    const vector = new Float64Array(numeric.length);
    const bins: number[] = [];
    const reasons: OodResult['reasons'] = [];
    let d2 = 0;
    let k = 0;
    numeric.forEach(([name, f], i) => {
      const v = Number(inst[name]);
      if (!Number.isFinite(v)) return;
      const z = f.std > 0 ? (v - f.mean) / f.std : v === f.mean ? 0 : 10;
      vector[i] = z;
      d2 += z * z;
      k++;
      if (Math.abs(z) >= 3) reasons.push({ feature: name, z: Math.round(z * 100) / 100 });
      const span = f.max - f.min;
      bins.push(span > 0 ? Math.floor(((v - f.min) / span) * 10) : 5);
    });
    let score = k > 0 ? chiSquareCdf(d2, k) : 0;
    for (const [name, f] of categorical) {
      const v = inst[name];
      if (v === undefined || v === null) continue;
      const s = String(v);
      if (!(s in f.counts)) {
        reasons.push({ feature: name, unseen: s.slice(0, 64) });
        score = 1;
      }
    }
    return { score, reasons, vector, bins };
  };
}

export interface Hardening {
  field: string;
  round?: number | undefined;
  topK?: number | undefined;
  labelOnly: boolean;
}

/**
 * Hardens a prediction response against extraction and inversion: rounds probabilities, keeps the top
 * k, or replaces them with the label alone. Handles the field at the top level and in each item of
 * `predictions`; accepts {label: p}, [p, …] and [{label, score}] shapes.
 */
export function hardenOutput(body: unknown, h: Hardening): unknown {
  if (!body || typeof body !== 'object') return body;
  const obj = body as Record<string, unknown>;
  const out: Record<string, unknown> = { ...obj };
  if (h.field in obj) Object.assign(out, hardenOne(obj, h));
  if (Array.isArray(obj.predictions))
    out.predictions = obj.predictions.map((p) =>
      p && typeof p === 'object' && h.field in p
        ? { ...p, ...hardenOne(p as Record<string, unknown>, h) }
        : p,
    );
  return out;
}

function hardenOne(item: Record<string, unknown>, h: Hardening): Record<string, unknown> {
  const raw = item[h.field];
  let pairs: [string, number][];
  let shape: 'map' | 'array' | 'objects';
  if (Array.isArray(raw) && raw.every((x) => typeof x === 'number')) {
    pairs = (raw as number[]).map((p, i) => [String(i), p]);
    shape = 'array';
  } else if (Array.isArray(raw)) {
    pairs = raw
      .filter((x): x is { label: unknown; score: unknown } => Boolean(x) && typeof x === 'object')
      .map((x) => [String(x.label), Number(x.score)]);
    shape = 'objects';
  } else if (raw && typeof raw === 'object') {
    pairs = Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, Number(v)]);
    shape = 'map';
  } else return {};
  pairs.sort((a, b) => b[1] - a[1]);
  if (h.labelOnly) {
    const { [h.field]: _drop, ...rest } = item;
    return { ...rest, [h.field]: undefined, label: pairs[0]?.[0] ?? null };
  }
  if (h.topK !== undefined) pairs = pairs.slice(0, h.topK);
  if (h.round !== undefined) {
    const f = 10 ** h.round;
    pairs = pairs.map(([l, p]) => [l, Math.round(p * f) / f]);
  }
  const value =
    shape === 'map'
      ? Object.fromEntries(pairs)
      : shape === 'objects'
        ? pairs.map(([label, score]) => ({ label, score }))
        : h.topK !== undefined
          ? pairs.map(([label, score]) => ({ label: Number(label), score }))
          : pairs.sort((a, b) => Number(a[0]) - Number(b[0])).map(([, p]) => p);
  return { [h.field]: value };
}
