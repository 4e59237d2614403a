import { createReadStream, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import { ParseLimitError } from '../core/index.ts';
import { createCsvReader, sniffDelimiter, TABLE_LIMITS, TableError, type TableLimits } from './csv.ts';

const NumericFeature = z.object({
  type: z.literal('number'),
  count: z.number(),
  missing: z.number(),
  mean: z.number(),
  std: z.number(),
  min: z.number(),
  max: z.number(),
  /** 1st, 5th, 25th, 50th, 75th, 95th and 99th percentiles. */
  quantiles: z.array(z.number()).length(7),
});
const CategoryFeature = z.object({
  type: z.literal('category'),
  count: z.number(),
  missing: z.number(),
  counts: z.record(z.string(), z.number()),
});
export const Profile = z.object({
  version: z.literal(1),
  source: z.object({ file: z.string(), sha256: z.string(), rows: z.number() }),
  features: z.record(z.string(), z.discriminatedUnion('type', [NumericFeature, CategoryFeature])),
});
export type Profile = z.infer<typeof Profile>;

const MAX_CATEGORIES = 1000;
/** Spellings of a missing value in exported datasets (R's NA, pandas' NaN, UCI's ?). */
const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '?']);
const RESERVOIR = 10_000;
const Q = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

interface Column {
  count: number;
  missing: number;
  numeric: boolean;
  mean: number;
  m2: number;
  min: number;
  max: number;
  sample: number[];
  seen: number;
  counts: Map<string, number> | undefined;
}

/** Accumulates one pass over rows into a reference profile (Welford moments, reservoir quantiles). */
export function createProfileBuilder() {
  const cols = new Map<string, Column>();
  let rows = 0;
  let rng = 0x9e3779b9;
  const rand = () => {
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    return (rng >>> 0) / 4294967296;
  };
  function col(name: string): Column {
    let c = cols.get(name);
    if (!c) {
      if (cols.size >= TABLE_LIMITS.maxColumns)
        throw new ParseLimitError(`more than ${TABLE_LIMITS.maxColumns} features`);
      c = {
        count: 0,
        missing: 0,
        numeric: true,
        mean: 0,
        m2: 0,
        min: Infinity,
        max: -Infinity,
        sample: [],
        seen: 0,
        counts: new Map(),
      };
      cols.set(name, c);
    }
    return c;
  }
  return {
    add(record: Record<string, unknown>): void {
      rows++;
      for (const [name, raw] of Object.entries(record)) {
        const c = col(name);
        if (raw === null || raw === undefined || (typeof raw === 'string' && MISSING.has(raw.trim()))) {
          c.missing++;
          continue;
        }
        c.count++;
        const s =
          typeof raw === 'string' ? raw.trim() : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
        const x =
          typeof raw === 'number'
            ? raw
            : typeof raw === 'boolean'
              ? Number.NaN
              : s === ''
                ? Number.NaN
                : Number(s);
        if (c.numeric && Number.isFinite(x)) {
          const d = x - c.mean;
          c.mean += d / c.count;
          c.m2 += d * (x - c.mean);
          if (x < c.min) c.min = x;
          if (x > c.max) c.max = x;
          c.seen++;
          if (c.sample.length < RESERVOIR) c.sample.push(x);
          else {
            const j = Math.floor(rand() * c.seen);
            if (j < RESERVOIR) c.sample[j] = x;
          }
        } else c.numeric = false;
        if (c.counts) {
          const key = s.slice(0, 200);
          c.counts.set(key, (c.counts.get(key) ?? 0) + 1);
          // Too many distinct values for a category: an identifier, free text or a numeric column.
          if (c.counts.size > MAX_CATEGORIES) c.counts = undefined;
        }
      }
    },
    build(source: { file: string; sha256: string }): Profile {
      const features: Profile['features'] = {};
      for (const [name, c] of cols) {
        if (c.count === 0) continue;
        if (c.numeric) {
          const sorted = [...c.sample].sort((a, b) => a - b);
          const q = Q.map((p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
          features[name] = {
            type: 'number',
            count: c.count,
            missing: c.missing,
            mean: c.mean,
            std: c.count > 1 ? Math.sqrt(c.m2 / (c.count - 1)) : 0,
            min: c.min,
            max: c.max,
            quantiles: q,
          };
        } else if (c.counts) {
          features[name] = {
            type: 'category',
            count: c.count,
            missing: c.missing,
            counts: Object.fromEntries(c.counts),
          };
        }
      }
      return { version: 1, source: { ...source, rows }, features };
    },
  };
}

/** Reads a CSV (header row) or JSONL dataset in one bounded streaming pass and profiles it. */
export async function profileDataset(
  path: string,
  limits: TableLimits & { maxBytes: number } = { ...TABLE_LIMITS, maxBytes: 8 * 1024 ** 3 },
): Promise<Profile> {
  const size = statSync(path).size;
  if (size > limits.maxBytes)
    throw new ParseLimitError(`${path}: ${size} bytes exceeds the limit of ${limits.maxBytes}`);
  const jsonl = /\.(jsonl|ndjson)$/i.test(path);
  const builder = createProfileBuilder();
  const hash = createHash('sha256');
  const decoder = new StringDecoder('utf8');
  const file = basename(path);
  if (jsonl) {
    let buf = '';
    let line = 0;
    const take = (l: string) => {
      line++;
      if (!l.trim()) return;
      let v: unknown;
      try {
        v = JSON.parse(l);
      } catch (e) {
        throw new TableError(file, line, `invalid JSON: ${(e as Error).message}`);
      }
      if (!v || typeof v !== 'object' || Array.isArray(v))
        throw new TableError(file, line, 'expected one JSON object per line');
      builder.add(v as Record<string, unknown>);
    };
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      buf += decoder.write(chunk as Buffer);
      let i = buf.indexOf('\n');
      while (i >= 0) {
        take(buf.slice(0, i));
        buf = buf.slice(i + 1);
        i = buf.indexOf('\n');
      }
      if (buf.length > limits.maxFieldBytes)
        throw new TableError(file, line + 1, `line longer than ${limits.maxFieldBytes} characters`, true);
    }
    take(buf + decoder.end());
  } else {
    let reader: ReturnType<typeof createCsvReader> | undefined;
    let header: string[] | undefined;
    const take = (recs: { line: number; fields: string[] }[]) => {
      for (const r of recs) {
        if (!header) {
          header = r.fields.map((h) => h.trim());
          if (new Set(header).size !== header.length)
            throw new TableError(file, r.line, 'duplicate column names in the header');
          continue;
        }
        if (r.fields.length !== header.length)
          throw new TableError(file, r.line, `expected ${header.length} fields, found ${r.fields.length}`);
        const rec: Record<string, string> = {};
        header.forEach((h, i) => {
          rec[h] = r.fields[i]!;
        });
        builder.add(rec);
      }
    };
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      const text = decoder.write(chunk as Buffer);
      reader ??= createCsvReader(file, limits, sniffDelimiter(text));
      take(reader.push(text));
    }
    reader ??= createCsvReader(file, limits);
    take(reader.push(decoder.end()));
    take(reader.end());
    if (!header) throw new TableError(file, 1, 'empty file: expected a header row');
  }
  return builder.build({ file, sha256: hash.digest('hex') });
}
