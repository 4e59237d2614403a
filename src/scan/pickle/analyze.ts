import { ScanContext } from '../context.ts';
import {
  type BuildRec,
  type CallRec,
  calleeName,
  type GlobalRef,
  type PickleOptions,
  type PickleResult,
  renderVal,
  runPickle,
  type Val,
} from './machine.ts';

export interface PickleScanOptions {
  member?: string;
  /** Offset of `data[0]` within the reported member, for findings. */
  baseOffset?: number;
  stopAfter?: number;
  /** Scan nested loaders' inner bytes (torch.storage._load_from_bytes); depth guards recursion. */
  depth?: number;
}

const JOBLIB_WRAPPERS = new Set([
  'joblib.numpy_pickle.NumpyArrayWrapper',
  'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper',
]);

function str(v: Val | undefined): string | undefined {
  return v?.t === 'str' ? v.v : undefined;
}
function int(v: Val | undefined): number | undefined {
  return v?.t === 'int' ? Number(v.v) : v?.t === 'bool' ? Number(v.v) : undefined;
}
function dictGet(d: Val, key: string): Val | undefined {
  if (d.t !== 'dict') return undefined;
  for (const [k, v] of d.entries) if (k.t === 'str' && k.v === key) return v;
  return undefined;
}
function globalName(v: Val): string | undefined {
  return v.t === 'global' ? `${v.ref.module}.${v.ref.name}` : undefined;
}

/** Item size of a NumPy dtype as pickled: `numpy.dtype('f8', …)` plus its BUILD state. */
function dtypeInfo(
  d: Val | undefined,
  builds: BuildRec[],
): { object: boolean; itemsize: number } | undefined {
  if (d?.t !== 'obj') return undefined;
  const spec = d.call.args.t === 'tuple' ? str(d.call.args.items[0]) : undefined;
  if (spec === undefined) return undefined;
  const m = /^([?bBhHiIlLqQpPefdgFDGSUVOMmc]|[biufcmMOSUV])(\d*)/.exec(spec);
  if (!m) return undefined;
  const kind = m[1]!;
  if (kind === 'O') return { object: true, itemsize: 8 };
  let size = m[2] ? Number(m[2]) : kind === '?' || kind === 'b' ? 1 : 0;
  if (kind === 'U') size *= 4;
  // Structured and flexible dtypes carry the element size in the BUILD state (index 5).
  const state = builds.find((b) => b.target === d)?.state;
  if (state?.t === 'tuple') {
    const fields = state.items[4];
    if (fields && fields.t === 'dict' && fields.entries.length > 0) {
      // Fields may hold objects: be conservative and treat as object when any field is 'O'.
      for (const [, v] of fields.entries)
        if (v.t === 'tuple' && v.items[0]?.t === 'obj' && dtypeInfo(v.items[0], builds)?.object)
          return { object: true, itemsize: 0 };
    }
    const elsize = int(state.items[5]);
    if (elsize !== undefined && elsize > 0 && (size === 0 || kind === 'V')) size = elsize;
  }
  return size > 0 ? { object: false, itemsize: size } : undefined;
}

/** joblib writes array bytes (or a nested pickle for object arrays) right after the wrapper's BUILD. */
function joblibAfterBuild(builds: BuildRec[]): PickleOptions['afterBuild'] {
  return (b, pos, data) => {
    const t = b.target;
    if (t.t !== 'obj' || !JOBLIB_WRAPPERS.has(globalName(t.call.callee) ?? '')) return undefined;
    const dt = dtypeInfo(dictGet(b.state, 'dtype'), builds);
    if (!dt) return undefined;
    if (dt.object) return { nestedPickle: true };
    const shape = dictGet(b.state, 'shape');
    if (shape?.t !== 'tuple') return undefined;
    let n = dt.itemsize;
    for (const s of shape.items) {
      const x = int(s);
      if (x === undefined || x < 0) return undefined;
      n *= x;
    }
    const align = dictGet(b.state, 'numpy_array_alignment_bytes');
    if (align && align.t !== 'none') {
      const pad = data[pos];
      if (pad === undefined) return undefined;
      return { skip: 1 + pad + n };
    }
    return { skip: n };
  };
}

function stringsIn(v: Val, out: string[], depth = 0): void {
  if (out.length > 50 || depth > 4) return;
  if (v.t === 'str') out.push(v.v);
  else if (v.t === 'bytes' && v.v.length < 4096) out.push(Buffer.from(v.v).toString('latin1'));
  else if (v.t === 'tuple' || v.t === 'list' || v.t === 'set')
    for (const x of v.items) stringsIn(x, out, depth + 1);
  else if (v.t === 'dict')
    for (const [k, x] of v.entries) {
      stringsIn(k, out, depth + 1);
      stringsIn(x, out, depth + 1);
    }
}

/** Rules whose findings from the plain-pickle reading are worth reporting (not parse noise). */
const PLAIN_RULES = new Set([
  'scan.pickle.dangerous-callable',
  'scan.pickle.dynamic-global',
  'scan.pickle.unsafe-global',
  'scan.pickle.extension-opcode',
  'scan.pickle.attribute-overwrite',
  'scan.pickle.suspicious-argument',
]);

/**
 * joblib steps over array bytes after a NumpyArrayWrapper; pickle.load does not. A file can be made
 * to mean different things to the two loaders, so the plain reading is scanned too and its code
 * findings are added (parse errors of that reading are expected on real array bytes and dropped).
 */
function plainReading(ctx: ScanContext, data: Uint8Array, opts: PickleScanOptions): void {
  const scratch = new ScanContext(ctx.path, ctx.policy, ctx.limits);
  scanPickleStream(scratch, data, { ...opts, plain: true });
  const have = new Set(ctx.findings.map((f) => `${f.ruleId}:${String(f.evidence.callable ?? '')}`));
  for (const f of scratch.findings) {
    const key = `${f.ruleId}:${String(f.evidence.callable ?? '')}`;
    if (!PLAIN_RULES.has(f.ruleId) || have.has(key)) continue;
    have.add(key);
    ctx.findings.push({ ...f, title: `${f.title} (when read by pickle.load rather than joblib)` });
  }
}

const DUNDER_STATE =
  /^__(dict|class|globals|builtins|code|reduce|reduce_ex|setstate|getattr|getattribute|setattr|init|new|call|import|loader|spec|subclasses|bases|mro)__$/;

/**
 * Runs the symbolic machine over one pickle stream and turns what it saw into findings under the
 * policy. Returns the machine's result (callers use the first pickle's value for format checks).
 */
export function scanPickleStream(
  ctx: ScanContext,
  data: Uint8Array,
  opts: PickleScanOptions & {
    onNested?: (bytes: Uint8Array, member: string, offset: number) => void;
    plain?: boolean;
  } = {},
): PickleResult {
  const builds: BuildRec[] = [];
  const base = opts.baseOffset ?? 0;
  const member = opts.member;
  const afterBuild = joblibAfterBuild(builds);
  let joblibSkipped = false;
  const res = runPickle(data, 0, {
    ...(opts.stopAfter !== undefined ? { stopAfter: opts.stopAfter } : {}),
    limits: { deadlineMs: Math.max(1, ctx.deadline - Date.now()) },
    afterBuild: (b, pos, d) => {
      builds.push(b);
      if (opts.plain) return undefined;
      const r = afterBuild?.(b, pos, d);
      if (r) joblibSkipped = true;
      return r;
    },
  });
  ctx.formats.add('pickle');
  if (joblibSkipped) plainReading(ctx, data, opts);

  const firstCall = new Map<GlobalRef, CallRec>();
  for (const c of res.calls)
    if (c.callee.t === 'global' && !firstCall.has(c.callee.ref)) firstCall.set(c.callee.ref, c);

  const seen = new Set<string>();
  const allowedRefs = new Set<GlobalRef>();
  for (const g of res.globals) {
    const call = firstCall.get(g);
    const key = `${g.literal}:${g.module}.${g.name}`;
    // Rendered only for a finding: most globals are allowlisted and their call arguments go unused.
    const evidenceOf = (): Record<string, unknown> => ({
      callable: `${g.module}.${g.name}`,
      opcode: g.op,
      ...(call
        ? {
            call: call.op,
            args: renderVal(call.args),
            ...(call.kwargs ? { kwargs: renderVal(call.kwargs) } : {}),
          }
        : {}),
      ...(g.anomaly ? { anomaly: g.anomaly } : {}),
    });
    if (g.anomaly && g.literal)
      ctx.add('scan.pickle.name-anomaly', {
        member,
        offset: base + g.offset,
        title: `Pickle global name is malformed (${g.anomaly}): ${g.module}.${g.name}`,
        evidence: evidenceOf(),
      });
    if (!g.literal) {
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.add('scan.pickle.dynamic-global', {
        member,
        offset: base + g.offset,
        title: `Pickle resolves a global computed at run time (${g.module} / ${g.name})`,
        evidence: evidenceOf(),
      });
      continue;
    }
    const v = ctx.policy.classify(g.module, g.name);
    if (v.kind === 'allow') {
      allowedRefs.add(g);
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    if (v.kind === 'dangerous') {
      ctx.add('scan.pickle.dangerous-callable', {
        member,
        offset: base + g.offset,
        title: `Pickle ${call ? 'calls' : 'references'} ${v.canonical}${v.viaAlias ? ` (resolves to ${v.matched})` : ''}`,
        evidence: {
          ...evidenceOf(),
          category: v.category,
          matched: v.matched,
          policy: `${ctx.policy.name}@${ctx.policy.version}`,
        },
      });
    } else if (v.kind === 'sensitive') {
      ctx.add('scan.pickle.unsafe-global', {
        member,
        offset: base + g.offset,
        title: `Pickle ${call ? 'calls' : 'references'} ${v.canonical} (not allowlisted: ${v.reason})`,
        evidence: evidenceOf(),
      });
    } else {
      ctx.add('scan.pickle.unknown-global', {
        member,
        offset: base + g.offset,
        title: `Pickle ${call ? 'calls' : 'references'} ${v.canonical} (not on the allowlist)`,
        evidence: evidenceOf(),
      });
    }
  }

  // Code or commands handed to any callable that is not allowlisted (or to a call result).
  let suspicious = 0;
  for (const c of res.calls) {
    if (suspicious >= 5) break;
    if (c.callee.t === 'global' && allowedRefs.has(c.callee.ref)) continue;
    const strings: string[] = [];
    stringsIn(c.args, strings);
    if (c.kwargs) stringsIn(c.kwargs, strings);
    for (const s of strings) {
      const why = ctx.policy.suspiciousArgument(s);
      if (why) {
        suspicious++;
        ctx.add('scan.pickle.suspicious-argument', {
          member,
          offset: base + c.offset,
          title: `Pickle passes ${JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s)} to ${calleeName(c.callee)}`,
          evidence: { callable: calleeName(c.callee), call: c.op, args: renderVal(c.args), pattern: why },
        });
        break;
      }
    }
  }

  // Nested loaders that are legitimate in benign files: inspect the inner bytes instead.
  for (const c of res.calls) {
    if (c.callee.t !== 'global' || !allowedRefs.has(c.callee.ref)) continue;
    const name = `${c.callee.ref.module}.${c.callee.ref.name}`;
    const nl = ctx.policy.nestedLoader(name);
    if (!nl) continue;
    const arg = c.args.t === 'tuple' ? c.args.items[nl.arg] : undefined;
    if (arg?.t === 'bytes' && opts.onNested)
      opts.onNested(arg.v, `${member ?? ''}#${name}@${base + c.offset}`, base + c.offset);
    else
      ctx.add('scan.pickle.dangerous-callable', {
        member,
        offset: base + c.offset,
        title: `Pickle calls ${name} with bytes that are not a literal`,
        evidence: { callable: name, call: c.op, args: renderVal(c.args), category: 'loader' },
      });
  }

  for (const b of builds.length ? builds : res.builds) {
    const t = b.target;
    let keys: string[] = [];
    const collect = (s: Val) => {
      if (s.t === 'dict') for (const [k] of s.entries) if (k.t === 'str') keys.push(k.v);
    };
    collect(b.state);
    if (b.state.t === 'tuple') for (const s of b.state.items) collect(s);
    const dunder = keys.filter((k) => DUNDER_STATE.test(k));
    if (t.t === 'global' || dunder.length > 0) {
      keys = keys.slice(0, 10);
      ctx.add('scan.pickle.attribute-overwrite', {
        member,
        offset: base + b.offset,
        title:
          t.t === 'global'
            ? `Pickle sets attributes on ${t.ref.module}.${t.ref.name} (BUILD on a module or class)`
            : `Pickle sets ${dunder.join(', ')} on an object`,
        evidence: { target: renderVal(t), attributes: keys },
      });
    }
  }

  const extSeen = new Set<number>();
  for (const e of res.exts) {
    if (extSeen.has(e.code)) continue;
    extSeen.add(e.code);
    ctx.add('scan.pickle.extension-opcode', {
      member,
      offset: base + e.offset,
      title: `Pickle uses extension code ${e.code} (copyreg registry)`,
      evidence: { code: e.code },
    });
  }

  let malformed = 0;
  for (const is of res.issues) {
    if (is.kind === 'limit')
      ctx.add('scan.file.limit-reached', {
        member,
        offset: base + is.offset,
        title: `Pickle scan stopped: ${is.message}`,
      });
    else if (is.kind === 'trailing')
      ctx.add('scan.pickle.trailing-data', {
        member,
        offset: base + is.offset,
        title: `Data after the last pickle: ${is.message}`,
      });
    else if (malformed++ < 3)
      ctx.add('scan.pickle.malformed', {
        member,
        offset: base + is.offset,
        title: `Pickle stream is malformed: ${is.message}`,
      });
  }
  return res;
}
