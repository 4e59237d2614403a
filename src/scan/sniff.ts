import { looksLikeTar } from './containers/tar.ts';
import { isPickleOpcode } from './pickle/machine.ts';

export type Kind =
  | 'zip'
  | '7z'
  | 'tar'
  | 'gzip'
  | 'bz2'
  | 'xz'
  | 'lzma'
  | 'zlib'
  | 'lz4'
  | 'joblib-zf'
  | 'npy'
  | 'hdf5'
  | 'gguf'
  | 'safetensors'
  | 'pickle'
  | 'protobuf'
  | 'json'
  | 'yaml'
  | 'text'
  | 'unknown';

function eq(b: Uint8Array, off: number, s: number[]): boolean {
  if (b.length < off + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[off + i] !== s[i]) return false;
  return true;
}

/**
 * The unpickler needs no header: any opcode may come first (PROTO is optional, even at protocol 4).
 * So anything that opens with an opcode is tried as a pickle; a parse that resolves no global runs
 * nothing and is reported as "not a model", so a loose guess costs little and a strict one could
 * skip a payload.
 */
function looksLikePickle(b: Uint8Array): boolean {
  const c = b[0];
  if (c === undefined || !isPickleOpcode(c)) return false;
  // Opcodes that read a line need a newline to get anywhere.
  if ('cipPSVIFLgaGp'.includes(String.fromCharCode(c))) return Buffer.from(b.subarray(0, 256)).includes(0x0a);
  return true;
}

export function sniff(
  head: Uint8Array,
  size: number,
  name = '',
  options: { notPickle?: boolean } = {},
): Kind {
  if (
    eq(head, 0, [0x50, 0x4b, 0x03, 0x04]) ||
    eq(head, 0, [0x50, 0x4b, 0x05, 0x06]) ||
    eq(head, 0, [0x50, 0x4b, 0x07, 0x08])
  )
    return 'zip';
  if (eq(head, 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7z';
  if (eq(head, 0, [0x1f, 0x8b])) return 'gzip';
  if (eq(head, 0, [0x42, 0x5a, 0x68]) && head[3]! >= 0x31 && head[3]! <= 0x39) return 'bz2';
  if (eq(head, 0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (eq(head, 0, [0x04, 0x22, 0x4d, 0x18])) return 'lz4';
  if (eq(head, 0, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return 'npy';
  if (eq(head, 0, [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])) return 'hdf5';
  if (eq(head, 0, [0x47, 0x47, 0x55, 0x46])) return 'gguf';
  if (
    eq(head, 0, [0x5a, 0x46]) &&
    /^ZF0x[0-9a-fA-F]+/.test(Buffer.from(head.subarray(0, 24)).toString('latin1'))
  )
    return 'joblib-zf';
  if (looksLikeTar(head)) return 'tar';
  if (!options.notPickle && head.length >= 3 && head[0] === 0x80 && head[1]! <= 5 && isPickleOpcode(head[2]!))
    return 'pickle';
  if (head.length >= 9) {
    const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const n = v.getUint32(0, true) + v.getUint32(4, true) * 2 ** 32;
    if (n >= 2 && head[8] === 0x7b && (n <= size - 8 || head[9] === 0x22 || head[9] === 0x7d))
      return 'safetensors';
  }
  if (
    !options.notPickle &&
    looksLikePickle(head) &&
    !(head[0] === 0x5d && head.length >= 13 && head[12] === 0xff)
  )
    return 'pickle';
  // LZMA "alone" (.lzma, joblib's lzma compressor): lc/lp/pb byte, then a power-of-two-ish dictionary.
  if (
    head.length >= 13 &&
    head[0]! < 225 &&
    head[0] === 0x5d &&
    head[4]! <= 0x40 &&
    (head[12] === 0xff || head[12] === 0x00)
  )
    return 'lzma';
  if (
    head.length >= 2 &&
    (head[0]! & 0x0f) === 8 &&
    head[0]! >> 4 <= 7 &&
    ((head[0]! << 8) | head[1]!) % 31 === 0
  )
    return 'zlib';
  const text = Buffer.from(head.subarray(0, 512)).toString('utf8');
  if (/^\s*[{[]/.test(text) && !/[\0]/.test(text)) return 'json';
  if (/\.ya?ml$/i.test(name) && !/[\0]/.test(text)) return 'yaml';
  if (/\.pb(txt)?$/i.test(name) || /\.onnx$/i.test(name)) return 'protobuf';
  // A protobuf starts with a field key; ONNX's is ir_version (field 1, varint) and SavedModel's too.
  if (head[0] === 0x08 && head.length > 4) return 'protobuf';
  if (!/[\0-\x08\x0e-\x1f]/.test(text) && text.length > 0) return 'text';
  return 'unknown';
}
