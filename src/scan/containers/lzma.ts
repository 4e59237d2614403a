import { ExpandLimit } from './compress.ts';

/**
 * LZMA and LZMA2 decoders (7z's main coders), written for the scanner: synchronous, the output is the
 * dictionary (no separate window, so a declared 1.5 GiB dictionary costs nothing), output bounded by
 * `max` exactly, and `tick` is called every 64 KiB of output so a caller's deadline stops a decode.
 * Every loop consumes input or produces output, so corrupted input ends in an error, never a hang.
 */
export interface LzmaBounds {
  /** Most bytes of output; reaching past it throws ExpandLimit. */
  max: number;
  /** Called periodically; throws to stop (a deadline). */
  tick?: () => void;
}

export class LzmaError extends Error {}

const PROB_INIT = 1024;
const TICK = 1 << 16;

class Output {
  buf: Uint8Array;
  pos = 0;
  /** Matches may not reach before this position (LZMA2 dictionary resets). */
  dictStart = 0;
  readonly max: number;
  private nextTick = TICK;
  private readonly tick?: () => void;
  constructor(expected: number, bounds: LzmaBounds) {
    this.max = bounds.max;
    this.tick = bounds.tick;
    if (expected > bounds.max) throw new ExpandLimit(bounds.max);
    // A declared size is a promise, not a fact: start small and grow (doubling) as output arrives.
    this.buf = new Uint8Array(Math.min(expected >= 0 ? expected : bounds.max, 1 << 20));
  }
  private grow(n: number): void {
    const need = this.pos + n;
    if (need > this.max) throw new ExpandLimit(this.max);
    const next = new Uint8Array(Math.min(this.max, Math.max(need, this.buf.length * 2)));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  checkTick(): void {
    if (this.pos >= this.nextTick) {
      this.nextTick = this.pos + TICK;
      this.tick?.();
    }
  }
  put(b: number): void {
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = b;
  }
  copyMatch(dist: number, len: number): void {
    if (dist >= this.pos - this.dictStart)
      throw new LzmaError(`LZMA match distance ${dist + 1} is out of range`);
    if (this.pos + len > this.buf.length) this.grow(len);
    const b = this.buf;
    let src = this.pos - dist - 1;
    for (let i = 0; i < len; i++) b[this.pos++] = b[src++]!;
  }
  copyIn(src: Uint8Array): void {
    if (this.pos + src.length > this.buf.length) this.grow(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }
  get(dist: number): number {
    return this.buf[this.pos - dist - 1]!;
  }
  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

class RangeDecoder {
  private range = 0xffffffff;
  private code = 0;
  private ip: number;
  private readonly input: Uint8Array;
  private readonly end: number;
  constructor(input: Uint8Array, start: number, end: number) {
    this.input = input;
    this.end = end;
    if (start + 5 > end) throw new LzmaError('LZMA stream is truncated');
    if (input[start] !== 0) throw new LzmaError('LZMA stream does not start with a zero byte');
    this.ip = start + 1;
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | input[this.ip++]!) >>> 0;
    if (this.code === 0xffffffff) throw new LzmaError('LZMA range coder is corrupted');
  }
  get position(): number {
    return this.ip;
  }
  get finishedOk(): boolean {
    return this.code === 0;
  }
  private next(): number {
    if (this.ip >= this.end) throw new LzmaError('LZMA stream is truncated');
    return this.input[this.ip++]!;
  }
  bit(probs: Uint16Array, i: number): number {
    const p = probs[i]!;
    const bound = (this.range >>> 11) * p;
    let bit: number;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      bit = 0;
    } else {
      this.range = (this.range - bound) >>> 0;
      this.code = (this.code - bound) >>> 0;
      probs[i] = p - (p >>> 5);
      bit = 1;
    }
    if (this.range < 0x1000000) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.next()) >>> 0;
    }
    return bit;
  }
  direct(n: number): number {
    let res = 0;
    for (let i = 0; i < n; i++) {
      this.range >>>= 1;
      let bit = 0;
      if (this.code >= this.range) {
        this.code = (this.code - this.range) >>> 0;
        bit = 1;
      }
      res = ((res << 1) | bit) >>> 0;
      if (this.range < 0x1000000) {
        this.range = (this.range << 8) >>> 0;
        this.code = ((this.code << 8) | this.next()) >>> 0;
      }
    }
    return res;
  }
  tree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(probs, base + m);
    return m - (1 << bits);
  }
  reverse(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(probs, base + m);
      m = (m << 1) | b;
      sym |= b << i;
    }
    return sym;
  }
}

// Probability array layout (offsets into one Uint16Array besides the literal coder's).
const IS_MATCH = 0; // 12 states << 4 pos states
const IS_REP = 192;
const IS_REP_G0 = 204;
const IS_REP_G1 = 216;
const IS_REP_G2 = 228;
const IS_REP0_LONG = 240; // 192
const POS_SLOT = 432; // 4 × 64
const POS_SPECIAL = 688; // 115 (indices 1.. used from base dist - slot)
const ALIGN = 803; // 16
const LEN = 819; // len coder: 2 choices + 16×8 low + 16×8 mid + 256 high = 514
const REP_LEN = LEN + 514;
const NUM_PROBS = REP_LEN + 514;

function decodeLen(rc: RangeDecoder, p: Uint16Array, base: number, posState: number): number {
  if (rc.bit(p, base) === 0) return rc.tree(p, base + 2 + posState * 8, 3);
  if (rc.bit(p, base + 1) === 0) return 8 + rc.tree(p, base + 2 + 128 + posState * 8, 3);
  return 16 + rc.tree(p, base + 2 + 256, 8);
}

/** Literal/position parameters from the LZMA properties byte. */
export function lzmaProps(d: number): { lc: number; lp: number; pb: number } {
  if (d >= 9 * 5 * 5) throw new LzmaError(`LZMA properties byte ${d} is invalid`);
  return { lc: d % 9, lp: Math.floor(d / 9) % 5, pb: Math.floor(d / 45) };
}

/** Decoder state carried across LZMA2 chunks. */
class LzmaState {
  lc = 0;
  lp = 0;
  pb = 0;
  probs = new Uint16Array(NUM_PROBS);
  lits = new Uint16Array(0x300);
  state = 0;
  reps = [0, 0, 0, 0];
  setProps(d: number): void {
    const { lc, lp, pb } = lzmaProps(d);
    this.lc = lc;
    this.lp = lp;
    this.pb = pb;
    const n = 0x300 << (lc + lp);
    if (this.lits.length !== n) this.lits = new Uint16Array(n);
  }
  reset(): void {
    this.probs.fill(PROB_INIT);
    this.lits.fill(PROB_INIT);
    this.state = 0;
    this.reps = [0, 0, 0, 0];
  }
}

/**
 * Decodes LZMA symbols until `limit` bytes of output (when >= 0) or the end marker. Returns true when
 * the end marker was seen.
 */
function decodeLzmaRun(s: LzmaState, rc: RangeDecoder, out: Output, limit: number): boolean {
  const p = s.probs;
  const lits = s.lits;
  const pbMask = (1 << s.pb) - 1;
  const lpMask = (1 << s.lp) - 1;
  const lc = s.lc;
  let state = s.state;
  let [rep0, rep1, rep2, rep3] = s.reps as [number, number, number, number];
  let ended = false;
  try {
    while (limit < 0 || out.pos < limit) {
      out.checkTick();
      // Positions count from the last dictionary reset, as the encoder counted them.
      const rel = out.pos - out.dictStart;
      const posState = rel & pbMask;
      if (rc.bit(p, IS_MATCH + (state << 4) + posState) === 0) {
        const prev = rel > 0 ? out.get(0) : 0;
        const base = 0x300 * (((rel & lpMask) << lc) + (prev >>> (8 - lc)));
        let sym = 1;
        if (state >= 7 && rel > rep0) {
          let match = out.get(rep0);
          do {
            const mb = (match >>> 7) & 1;
            match <<= 1;
            const b = rc.bit(lits, base + ((1 + mb) << 8) + sym);
            sym = (sym << 1) | b;
            if (mb !== b) break;
          } while (sym < 0x100);
        }
        while (sym < 0x100) sym = (sym << 1) | rc.bit(lits, base + sym);
        out.put(sym & 0xff);
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let len: number;
      if (rc.bit(p, IS_REP + state) !== 0) {
        if (out.pos === out.dictStart) throw new LzmaError('LZMA repeated match before any output');
        if (rc.bit(p, IS_REP_G0 + state) === 0) {
          if (rc.bit(p, IS_REP0_LONG + (state << 4) + posState) === 0) {
            state = state < 7 ? 9 : 11;
            out.copyMatch(rep0, 1);
            continue;
          }
        } else {
          let dist: number;
          if (rc.bit(p, IS_REP_G1 + state) === 0) dist = rep1;
          else {
            if (rc.bit(p, IS_REP_G2 + state) === 0) dist = rep2;
            else {
              dist = rep3;
              rep3 = rep2;
            }
            rep2 = rep1;
          }
          rep1 = rep0;
          rep0 = dist;
        }
        len = decodeLen(rc, p, REP_LEN, posState);
        state = state < 7 ? 8 : 11;
      } else {
        rep3 = rep2;
        rep2 = rep1;
        rep1 = rep0;
        len = decodeLen(rc, p, LEN, posState);
        state = state < 7 ? 7 : 10;
        const lenState = len < 3 ? len : 3;
        const slot = rc.tree(p, POS_SLOT + lenState * 64, 6);
        if (slot < 4) rep0 = slot;
        else {
          const direct = (slot >>> 1) - 1;
          let dist = ((2 | (slot & 1)) << direct) >>> 0;
          if (slot < 14) dist = (dist + rc.reverse(p, POS_SPECIAL + dist - slot, direct)) >>> 0;
          else {
            dist = (dist + ((rc.direct(direct - 4) << 4) >>> 0)) >>> 0;
            dist = (dist + rc.reverse(p, ALIGN, 4)) >>> 0;
          }
          if (dist === 0xffffffff) {
            ended = true;
            break;
          }
          rep0 = dist;
        }
      }
      len += 2;
      if (limit >= 0 && out.pos + len > limit) throw new LzmaError('LZMA match runs past the declared size');
      out.copyMatch(rep0, len);
    }
  } finally {
    s.state = state;
    s.reps = [rep0, rep1, rep2, rep3];
  }
  return ended;
}

/**
 * Raw LZMA (7z coder 030101, .lzma after its header, zip method 14): `props` is the properties byte
 * followed by the 4-byte dictionary size (ignored: the output is the window). `size` < 0 decodes to
 * the end marker.
 */
export function decodeLzma(
  props: Uint8Array,
  input: Uint8Array,
  size: number,
  bounds: LzmaBounds,
): Uint8Array {
  if (props.length < 1) throw new LzmaError('LZMA properties are missing');
  const s = new LzmaState();
  s.setProps(props[0]!);
  s.reset();
  const out = new Output(size, bounds);
  const rc = new RangeDecoder(input, 0, input.length);
  const ended = decodeLzmaRun(s, rc, out, size);
  if (size >= 0 && !ended && out.pos < size) throw new LzmaError('LZMA stream ended early');
  return out.result();
}

/** LZMA2 (7z coder 21, xz's filter): chunks of LZMA or stored data with state and dictionary resets. */
export function decodeLzma2(input: Uint8Array, size: number, bounds: LzmaBounds): Uint8Array {
  const out = new Output(size, bounds);
  const s = new LzmaState();
  let ip = 0;
  let needProps = true;
  let needDictReset = true;
  for (;;) {
    if (ip >= input.length) throw new LzmaError('LZMA2 stream is truncated (no end marker)');
    const control = input[ip++]!;
    if (control === 0) break;
    if (control === 1 || control === 2) {
      if (ip + 2 > input.length) throw new LzmaError('LZMA2 chunk header is truncated');
      const n = ((input[ip]! << 8) | input[ip + 1]!) + 1;
      ip += 2;
      if (control === 1) {
        out.dictStart = out.pos;
        needDictReset = false;
      } else if (needDictReset) throw new LzmaError('LZMA2 stream does not start with a dictionary reset');
      if (ip + n > input.length) throw new LzmaError('LZMA2 stored chunk is truncated');
      out.copyIn(input.subarray(ip, ip + n));
      out.checkTick();
      ip += n;
      continue;
    }
    if (control < 0x80) throw new LzmaError(`LZMA2 control byte 0x${control.toString(16)} is invalid`);
    if (ip + 4 > input.length) throw new LzmaError('LZMA2 chunk header is truncated');
    const unpacked = (control & 0x1f) * 65536 + ((input[ip]! << 8) | input[ip + 1]!) + 1;
    const packed = ((input[ip + 2]! << 8) | input[ip + 3]!) + 1;
    ip += 4;
    const mode = (control >>> 5) & 3;
    if (mode === 3) {
      out.dictStart = out.pos;
      needDictReset = false;
    } else if (needDictReset) throw new LzmaError('LZMA2 stream does not start with a dictionary reset');
    if (mode >= 2) {
      if (ip >= input.length) throw new LzmaError('LZMA2 properties are truncated');
      const d = input[ip++]!;
      const { lc, lp } = lzmaProps(d);
      if (lc + lp > 4) throw new LzmaError('LZMA2 properties have lc + lp > 4');
      s.setProps(d);
      needProps = false;
    } else if (needProps) throw new LzmaError('LZMA2 chunk has no properties');
    if (mode >= 1) s.reset();
    if (ip + packed > input.length) throw new LzmaError('LZMA2 chunk is truncated');
    const rc = new RangeDecoder(input, ip, ip + packed);
    const target = out.pos + unpacked;
    if (target > out.max) throw new ExpandLimit(out.max);
    if (decodeLzmaRun(s, rc, out, target)) throw new LzmaError('LZMA2 chunk has an end marker');
    ip += packed;
  }
  if (size >= 0 && out.pos !== size)
    throw new LzmaError(`LZMA2 stream decoded to ${out.pos} bytes, ${size} declared`);
  return out.result();
}
