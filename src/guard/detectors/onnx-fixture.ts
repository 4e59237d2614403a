// Writes tiny ONNX models in code (protobuf encoded by hand), so the transformer detector's tests
// need no downloaded weights. The model: logits = mean over tokens of a [vocab, 2] embedding.

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, v: number | bigint) => [...key(field, 0), ...varint(v)];
const bytes = (field: number, b: number[] | Uint8Array) => [...key(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string) => bytes(field, [...Buffer.from(s, 'utf8')]);

const FLOAT = 1;
const INT64 = 7;

function valueInfo(name: string, elemType: number, dims: (number | string)[]): number[] {
  const dimMsgs = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  const tensorType = [...int(1, elemType), ...bytes(2, dimMsgs)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

/**
 * A classifier over token ids: `input_ids` and `attention_mask` (int64 [1, seq]) in, `logits`
 * (float [1, 2]) out. `embedding[i]` is the (benign, injection) logit pair of token i.
 */
export function tinyClassifierOnnx(embedding: [number, number][]): Uint8Array {
  const flat = new Float32Array(embedding.flat());
  const init = [
    ...int(1, embedding.length),
    ...int(1, 2),
    ...int(2, FLOAT),
    ...str(8, 'embedding'),
    ...bytes(9, new Uint8Array(flat.buffer)),
  ];
  const gather = [
    ...str(1, 'embedding'),
    ...str(1, 'input_ids'),
    ...str(2, 'vectors'),
    ...str(3, 'gather'),
    ...str(4, 'Gather'),
  ];
  const axes = [...str(1, 'axes'), ...int(20, 7), ...int(8, 1)];
  const keepdims = [...str(1, 'keepdims'), ...int(20, 2), ...int(3, 0)];
  const reduce = [
    ...str(1, 'vectors'),
    ...str(2, 'logits'),
    ...str(3, 'mean'),
    ...str(4, 'ReduceMean'),
    ...bytes(5, axes),
    ...bytes(5, keepdims),
  ];
  const graph = [
    ...bytes(1, gather),
    ...bytes(1, reduce),
    ...str(2, 'tiny-classifier'),
    ...bytes(5, init),
    ...bytes(11, valueInfo('input_ids', INT64, [1, 'seq'])),
    ...bytes(11, valueInfo('attention_mask', INT64, [1, 'seq'])),
    ...bytes(12, valueInfo('logits', FLOAT, [1, 2])),
  ];
  const model = [
    ...int(1, 8),
    ...str(2, 'bulwark-test'),
    ...bytes(7, graph),
    ...bytes(8, [...str(1, ''), ...int(2, 13)]),
  ];
  return Uint8Array.from(model);
}
