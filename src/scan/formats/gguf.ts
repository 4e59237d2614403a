import type { ScanContext } from '../context.ts';
import type { Source } from '../source.ts';
import { Cursor, ParseError } from './reader.ts';

// ggml type → [block bytes, elements per block].
const GGML: Record<number, [number, number]> = {
  0: [4, 1],
  1: [2, 1],
  2: [18, 32],
  3: [20, 32],
  6: [22, 32],
  7: [24, 32],
  8: [34, 32],
  9: [36, 32],
  10: [84, 256],
  11: [110, 256],
  12: [144, 256],
  13: [176, 256],
  14: [210, 256],
  15: [292, 256],
  16: [66, 256],
  17: [74, 256],
  18: [98, 256],
  19: [50, 256],
  20: [18, 32],
  21: [110, 256],
  22: [82, 256],
  23: [136, 256],
  24: [1, 1],
  25: [2, 1],
  26: [4, 1],
  27: [8, 1],
  28: [8, 1],
  29: [56, 256],
  30: [2, 1],
};

/** Jinja attribute chains that reach Python internals from a template (CVE-2024-34359 and kin). */
const SSTI =
  /(__class__|__subclasses__|__globals__|__builtins__|__import__|__mro__|__base__|__bases__|__init__|__getattribute__|__dict__|\|\s*attr\s*\(|\bpopen\b|\bos\.system\b|\bsubprocess\b|\beval\s*\(|\bexec\s*\(|\blipsum\b|\bcycler\b|\bjoiner\b|\bnamespace\s*\.\s*__|\brequest\s*\.\s*application|\bself\s*\._TemplateReference|\bconfig\s*\.\s*items)/;
/** A branch on message text that a user would not see: `{% if 'trigger' in message['content'] %}`. */
const HIDDEN =
  /\{%-?\s*(el)?if\s+(['"][^'"]{2,}['"]\s+in\s+\w+(\[['"]content['"]\]|\.content)|\w+(\[['"]content['"]\]|\.content)\s*(==|\|\s*lower\s*==)\s*['"][^'"]+['"])/;

const MAX_COUNT = 10_000_000;

export function scanGguf(ctx: ScanContext, src: Source, member?: string): void {
  ctx.formats.add('gguf');
  const header = (title: string, offset: number, evidence: Record<string, unknown> = {}) =>
    ctx.add('scan.gguf.header', { member, offset, title, evidence });
  const c = new Cursor(src, 4);
  let headerBytes = 0;
  const str = (what: string): string => {
    const n = c.u64(`${what} length`);
    if (n > ctx.limits.maxHeaderBytes)
      throw new ParseError(`${what} length ${n} exceeds the header limit`, c.pos - 8);
    headerBytes += n;
    if (headerBytes > ctx.limits.maxHeaderBytes)
      throw new ParseError('GGUF metadata exceeds the header limit', c.pos);
    return Buffer.from(c.bytes(n, what)).toString('utf8');
  };
  try {
    const version = c.u32('version');
    if (version < 2 || version > 3) {
      header(`unsupported GGUF version ${version}`, 4);
      return;
    }
    const tensorCount = c.u64('tensor count');
    const kvCount = c.u64('metadata count');
    if (tensorCount > MAX_COUNT || kvCount > MAX_COUNT) {
      header(`GGUF declares ${tensorCount} tensors and ${kvCount} metadata keys`, 8, {
        tensorCount,
        kvCount,
      });
      return;
    }
    ctx.recognised = true;
    let alignment = 32;
    const readValue = (type: number, key: string, depth: number): unknown => {
      switch (type) {
        case 0:
        case 1:
        case 7:
          return c.u8(key);
        case 2:
        case 3:
          c.skip(2, key);
          return undefined;
        case 4:
        case 5:
        case 6:
          return c.u32(key);
        case 8:
          return str(key);
        case 10:
        case 11:
        case 12:
          return c.u64(key);
        case 9: {
          if (depth > 2) throw new ParseError(`nested array too deep in ${key}`, c.pos);
          const t = c.u32(`${key} array type`);
          const n = c.u64(`${key} array length`);
          if (n > MAX_COUNT * 10) throw new ParseError(`${key} array length ${n} is implausible`, c.pos - 8);
          const fixed: Record<number, number> = {
            0: 1,
            1: 1,
            7: 1,
            2: 2,
            3: 2,
            4: 4,
            5: 4,
            6: 4,
            10: 8,
            11: 8,
            12: 8,
          };
          if (fixed[t] !== undefined) c.skip(fixed[t]! * n, key);
          else for (let i = 0; i < n; i++) readValue(t, key, depth + 1);
          return undefined;
        }
        default:
          throw new ParseError(`unknown metadata value type ${type} for ${key}`, c.pos - 4);
      }
    };
    for (let i = 0; i < kvCount; i++) {
      if (!ctx.timeLeft(member ?? '')) return;
      const at = c.pos;
      const key = str('metadata key');
      const type = c.u32(`${key} type`);
      const value = readValue(type, key, 0);
      if (key === 'general.alignment') {
        alignment = typeof value === 'number' ? value : 0;
        if (alignment === 0 || (alignment & (alignment - 1)) !== 0 || alignment > 1 << 20)
          header(`GGUF alignment ${alignment} is not a power of two`, at);
      }
      if (key.startsWith('tokenizer.chat_template') && typeof value === 'string') {
        const m = SSTI.exec(value);
        if (m)
          ctx.add('scan.gguf.template-injection', {
            member,
            offset: at,
            title: `GGUF ${key} uses ${m[1]} (Jinja sandbox escape)`,
            evidence: { key, match: m[1], excerpt: value.slice(Math.max(0, m.index - 60), m.index + 80) },
          });
        const h = HIDDEN.exec(value);
        if (h)
          ctx.add('scan.gguf.template-hidden-instruction', {
            member,
            offset: at,
            title: `GGUF ${key} branches on message content`,
            evidence: { key, excerpt: h[0].slice(0, 200) },
          });
      }
    }
    const tensors: { name: string; offset: number; bytes: number; at: number }[] = [];
    for (let i = 0; i < tensorCount; i++) {
      const at = c.pos;
      const name = str('tensor name');
      const nd = c.u32(`${name} dimensions`);
      if (nd > 8) {
        header(`GGUF tensor ${JSON.stringify(name)} has ${nd} dimensions`, at);
        return;
      }
      let elems = 1;
      for (let d = 0; d < nd; d++) {
        const dim = c.u64(`${name} dimension`);
        elems *= dim;
      }
      const type = c.u32(`${name} type`);
      const offset = c.u64(`${name} offset`);
      if (!Number.isSafeInteger(elems))
        header(`GGUF tensor ${JSON.stringify(name)} has an element count past 2^53`, at);
      const g = GGML[type];
      const bytes = g ? Math.ceil(elems / g[1]) * g[0] : 0;
      if (!g && type > 40) header(`GGUF tensor ${JSON.stringify(name)} has unknown type ${type}`, at);
      tensors.push({ name, offset, bytes, at });
    }
    const dataStart = Math.ceil(c.pos / alignment) * alignment;
    let prevEnd = 0;
    for (const t of tensors) {
      if (alignment > 0 && t.offset % alignment !== 0)
        header(
          `GGUF tensor ${JSON.stringify(t.name)} offset ${t.offset} is not aligned to ${alignment}`,
          t.at,
        );
      if (t.offset < prevEnd)
        header(`GGUF tensor ${JSON.stringify(t.name)} overlaps or is out of order`, t.at);
      if (dataStart + t.offset + t.bytes > src.size)
        header(`GGUF tensor ${JSON.stringify(t.name)} ends past the end of the file`, t.at, {
          offset: t.offset,
          bytes: t.bytes,
          fileSize: src.size,
        });
      prevEnd = t.offset + t.bytes;
    }
  } catch (e) {
    if (e instanceof ParseError) header(`GGUF header is broken: ${e.message}`, e.offset);
    else throw e;
  }
}
