/**
 * A symbolic pickle machine: it walks every opcode of protocols 0–5 the way CPython's unpickler
 * does, but builds symbolic values instead of objects, so nothing is imported or called. It records
 * every global the stream resolves, every call (REDUCE, NEWOBJ, NEWOBJ_EX, INST, OBJ) and every
 * BUILD, with byte offsets. Values are shared by reference (DUP/GET never copy), so memo tricks
 * cannot blow up memory; ops, memo entries and container sizes are capped.
 */

export type Val =
  | { t: 'none' }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'str'; v: string; invalid?: boolean }
  | { t: 'bytes'; v: Uint8Array }
  | { t: 'tuple'; items: Val[] }
  | { t: 'list'; items: Val[]; len: number }
  | { t: 'dict'; entries: [Val, Val][]; len: number }
  | { t: 'set'; items: Val[]; len: number }
  | { t: 'global'; ref: GlobalRef }
  | { t: 'obj'; call: CallRec }
  | { t: 'persid'; pid: Val }
  | { t: 'ext'; code: number }
  | { t: 'unknown'; why: string };

export interface GlobalRef {
  /** Module and attribute path as the stream gave them (after Python 2 name mapping). */
  module: string;
  name: string;
  /** False when the operands were not string literals (computed at run time, wrong type). */
  literal: boolean;
  op: string;
  offset: number;
  /** Protocol in force when resolved: dotted attribute paths resolve at protocol >= 4. */
  proto: number;
  /** Set when the names needed repair (bad UTF-8, unusual line terminators). */
  anomaly?: string;
}

export interface CallRec {
  callee: Val;
  args: Val;
  kwargs?: Val;
  op: string;
  offset: number;
}

export interface BuildRec {
  target: Val;
  state: Val;
  offset: number;
}

export interface PickleIssue {
  kind: 'malformed' | 'limit' | 'truncated' | 'trailing';
  message: string;
  offset: number;
}

export interface PickleResult {
  /** Byte offset where each pickle in the stream starts, and its STOP offset (or -1). */
  pickles: { start: number; end: number; proto: number; value?: Val }[];
  globals: GlobalRef[];
  calls: CallRec[];
  builds: BuildRec[];
  persids: number;
  exts: { code: number; offset: number }[];
  issues: PickleIssue[];
  /** Offset after the last byte consumed. */
  end: number;
  ops: number;
}

export interface PickleLimits {
  maxOps: number;
  maxMemo: number;
  maxStack: number;
  /** Items kept per container (beyond this only a count); calls are recorded independently. */
  maxItems: number;
  maxPickles: number;
  deadlineMs: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxOps: 50_000_000,
  maxMemo: 1_000_000,
  maxStack: 1_000_000,
  maxItems: 10_000,
  maxPickles: 1_000,
  deadlineMs: 30_000,
};

export interface PickleOptions {
  limits?: Partial<PickleLimits>;
  /** Stop after this many complete pickles (legacy PyTorch files hold 5, then raw tensor data). */
  stopAfter?: number;
  /**
   * Called on BUILD: returns how many raw bytes follow the BUILD opcode (joblib writes NumPy array
   * data straight into the stream after a NumpyArrayWrapper), or a nested pickle to skip.
   */
  afterBuild?: (
    b: BuildRec,
    pos: number,
    data: Uint8Array,
  ) => { skip: number } | { nestedPickle: true } | undefined;
}

/** Python 2 module names that `fix_imports` maps (protocol < 3) — applied always, conservatively. */
const PY2_MODULES: Record<string, string> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
  cPickle: 'pickle',
  exceptions: 'builtins',
  httplib: 'http.client',
  urllib2: 'urllib.request',
  commands: 'subprocess',
  Queue: 'queue',
  SocketServer: 'socketserver',
  cStringIO: 'io',
  StringIO: 'io',
  urlparse: 'urllib.parse',
  thread: '_thread',
  dummy_thread: '_dummy_thread',
  _winreg: 'winreg',
  ConfigParser: 'configparser',
  repr: 'reprlib',
  HTMLParser: 'html.parser',
  cookielib: 'http.cookiejar',
  BaseHTTPServer: 'http.server',
  SimpleHTTPServer: 'http.server',
  CGIHTTPServer: 'http.server',
  xmlrpclib: 'xmlrpc.client',
};

const OPNAMES: Record<number, string> = {};
const OPS: [string, number][] = [
  ['MARK', 0x28],
  ['STOP', 0x2e],
  ['POP', 0x30],
  ['POP_MARK', 0x31],
  ['DUP', 0x32],
  ['FLOAT', 0x46],
  ['INT', 0x49],
  ['BININT', 0x4a],
  ['BININT1', 0x4b],
  ['LONG', 0x4c],
  ['BININT2', 0x4d],
  ['NONE', 0x4e],
  ['PERSID', 0x50],
  ['BINPERSID', 0x51],
  ['REDUCE', 0x52],
  ['STRING', 0x53],
  ['BINSTRING', 0x54],
  ['SHORT_BINSTRING', 0x55],
  ['UNICODE', 0x56],
  ['BINUNICODE', 0x58],
  ['APPEND', 0x61],
  ['BUILD', 0x62],
  ['GLOBAL', 0x63],
  ['DICT', 0x64],
  ['EMPTY_DICT', 0x7d],
  ['APPENDS', 0x65],
  ['GET', 0x67],
  ['BINGET', 0x68],
  ['INST', 0x69],
  ['LONG_BINGET', 0x6a],
  ['LIST', 0x6c],
  ['EMPTY_LIST', 0x5d],
  ['OBJ', 0x6f],
  ['PUT', 0x70],
  ['BINPUT', 0x71],
  ['LONG_BINPUT', 0x72],
  ['SETITEM', 0x73],
  ['TUPLE', 0x74],
  ['EMPTY_TUPLE', 0x29],
  ['SETITEMS', 0x75],
  ['BINFLOAT', 0x47],
  ['PROTO', 0x80],
  ['NEWOBJ', 0x81],
  ['EXT1', 0x82],
  ['EXT2', 0x83],
  ['EXT4', 0x84],
  ['TUPLE1', 0x85],
  ['TUPLE2', 0x86],
  ['TUPLE3', 0x87],
  ['NEWTRUE', 0x88],
  ['NEWFALSE', 0x89],
  ['LONG1', 0x8a],
  ['LONG4', 0x8b],
  ['BINBYTES', 0x42],
  ['SHORT_BINBYTES', 0x43],
  ['SHORT_BINUNICODE', 0x8c],
  ['BINUNICODE8', 0x8d],
  ['BINBYTES8', 0x8e],
  ['EMPTY_SET', 0x8f],
  ['ADDITEMS', 0x90],
  ['FROZENSET', 0x91],
  ['NEWOBJ_EX', 0x92],
  ['STACK_GLOBAL', 0x93],
  ['MEMOIZE', 0x94],
  ['FRAME', 0x95],
  ['BYTEARRAY8', 0x96],
  ['NEXT_BUFFER', 0x97],
  ['READONLY_BUFFER', 0x98],
];
for (const [n, c] of OPS) OPNAMES[c] = n;

export function isPickleOpcode(byte: number): boolean {
  return OPNAMES[byte] !== undefined;
}

export function opcodeName(byte: number): string | undefined {
  return OPNAMES[byte];
}

/**
 * Ends one pickle's run (thrown and caught inside runOne). Not an Error: a stack trace per malformed
 * or truncated file is pure cost, and nothing outside the machine ever sees it.
 */
class Stop {
  readonly issue: PickleIssue;
  readonly message: string;
  constructor(issue: PickleIssue) {
    this.issue = issue;
    this.message = issue.message;
  }
}

const NONE: Val = { t: 'none' };
const TRUE: Val = { t: 'bool', v: true };
const FALSE: Val = { t: 'bool', v: false };
const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! > 0x7f) return false;
  return true;
}

function latin1(b: Uint8Array): string {
  return b.length <= 64
    ? String.fromCharCode.apply(null, b as unknown as number[])
    : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

function decodeUtf8(b: Uint8Array): { v: string; invalid?: boolean } {
  // ASCII (nearly every module, name and key) decodes byte for byte, without TextDecoder's per-call cost.
  if (isAscii(b)) return { v: latin1(b) };
  try {
    return { v: utf8.decode(b) };
  } catch {
    return { v: utf8Lenient.decode(b), invalid: true };
  }
}

/** raw-unicode-escape, as the protocol 0 UNICODE opcode uses. */
function rawUnicodeEscape(b: Uint8Array): string {
  const s = latin1(b);
  return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, a: string, c: string) => {
    const cp = Number.parseInt(a ?? c, 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
  });
}

/** Python string literal (repr) as the protocol 0 STRING opcode writes it. */
function pyStringLiteral(raw: string): string | undefined {
  if (raw.length < 2) return undefined;
  const q = raw[0];
  if ((q !== "'" && q !== '"') || raw[raw.length - 1] !== q) return undefined;
  const body = raw.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/gs, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(Number.parseInt(e, 8) & 0xff);
    const map: Record<string, string> = {
      n: '\n',
      r: '\r',
      t: '\t',
      '\\': '\\',
      "'": "'",
      '"': '"',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
      '\n': '',
    };
    return map[e] ?? `\\${e}`;
  });
}

function intFromLE(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(b.length * 8);
  return v;
}

/** Runs the machine over `data` from `start`: every pickle in the stream, back to back. */
export function runPickle(data: Uint8Array, start = 0, options: PickleOptions = {}): PickleResult {
  const L = { ...DEFAULT_PICKLE_LIMITS, ...options.limits };
  const res: PickleResult = {
    pickles: [],
    globals: [],
    calls: [],
    builds: [],
    persids: 0,
    exts: [],
    issues: [],
    end: start,
    ops: 0,
  };
  const deadline = Date.now() + L.deadlineMs;
  let pos = start;
  let ops = 0;

  while (pos < data.length && res.pickles.length < L.maxPickles) {
    if (options.stopAfter !== undefined && res.pickles.length >= options.stopAfter) break;
    const first = data[pos]!;
    if (res.pickles.length > 0 && !isPickleOpcode(first)) {
      res.issues.push({
        kind: 'trailing',
        message: `${data.length - pos} byte(s) of non-pickle data after the last STOP`,
        offset: pos,
      });
      break;
    }
    const p = { start: pos, end: -1, proto: 0 } as PickleResult['pickles'][number];
    res.pickles.push(p);
    const r = runOne(pos);
    pos = r.pos;
    if (r.stopped) {
      p.end = r.pos - 1;
      p.proto = r.proto;
      if (r.value) p.value = r.value;
    } else {
      p.proto = r.proto;
      break;
    }
  }
  res.end = pos;
  res.ops = ops;
  return res;

  function runOne(begin: number): { pos: number; stopped: boolean; proto: number; value?: Val } {
    let stack: Val[] = [];
    const meta: Val[][] = [];
    const memo = new Map<number, Val>();
    let proto = 0;
    let i = begin;

    const issue = (kind: PickleIssue['kind'], message: string, offset: number) => {
      if (res.issues.length < 200) res.issues.push({ kind, message, offset });
    };
    const fatal = (kind: PickleIssue['kind'], message: string, offset: number): never => {
      throw new Stop({ kind, message, offset });
    };
    const need = (n: number, at: number, what: string) => {
      if (n < 0 || i + n > data.length)
        fatal(
          'truncated',
          `${what} at offset ${at} needs ${n} byte(s), only ${Math.max(0, data.length - i)} remain`,
          at,
        );
    };
    const take = (n: number, at: number, what: string): Uint8Array => {
      need(n, at, what);
      const b = data.subarray(i, i + n);
      i += n;
      return b;
    };
    // Fixed-width reads index the data directly: a subarray per argument was most of the machine's garbage.
    const u8 = (at: number, what: string) => {
      need(1, at, what);
      return data[i++]!;
    };
    const u16 = (at: number, what: string) => {
      need(2, at, what);
      const v = data[i]! | (data[i + 1]! << 8);
      i += 2;
      return v;
    };
    const u32 = (at: number, what: string) => {
      need(4, at, what);
      const v = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0;
      i += 4;
      return v;
    };
    const u64 = (at: number, what: string) => {
      const lo = u32(at, what);
      const hi = u32(at, what);
      return hi * 2 ** 32 + lo;
    };
    const line = (at: number, what: string): { raw: Uint8Array; cr: boolean } => {
      const nl = data.indexOf(0x0a, i);
      if (nl < 0) fatal('truncated', `${what} at offset ${at}: no newline before the end of the data`, at);
      const raw = data.subarray(i, nl);
      i = nl + 1;
      return { raw, cr: raw.length > 0 && raw[raw.length - 1] === 0x0d };
    };
    const push = (v: Val) => {
      if (stack.length >= L.maxStack) fatal('limit', `stack limit (${L.maxStack}) reached`, i);
      stack.push(v);
    };
    const pop = (at: number, op: string): Val => {
      const v = stack.pop();
      if (v === undefined) {
        if (res.issues.length < 200) issue('malformed', `${op} at offset ${at} on an empty stack`, at);
        return { t: 'unknown', why: 'stack underflow' };
      }
      return v;
    };
    const popMark = (at: number, op: string): Val[] => {
      const items = stack;
      const prev = meta.pop();
      if (prev === undefined) {
        issue('malformed', `${op} at offset ${at} without a MARK`, at);
        stack = [];
        return items;
      }
      stack = prev;
      return items;
    };
    const memoPut = (k: number, v: Val, at: number) => {
      if (!memo.has(k) && memo.size >= L.maxMemo)
        fatal('limit', `memo limit (${L.maxMemo} entries) reached`, at);
      memo.set(k, v);
    };
    const memoGet = (k: number, at: number, op: string): Val => {
      const v = memo.get(k);
      if (v === undefined) {
        // The message is built only while issues are still recorded (a stream can miss millions).
        if (res.issues.length < 200)
          issue('malformed', `${op} at offset ${at} reads memo key ${k}, which was never stored`, at);
        return { t: 'unknown', why: `missing memo key ${k}` };
      }
      return v;
    };
    const addGlobal = (
      module: string,
      name: string,
      op: string,
      at: number,
      literal: boolean,
      anomaly?: string,
    ): Val => {
      const mapped = PY2_MODULES[module] ?? module;
      const ref: GlobalRef = {
        module: mapped,
        name,
        literal,
        op,
        offset: at,
        proto,
        ...(anomaly ? { anomaly } : {}),
      };
      if (res.globals.length < 100_000) res.globals.push(ref);
      return { t: 'global', ref };
    };
    const addCall = (callee: Val, args: Val, op: string, at: number, kwargs?: Val): Val => {
      const call: CallRec = { callee, args, op, offset: at, ...(kwargs ? { kwargs } : {}) };
      if (res.calls.length < 100_000) res.calls.push(call);
      return { t: 'obj', call };
    };
    const nameText = (raw: Uint8Array, cr: boolean, at: number): { v: string; anomaly?: string } => {
      const d = decodeUtf8(raw);
      // The unpickler decodes names strictly: invalid UTF-8 stops the load before any import.
      if (d.invalid) fatal('malformed', `global name at offset ${at} is not valid UTF-8`, at);
      const anomalies: string[] = [];
      let v = d.v;
      if (cr) anomalies.push('carriage return before the newline');
      if (/[\s\0]/.test(v)) {
        anomalies.push('whitespace or control characters');
        v = v.replace(/[\s\0]+/g, '');
      }
      return anomalies.length ? { v, anomaly: anomalies.join(', ') } : { v };
    };
    const stringOf = (v: Val): string | undefined => (v.t === 'str' ? v.v : undefined);
    const appendTo = (target: Val, items: Val[], at: number, op: string) => {
      if (target.t === 'list' || target.t === 'set') {
        for (const it of items) {
          if (target.items.length < L.maxItems) target.items.push(it);
          target.len++;
        }
      } else if (target.t === 'obj' || target.t === 'global' || target.t === 'unknown') {
        // The unpickler calls target.extend/append: a method call on an arbitrary object.
        addCall(
          { t: 'unknown', why: `${op} on a non-list object calls its extend/append` },
          { t: 'tuple', items },
          op,
          at,
        );
      } else issue('malformed', `${op} at offset ${at} on a ${target.t}`, at);
    };
    const setItems = (target: Val, items: Val[], at: number, op: string) => {
      if (items.length % 2 !== 0) issue('malformed', `${op} at offset ${at} with an odd number of items`, at);
      if (target.t === 'dict') {
        for (let k = 0; k + 1 < items.length; k += 2) {
          if (target.entries.length < L.maxItems) target.entries.push([items[k]!, items[k + 1]!]);
          target.len++;
        }
      } else if (target.t === 'obj' || target.t === 'global' || target.t === 'unknown') {
        addCall(
          { t: 'unknown', why: `${op} on a non-dict object calls its __setitem__` },
          { t: 'tuple', items },
          op,
          at,
        );
      } else issue('malformed', `${op} at offset ${at} on a ${target.t}`, at);
    };

    try {
      for (;;) {
        if (i >= data.length) fatal('truncated', `pickle starting at offset ${begin} ends without STOP`, i);
        if (++ops > L.maxOps) fatal('limit', `opcode limit (${L.maxOps}) reached`, i);
        if ((ops & 0xffff) === 0 && Date.now() > deadline)
          fatal('limit', `time limit (${L.deadlineMs} ms) reached`, i);
        const at = i;
        const code = data[i++]!;
        switch (code) {
          case 0x28: // MARK
            meta.push(stack);
            stack = [];
            break;
          case 0x2e: // STOP
            return { pos: i, stopped: true, proto, value: stack[stack.length - 1] ?? NONE };
          case 0x30: // POP
            if (stack.length > 0) stack.pop();
            else popMark(at, 'POP');
            break;
          case 0x31: // POP_MARK
            popMark(at, 'POP_MARK');
            break;
          case 0x32: {
            // DUP
            const top = stack[stack.length - 1];
            push(top ?? { t: 'unknown', why: 'DUP on an empty stack' });
            break;
          }
          case 0x46: {
            // FLOAT
            const s = latin1(line(at, 'FLOAT').raw);
            push({ t: 'float', v: Number(s) });
            break;
          }
          case 0x49: {
            // INT
            const s = latin1(line(at, 'INT').raw).trim();
            if (s === '00') push(FALSE);
            else if (s === '01') push(TRUE);
            else if (/^[+-]?\d+$/.test(s) && s.length < 5000) push({ t: 'int', v: BigInt(s) });
            else {
              issue('malformed', `INT at offset ${at} has invalid digits`, at);
              push({ t: 'unknown', why: 'bad INT' });
            }
            break;
          }
          case 0x4a: {
            const v = u32(at, 'BININT') | 0;
            push({ t: 'int', v: BigInt(v) });
            break;
          }
          case 0x4b:
            push({ t: 'int', v: BigInt(u8(at, 'BININT1')) });
            break;
          case 0x4d:
            push({ t: 'int', v: BigInt(u16(at, 'BININT2')) });
            break;
          case 0x4c: {
            // LONG
            let s = latin1(line(at, 'LONG').raw).trim();
            if (s.endsWith('L')) s = s.slice(0, -1);
            if (/^[+-]?\d+$/.test(s) && s.length < 5000) push({ t: 'int', v: BigInt(s) });
            else {
              issue('malformed', `LONG at offset ${at} has invalid digits`, at);
              push({ t: 'unknown', why: 'bad LONG' });
            }
            break;
          }
          case 0x8a: {
            const n = u8(at, 'LONG1');
            push({ t: 'int', v: intFromLE(take(n, at, 'LONG1')) });
            break;
          }
          case 0x8b: {
            const n = u32(at, 'LONG4');
            const b = take(n, at, 'LONG4');
            push(n <= 64 ? { t: 'int', v: intFromLE(b) } : { t: 'unknown', why: 'huge integer' });
            break;
          }
          case 0x47: {
            const b = take(8, at, 'BINFLOAT');
            push({ t: 'float', v: new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false) });
            break;
          }
          case 0x4e:
            push(NONE);
            break;
          case 0x88:
            push(TRUE);
            break;
          case 0x89:
            push(FALSE);
            break;
          case 0x50: {
            // PERSID
            const s = latin1(line(at, 'PERSID').raw);
            res.persids++;
            push({ t: 'persid', pid: { t: 'str', v: s } });
            break;
          }
          case 0x51: {
            res.persids++;
            push({ t: 'persid', pid: pop(at, 'BINPERSID') });
            break;
          }
          case 0x52: {
            // REDUCE
            const args = pop(at, 'REDUCE');
            const fn = pop(at, 'REDUCE');
            push(addCall(fn, args, 'REDUCE', at));
            break;
          }
          case 0x53: {
            // STRING
            const raw = latin1(line(at, 'STRING').raw).replace(/\r$/, '');
            const s = pyStringLiteral(raw);
            if (s === undefined) {
              issue('malformed', `STRING at offset ${at} is not a quoted literal`, at);
              push({ t: 'unknown', why: 'bad STRING' });
            } else push({ t: 'str', v: s });
            break;
          }
          case 0x54: {
            const n = u32(at, 'BINSTRING') | 0;
            if (n < 0) fatal('malformed', `BINSTRING at offset ${at} has a negative length`, at);
            push({ t: 'str', v: latin1(take(n, at, 'BINSTRING')) });
            break;
          }
          case 0x55: {
            const n = u8(at, 'SHORT_BINSTRING');
            push({ t: 'str', v: latin1(take(n, at, 'SHORT_BINSTRING')) });
            break;
          }
          case 0x56: {
            const l = line(at, 'UNICODE');
            push({ t: 'str', v: rawUnicodeEscape(l.raw) });
            break;
          }
          case 0x58:
          case 0x8c:
          case 0x8d: {
            const name = code === 0x58 ? 'BINUNICODE' : code === 0x8c ? 'SHORT_BINUNICODE' : 'BINUNICODE8';
            const n = code === 0x58 ? u32(at, name) : code === 0x8c ? u8(at, name) : u64(at, name);
            const d = decodeUtf8(take(n, at, name));
            push(d.invalid ? { t: 'str', v: d.v, invalid: true } : { t: 'str', v: d.v });
            break;
          }
          case 0x42:
          case 0x43:
          case 0x8e:
          case 0x96: {
            const name =
              code === 0x42
                ? 'BINBYTES'
                : code === 0x43
                  ? 'SHORT_BINBYTES'
                  : code === 0x8e
                    ? 'BINBYTES8'
                    : 'BYTEARRAY8';
            const n = code === 0x42 ? u32(at, name) : code === 0x43 ? u8(at, name) : u64(at, name);
            push({ t: 'bytes', v: take(n, at, name) });
            break;
          }
          case 0x61: {
            // APPEND
            const v = pop(at, 'APPEND');
            appendTo(stack[stack.length - 1] ?? { t: 'unknown', why: 'empty' }, [v], at, 'APPEND');
            break;
          }
          case 0x65: {
            const items = popMark(at, 'APPENDS');
            appendTo(stack[stack.length - 1] ?? { t: 'unknown', why: 'empty' }, items, at, 'APPENDS');
            break;
          }
          case 0x90: {
            const items = popMark(at, 'ADDITEMS');
            appendTo(stack[stack.length - 1] ?? { t: 'unknown', why: 'empty' }, items, at, 'ADDITEMS');
            break;
          }
          case 0x62: {
            // BUILD
            const state = pop(at, 'BUILD');
            const target = stack[stack.length - 1] ?? { t: 'unknown', why: 'BUILD on an empty stack' };
            const b: BuildRec = { target, state, offset: at };
            if (res.builds.length < 100_000) res.builds.push(b);
            const after = options.afterBuild?.(b, i, data);
            if (after && 'skip' in after) {
              if (i + after.skip > data.length)
                fatal('truncated', `array data after BUILD at offset ${at} needs ${after.skip} byte(s)`, at);
              i += after.skip;
            } else if (after && 'nestedPickle' in after) {
              // joblib object arrays: a whole nested pickle follows; scan it in this stream.
              const inner = runPickleNested(i);
              i = inner;
            }
            break;
          }
          case 0x63: {
            // GLOBAL
            const m = line(at, 'GLOBAL module');
            const n = line(at, 'GLOBAL name');
            const mt = nameText(m.raw, m.cr, at);
            const nt = nameText(n.raw, n.cr, at);
            const anomaly = [mt.anomaly, nt.anomaly].filter(Boolean).join('; ');
            push(addGlobal(mt.v, nt.v, 'GLOBAL', at, true, anomaly || undefined));
            break;
          }
          case 0x93: {
            // STACK_GLOBAL
            const nameV = pop(at, 'STACK_GLOBAL');
            const modV = pop(at, 'STACK_GLOBAL');
            const ms = stringOf(modV);
            const ns = stringOf(nameV);
            if (ms === undefined || ns === undefined) {
              const why = `STACK_GLOBAL operands are ${modV.t}/${nameV.t}, not strings`;
              push(addGlobal(describeOperand(modV), describeOperand(nameV), 'STACK_GLOBAL', at, false, why));
            } else {
              const anomaly =
                modV.t === 'str' && (modV.invalid || (nameV as { invalid?: boolean }).invalid)
                  ? 'invalid UTF-8'
                  : undefined;
              push(addGlobal(ms, ns, 'STACK_GLOBAL', at, true, anomaly));
            }
            break;
          }
          case 0x69: {
            // INST
            const m = line(at, 'INST module');
            const n = line(at, 'INST name');
            const mt = nameText(m.raw, m.cr, at);
            const nt = nameText(n.raw, n.cr, at);
            const args = popMark(at, 'INST');
            const g = addGlobal(
              mt.v,
              nt.v,
              'INST',
              at,
              true,
              [mt.anomaly, nt.anomaly].filter(Boolean).join('; ') || undefined,
            );
            push(addCall(g, { t: 'tuple', items: args }, 'INST', at));
            break;
          }
          case 0x6f: {
            // OBJ
            const items = popMark(at, 'OBJ');
            const cls = items.shift() ?? { t: 'unknown', why: 'OBJ without a class' };
            push(addCall(cls, { t: 'tuple', items }, 'OBJ', at));
            break;
          }
          case 0x81: {
            const args = pop(at, 'NEWOBJ');
            const cls = pop(at, 'NEWOBJ');
            push(addCall(cls, args, 'NEWOBJ', at));
            break;
          }
          case 0x92: {
            const kwargs = pop(at, 'NEWOBJ_EX');
            const args = pop(at, 'NEWOBJ_EX');
            const cls = pop(at, 'NEWOBJ_EX');
            push(addCall(cls, args, 'NEWOBJ_EX', at, kwargs));
            break;
          }
          case 0x82:
          case 0x83:
          case 0x84: {
            const name = code === 0x82 ? 'EXT1' : code === 0x83 ? 'EXT2' : 'EXT4';
            const ext = code === 0x82 ? u8(at, name) : code === 0x83 ? u16(at, name) : u32(at, name);
            if (res.exts.length < 1000) res.exts.push({ code: ext, offset: at });
            push({ t: 'ext', code: ext });
            break;
          }
          case 0x64: {
            const items = popMark(at, 'DICT');
            const d: Val = { t: 'dict', entries: [], len: 0 };
            setItems(d, items, at, 'DICT');
            push(d);
            break;
          }
          case 0x7d:
            push({ t: 'dict', entries: [], len: 0 });
            break;
          case 0x73: {
            const v = pop(at, 'SETITEM');
            const k = pop(at, 'SETITEM');
            setItems(stack[stack.length - 1] ?? { t: 'unknown', why: 'empty' }, [k, v], at, 'SETITEM');
            break;
          }
          case 0x75: {
            const items = popMark(at, 'SETITEMS');
            setItems(stack[stack.length - 1] ?? { t: 'unknown', why: 'empty' }, items, at, 'SETITEMS');
            break;
          }
          case 0x6c: {
            const items = popMark(at, 'LIST');
            push({ t: 'list', items: items.slice(0, L.maxItems), len: items.length });
            break;
          }
          case 0x5d:
            push({ t: 'list', items: [], len: 0 });
            break;
          case 0x8f:
            push({ t: 'set', items: [], len: 0 });
            break;
          case 0x91: {
            const items = popMark(at, 'FROZENSET');
            push({ t: 'set', items: items.slice(0, L.maxItems), len: items.length });
            break;
          }
          case 0x74: {
            const items = popMark(at, 'TUPLE');
            push({ t: 'tuple', items: items.slice(0, L.maxItems) });
            break;
          }
          case 0x29:
            push({ t: 'tuple', items: [] });
            break;
          case 0x85:
          case 0x86:
          case 0x87: {
            const n = code - 0x84;
            const items: Val[] = [];
            for (let k = 0; k < n; k++) items.unshift(pop(at, `TUPLE${n}`));
            push({ t: 'tuple', items });
            break;
          }
          case 0x67: {
            const s = latin1(line(at, 'GET').raw).trim();
            push(/^\d{1,15}$/.test(s) ? memoGet(Number(s), at, 'GET') : { t: 'unknown', why: 'bad GET key' });
            break;
          }
          case 0x68:
            push(memoGet(u8(at, 'BINGET'), at, 'BINGET'));
            break;
          case 0x6a:
            push(memoGet(u32(at, 'LONG_BINGET'), at, 'LONG_BINGET'));
            break;
          case 0x70: {
            const s = latin1(line(at, 'PUT').raw).trim();
            const top = stack[stack.length - 1];
            if (!/^\d{1,15}$/.test(s)) issue('malformed', `PUT at offset ${at} has an invalid key`, at);
            else if (top === undefined) issue('malformed', `PUT at offset ${at} on an empty stack`, at);
            else memoPut(Number(s), top, at);
            break;
          }
          case 0x71:
          case 0x72:
          case 0x94: {
            const name = code === 0x71 ? 'BINPUT' : code === 0x72 ? 'LONG_BINPUT' : 'MEMOIZE';
            const k = code === 0x71 ? u8(at, name) : code === 0x72 ? u32(at, name) : memo.size;
            const top = stack[stack.length - 1];
            if (top === undefined) issue('malformed', `${name} at offset ${at} on an empty stack`, at);
            else memoPut(k, top, at);
            break;
          }
          case 0x80: {
            proto = u8(at, 'PROTO');
            if (proto > 5) issue('malformed', `unsupported protocol ${proto} at offset ${at}`, at);
            break;
          }
          case 0x95: {
            // FRAME: CPython's C unpickler reads straight through frames, so lengths are advisory.
            const n = u64(at, 'FRAME');
            if (i + n > data.length)
              issue(
                'malformed',
                `FRAME at offset ${at} declares ${n} byte(s) but only ${data.length - i} remain`,
                at,
              );
            break;
          }
          case 0x97:
            push({ t: 'unknown', why: 'out-of-band buffer (NEXT_BUFFER)' });
            break;
          case 0x98:
            break;
          default:
            fatal('malformed', `unknown opcode 0x${code.toString(16).padStart(2, '0')} at offset ${at}`, at);
        }
      }
    } catch (e) {
      if (e instanceof Stop) {
        res.issues.push(e.issue);
        return { pos: i, stopped: false, proto };
      }
      throw e;
    }
  }

  function runPickleNested(at: number): number {
    const inner = runPickle(data, at, { ...options, stopAfter: 1, limits: L });
    res.globals.push(...inner.globals);
    res.calls.push(...inner.calls);
    res.builds.push(...inner.builds);
    res.exts.push(...inner.exts);
    res.issues.push(...inner.issues.filter((x) => x.kind !== 'trailing'));
    ops += inner.ops;
    if (inner.pickles[0]?.end === -1 || inner.pickles.length === 0)
      throw new Stop({ kind: 'malformed', message: `nested pickle at offset ${at} did not end`, offset: at });
    return inner.pickles[0]!.end + 1;
  }
}

function describeOperand(v: Val): string {
  if (v.t === 'str') return v.v;
  if (v.t === 'global') return `<${v.ref.module}.${v.ref.name}>`;
  if (v.t === 'obj') return `<result of ${v.call.op} at ${v.call.offset}>`;
  return `<${v.t}>`;
}

/** A bounded, JSON-safe rendering of a symbolic value for evidence. */
export function renderVal(v: Val, depth = 0, budget = { n: 40 }): unknown {
  if (budget.n-- <= 0) return '…';
  switch (v.t) {
    case 'none':
      return null;
    case 'bool':
      return v.v;
    case 'int':
      return v.v >= BigInt(Number.MIN_SAFE_INTEGER) && v.v <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(v.v)
        : v.v.toString();
    case 'float':
      return Number.isFinite(v.v) ? v.v : String(v.v);
    case 'str':
      return v.v.length > 300 ? `${v.v.slice(0, 300)}…` : v.v;
    case 'bytes':
      return `<${v.v.length} bytes>`;
    case 'tuple':
    case 'list':
    case 'set':
      if (depth > 3) return `<${v.t}>`;
      return v.items.slice(0, 8).map((x) => renderVal(x, depth + 1, budget));
    case 'dict':
      if (depth > 3) return '<dict>';
      return Object.fromEntries(
        v.entries
          .slice(0, 8)
          .map(([k, x]) => [String(renderVal(k, depth + 1, budget)), renderVal(x, depth + 1, budget)]),
      );
    case 'global':
      return `<${v.ref.module}.${v.ref.name}>`;
    case 'obj':
      return `<result of ${calleeName(v.call.callee)}(…)>`;
    case 'persid':
      return '<persistent id>';
    case 'ext':
      return `<extension ${v.code}>`;
    case 'unknown':
      return `<unknown: ${v.why}>`;
  }
}

export function calleeName(v: Val): string {
  if (v.t === 'global') return `${v.ref.module}.${v.ref.name}`;
  if (v.t === 'obj') return `(result of ${calleeName(v.call.callee)})`;
  if (v.t === 'ext') return `<extension ${v.code}>`;
  return `<${v.t}>`;
}
