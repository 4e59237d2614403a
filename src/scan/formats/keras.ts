import type { ScanContext } from '../context.ts';
import type { Source } from '../source.ts';
import { type Hdf5Attributes, readRootAttributes } from './hdf5.ts';
import { ParseError } from './reader.ts';

const SAFE_MODULE =
  /^(keras|tf_keras|tensorflow\.keras|tensorflow\.python\.keras|keras_nlp|keras_hub|keras_cv)(\.|$)/;
/** Keras objects that load other files or code (CVE-2025-8747 get_file, CVE-2025-49655 TorchModuleWrapper). */
const GADGET_NAMES = /^(get_file|TorchModuleWrapper|load_model|load_weights|exec|eval|system|popen)$/;

export interface KerasStats {
  lambdas: number;
  layers: number;
}

/**
 * Walks a Keras model config (from `.keras` config.json or the HDF5 `model_config` attribute) for
 * Lambda layers, module references outside Keras, known gadgets and safe-mode switches.
 */
export function analyzeKerasConfig(
  ctx: ScanContext,
  json: unknown,
  member: string | undefined,
  offset?: number,
): KerasStats {
  const stats: KerasStats = { lambdas: 0, layers: 0 };
  const at = offset !== undefined ? { offset } : {};
  let budget = 200_000;
  const visit = (v: unknown, path: string, depth: number): void => {
    if (budget-- <= 0 || depth > 200) return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) visit(v[i], `${path}[${i}]`, depth + 1);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const cls = typeof o.class_name === 'string' ? o.class_name : undefined;
    const cfg = o.config as Record<string, unknown> | undefined;
    if (cls) stats.layers++;
    if (cls === 'Lambda' || cls === '__lambda__') {
      stats.lambdas++;
      const fn = cfg && typeof cfg === 'object' ? (cfg.function ?? cfg.code) : (o.function ?? o.code);
      ctx.add('scan.keras.lambda-layer', {
        member,
        ...at,
        title: `Keras Lambda layer ${JSON.stringify((cfg as { name?: unknown } | undefined)?.name ?? path)} carries serialized code`,
        evidence: { path, function: JSON.stringify(fn ?? null).slice(0, 200) },
      });
    }
    const mod = typeof o.module === 'string' ? o.module : undefined;
    if (mod !== undefined && cls !== undefined && !SAFE_MODULE.test(mod))
      ctx.add('scan.keras.unsafe-reference', {
        member,
        ...at,
        title: `Keras config references ${mod}.${typeof o.config === 'string' ? o.config : cls}`,
        evidence: { path, module: mod, class_name: cls, registered_name: o.registered_name ?? null },
      });
    const named = [
      cls,
      typeof o.registered_name === 'string' ? o.registered_name : undefined,
      typeof o.config === 'string' ? o.config : undefined,
    ];
    for (const n of named)
      if (n && GADGET_NAMES.test(n.split('>').pop()!))
        ctx.add('scan.keras.unsafe-reference', {
          member,
          ...at,
          title: `Keras config uses ${n}, which loads files or code on deserialization`,
          evidence: { path, name: n, module: mod ?? null },
        });
    for (const [k, x] of Object.entries(o)) {
      if ((k === 'safe_mode' && x === false) || k === 'enable_unsafe_deserialization')
        ctx.add('scan.keras.unsafe-reference', {
          member,
          ...at,
          title: `Keras config turns safe mode off (${k})`,
          evidence: { path: `${path}.${k}`, value: x as never },
        });
      visit(x, `${path}.${k}`, depth + 1);
    }
  };
  visit(json, '$', 0);
  return stats;
}

/** Hydra `_target_` (NeMo configs): a dotted callable instantiated on load. */
const SAFE_TARGET =
  /^(nemo|torch\.nn|torch\.optim|torch\.utils\.data\.(DataLoader|Dataset)|omegaconf|transformers\.(AutoConfig|AutoTokenizer|AutoModel)|megatron)\./;

export function analyzeTargets(ctx: ScanContext, text: string, member: string | undefined): void {
  const re = /["']?_target_["']?\s*[:=]\s*["']?([\w.:]+)/g;
  let n = 0;
  for (const m of text.matchAll(re)) {
    if (n >= 50) break;
    const target = m[1]!;
    if (SAFE_TARGET.test(target)) continue;
    n++;
    const classified = ctx.policy.classify(
      target.split('.').slice(0, -1).join('.') || target,
      target.split('.').pop() ?? target,
    );
    ctx.add('scan.config.unsafe-target', {
      member,
      offset: m.index,
      ...(classified.kind === 'dangerous' ? { severity: 'critical' as const } : {}),
      title: `Config instantiates ${target} through _target_`,
      evidence: { target, verdict: classified.kind },
    });
  }
}

/**
 * skops `schema.json` (and similar JSON object graphs): `__module__` + `__class__` pairs are imported
 * and instantiated on load, so each is judged by the pickle policy (CVE-2025-54412/54413/54886).
 */
export function analyzeSerializedObjects(ctx: ScanContext, json: unknown, member: string | undefined): void {
  let budget = 100_000;
  const seen = new Set<string>();
  const visit = (v: unknown, depth: number): void => {
    if (budget-- <= 0 || depth > 200 || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.__module__ === 'string' && typeof o.__class__ === 'string') {
      const verdict = ctx.policy.classify(o.__module__, o.__class__);
      const key = `${o.__module__}.${o.__class__}`;
      if (verdict.kind !== 'allow' && !seen.has(key)) {
        seen.add(key);
        ctx.add(
          verdict.kind === 'dangerous'
            ? 'scan.pickle.dangerous-callable'
            : verdict.kind === 'sensitive'
              ? 'scan.pickle.unsafe-global'
              : 'scan.pickle.unknown-global',
          {
            member,
            title: `Serialized object graph instantiates ${key}`,
            evidence: { callable: key, loader: o.__loader__ ?? null, verdict: verdict.kind },
          },
        );
      }
    }
    for (const x of Object.values(o)) visit(x, depth + 1);
  };
  visit(json, 0);
}

const MARKER = Buffer.from('{"class_name"');

/** Reads a balanced JSON object starting at `off`, string-aware, at most `max` bytes. */
function balancedJson(src: Source, off: number, max: number): string | undefined {
  const chunk = 1 << 20;
  let depth = 0;
  let inStr = false;
  let esc = false;
  const parts: Buffer[] = [];
  for (let p = off; p < Math.min(src.size, off + max); p += chunk) {
    const b = Buffer.from(src.read(p, chunk));
    for (let i = 0; i < b.length; i++) {
      const ch = b[i]!;
      if (inStr) {
        if (esc) esc = false;
        else if (ch === 0x5c) esc = true;
        else if (ch === 0x22) inStr = false;
      } else if (ch === 0x22) inStr = true;
      else if (ch === 0x7b) depth++;
      else if (ch === 0x7d && --depth === 0) {
        parts.push(b.subarray(0, i + 1));
        return Buffer.concat(parts).toString('utf8');
      } else if (ch === 0) return undefined;
    }
    parts.push(b);
  }
  return undefined;
}

/**
 * Keras HDF5 (`.h5`): the model config lives in JSON attributes (`model_config`, `training_config`)
 * of the root group. They are read structurally (superblock → root object header → attribute
 * messages, or dense storage: fractal heap and v2 B-tree → global heap); when the structure cannot
 * be followed, the file is searched in bounded windows for JSON values instead (HDF5 stores
 * attribute values contiguously). Tensor datasets are never read into memory.
 */
export function scanHdf5(ctx: ScanContext, src: Source, member?: string): void {
  ctx.formats.add('hdf5');
  ctx.recognised = true;
  let structural: Hdf5Attributes | undefined;
  try {
    structural = readRootAttributes(src);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    ctx.add('scan.file.unparseable', {
      member,
      offset: e.offset,
      severity: 'medium',
      title: `HDF5 structure could not be followed (${e.message}); its bytes were searched instead`,
    });
  }
  if (structural) {
    let found = false;
    for (const [name, value] of structural.attrs) {
      if (!value.trimStart().startsWith('{')) continue;
      try {
        const json: unknown = JSON.parse(value);
        found = true;
        ctx.formats.add('keras-h5');
        analyzeKerasConfig(ctx, json, member ? `${member}#${name}` : `#${name}`);
        analyzeTargets(ctx, value, member);
      } catch {
        ctx.add('scan.file.unparseable', {
          member,
          severity: 'medium',
          title: `HDF5 attribute ${name} is not valid JSON`,
        });
      }
    }
    if (found) return;
  }
  searchJson(ctx, src, member);
}

/**
 * Searches bytes for embedded Keras JSON configs (HDF5 attributes, `keras_metadata.pb` in a SavedModel)
 * and analyses each; returns how many were found.
 */
export function searchJson(
  ctx: ScanContext,
  src: Source,
  member: string | undefined,
  format = 'keras-h5',
): number {
  let found = 0;
  const window = 4 << 20;
  // Each candidate may read ahead; cap candidates so crafted input cannot make the search quadratic.
  let candidates = 0;
  for (let p = 0; p < src.size; p += window - MARKER.length) {
    if (!ctx.timeLeft(member ?? '')) return found;
    const b = Buffer.from(src.read(p, window));
    let i = b.indexOf(MARKER);
    while (i >= 0) {
      if (++candidates > 1000) {
        ctx.add('scan.file.limit-reached', {
          member,
          offset: p + i,
          title: 'JSON config search stopped after 1000 candidates',
        });
        return found;
      }
      const text = balancedJson(src, p + i, Math.min(ctx.limits.maxHeaderBytes, 16 << 20));
      if (text) {
        try {
          const json: unknown = JSON.parse(text);
          found++;
          ctx.formats.add(format);
          analyzeKerasConfig(ctx, json, member, p + i);
          analyzeTargets(ctx, text, member);
          i = b.indexOf(MARKER, i + text.length);
          continue;
        } catch {
          // Not JSON after all (binary that happens to match): keep searching.
        }
      }
      i = b.indexOf(MARKER, i + 1);
    }
    if (p + window >= src.size) break;
  }
  return found;
}
