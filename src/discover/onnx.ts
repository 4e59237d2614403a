/**
 * Recognises an ONNX ModelProto by walking its top-level protobuf fields: `ir_version` (field 1,
 * varint) comes first, then only fields that ModelProto defines, with the right wire types and lengths
 * that fit in the file. Reads no more than the head it is given.
 */

export interface OnnxSniff {
  irVersion: number;
  producer?: string;
  producerVersion?: string;
  hasGraph: boolean;
  hasOpset: boolean;
}

// field number → wire type (0 varint, 2 length-delimited) for onnx.ModelProto
const MODEL_FIELDS: Record<number, 0 | 2> = {
  1: 0,
  2: 2,
  3: 2,
  4: 2,
  5: 0,
  6: 2,
  7: 2,
  8: 2,
  14: 2,
  20: 2,
  25: 2,
};

function varint(b: Uint8Array, p: number): [number, number] | undefined {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 10 && p + i < b.length; i++) {
    const byte = b[p + i]!;
    v += (byte & 0x7f) * mul;
    if (byte < 0x80) return Number.isSafeInteger(v) ? [v, p + i + 1] : undefined;
    mul *= 128;
  }
  return undefined;
}

export function sniffOnnx(head: Uint8Array, fileSize: number): OnnxSniff | undefined {
  if (head.length < 4 || head[0] !== 0x08) return undefined;
  const first = varint(head, 1);
  if (!first || first[0] < 1 || first[0] > 64) return undefined;
  const out: OnnxSniff = { irVersion: first[0], hasGraph: false, hasOpset: false };
  let p = first[1];
  let fields = 1;
  const dec = new TextDecoder('utf-8', { fatal: false });
  while (p < head.length && fields < 64) {
    const tag = varint(head, p);
    if (!tag) break;
    const field = Math.floor(tag[0] / 8);
    const wire = tag[0] & 7;
    if (MODEL_FIELDS[field] === undefined || MODEL_FIELDS[field] !== wire) return undefined;
    p = tag[1];
    if (wire === 0) {
      const v = varint(head, p);
      if (!v) break;
      p = v[1];
    } else {
      const len = varint(head, p);
      if (!len) break;
      p = len[1];
      if (p + len[0] > fileSize) return undefined;
      if ((field === 2 || field === 3) && p + len[0] <= head.length) {
        const s = dec.decode(head.subarray(p, p + Math.min(len[0], 200)));
        if (field === 2) out.producer = s;
        else out.producerVersion = s;
      }
      if (field === 7) out.hasGraph = true;
      if (field === 8) out.hasOpset = true;
      p += len[0];
    }
    fields++;
  }
  return fields >= 2 ? out : undefined;
}
