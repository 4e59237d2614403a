import type { ScanContext } from '../context.ts';
import type { Source } from '../source.ts';

const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  U16: 2,
  I16: 2,
  F16: 2,
  BF16: 2,
  U32: 4,
  I32: 4,
  F32: 4,
  U64: 8,
  I64: 8,
  F64: 8,
  C64: 8,
};

const CODE_OR_URL =
  /(__import__|\bos\.system|\bsubprocess\b|\beval\s*\(|\bexec\s*\(|https?:\/\/|\$\(|<script|\bimport\s+\w)/i;

/**
 * safetensors: 8-byte header length, JSON header, then a data buffer that the tensors' offsets must
 * tile exactly. Only the header is read; the data buffer is never loaded.
 */
export function scanSafetensors(ctx: ScanContext, src: Source, member?: string): void {
  ctx.formats.add('safetensors');
  const bad = (title: string, offset?: number, evidence: Record<string, unknown> = {}) =>
    ctx.add('scan.safetensors.header', {
      member,
      ...(offset !== undefined ? { offset } : {}),
      title,
      evidence,
    });
  const head = src.read(0, 8);
  if (head.length < 8) {
    bad(`safetensors file of ${src.size} bytes has no header length`, 0);
    return;
  }
  const v = new DataView(head.buffer, head.byteOffset, 8);
  const n = v.getUint32(0, true) + v.getUint32(4, true) * 2 ** 32;
  if (n > src.size - 8) {
    bad(`safetensors header length ${n} is longer than the file`, 0);
    return;
  }
  if (n > ctx.limits.maxHeaderBytes) {
    ctx.add('scan.file.limit-reached', {
      member,
      offset: 0,
      title: `safetensors header of ${n} bytes exceeds the header limit`,
    });
    return;
  }
  let header: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(src.read(8, n)).toString('utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    header = parsed as Record<string, unknown>;
  } catch (e) {
    ctx.add('scan.file.unparseable', {
      member,
      offset: 8,
      title: `safetensors header is not a JSON object (${(e as Error).message})`,
    });
    return;
  }
  ctx.recognised = true;
  const dataSize = src.size - 8 - n;
  const spans: { name: string; start: number; end: number }[] = [];
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!t || typeof t !== 'object' || Array.isArray(t)) {
        bad('safetensors __metadata__ is not a string map', 8);
        continue;
      }
      for (const [k, val] of Object.entries(t as Record<string, unknown>)) {
        if (typeof val !== 'string')
          bad(`safetensors __metadata__ value ${JSON.stringify(k)} is not a string`, 8);
        else if (CODE_OR_URL.test(val))
          ctx.add('scan.safetensors.metadata', {
            member,
            offset: 8,
            title: `safetensors metadata ${JSON.stringify(k)} contains code or a URL`,
            evidence: { key: k, value: val.slice(0, 200) },
          });
      }
      continue;
    }
    const info = t as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!info || typeof info !== 'object') {
      bad(`safetensors tensor ${JSON.stringify(name)} is not an object`, 8);
      continue;
    }
    const size = typeof info.dtype === 'string' ? DTYPE_BYTES[info.dtype] : undefined;
    const shape = info.shape;
    const offs = info.data_offsets;
    if (
      size === undefined ||
      !Array.isArray(shape) ||
      !shape.every((x) => Number.isSafeInteger(x) && x >= 0) ||
      !Array.isArray(offs) ||
      offs.length !== 2 ||
      !offs.every((x) => Number.isSafeInteger(x) && x >= 0)
    ) {
      bad(`safetensors tensor ${JSON.stringify(name)} has an invalid dtype, shape or data_offsets`, 8, {
        tensor: name,
      });
      continue;
    }
    const [start, end] = offs as [number, number];
    if (end < start || end > dataSize) {
      bad(
        `safetensors tensor ${JSON.stringify(name)} data_offsets [${start}, ${end}] are out of bounds (data is ${dataSize} bytes)`,
        8 + n + start,
        {
          tensor: name,
        },
      );
      continue;
    }
    const elems = (shape as number[]).reduce((a, b) => a * b, 1);
    if (elems * size !== end - start)
      bad(
        `safetensors tensor ${JSON.stringify(name)} holds ${end - start} bytes, ${info.dtype} × ${JSON.stringify(shape)} needs ${elems * size}`,
        8 + n + start,
        {
          tensor: name,
        },
      );
    spans.push({ name, start, end });
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  let cursor = 0;
  for (const s of spans) {
    if (s.start < cursor)
      bad(`safetensors tensor ${JSON.stringify(s.name)} overlaps the previous tensor`, 8 + n + s.start);
    else if (s.start > cursor)
      bad(
        `safetensors data has a ${s.start - cursor}-byte gap before ${JSON.stringify(s.name)}`,
        8 + n + cursor,
      );
    cursor = Math.max(cursor, s.end);
  }
  if (cursor !== dataSize && spans.length > 0)
    bad(`safetensors file has ${dataSize - cursor} byte(s) after the last tensor`, 8 + n + cursor);
}
