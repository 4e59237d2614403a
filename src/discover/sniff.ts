/**
 * Tells what a file is from its bytes first and its extension second: a `.bin` that holds a pickle is
 * a pickle, a `.pt` that is a zip with `data.pkl` is PyTorch. Pure and bounded: it only looks at the
 * head and tail slices it is given (plus zip member names the caller listed), never at the whole file.
 */
import { extname } from 'node:path';
import { isGguf, readGgufHeader } from './gguf.ts';
import { sniffOnnx } from './onnx.ts';
import { isZip, readLocalMembers } from './zip.ts';

export type ArtifactKind = 'model' | 'dataset';

export interface Sniffed {
  kind: ArtifactKind;
  /** `pickle`, `pytorch`, `safetensors`, `onnx`, `gguf`, `keras`, `hdf5`, `numpy`, `parquet`, `csv` … */
  format: string;
  frameworks: string[];
  /** Loading this format runs code from the file (pickle and formats built on it). */
  executesCode: boolean;
  /** `magic` when the bytes proved the format, `extension` when only the name and a loose check did. */
  by: 'magic' | 'extension';
  detail: Record<string, unknown>;
}

export interface SniffInput {
  /** File name or relative path; only the extension is used. */
  name: string;
  /** The first bytes of the file (64 KiB is plenty; the whole file when smaller). */
  head: Uint8Array;
  /** The last bytes of the file (may overlap `head`). */
  tail: Uint8Array;
  size: number;
  /** Member names from the zip central directory, when the file is a zip. */
  zipNames?: string[];
}

/** What each extension promises, so that a mismatch with the bytes can be reported. */
export const EXTENSION_FORMATS: Record<string, string> = {
  '.safetensors': 'safetensors',
  '.onnx': 'onnx',
  '.gguf': 'gguf',
  '.npy': 'numpy',
  '.npz': 'npz',
  '.pt': 'pytorch',
  '.pth': 'pytorch',
  '.pkl': 'pickle',
  '.pickle': 'pickle',
  '.dill': 'pickle',
  '.joblib': 'joblib',
  '.jbl': 'joblib',
  '.h5': 'hdf5',
  '.hdf5': 'hdf5',
  '.keras': 'keras',
  '.tflite': 'tflite',
  '.mlmodel': 'coreml',
  '.parquet': 'parquet',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.avro': 'avro',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** Extensions whose format cannot run code: a pickle behind one of them is disguised. */
export const SAFE_EXTENSIONS = new Set([
  '.safetensors',
  '.onnx',
  '.gguf',
  '.npy',
  '.h5',
  '.hdf5',
  '.tflite',
  '.parquet',
  '.arrow',
  '.feather',
  '.csv',
  '.tsv',
  '.json',
  '.jsonl',
  '.ndjson',
  '.txt',
  '.msgpack',
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
]);

const PICKLE_EXT = new Set(['.pkl', '.pickle', '.dill', '.joblib', '.jbl', '.pt', '.pth', '.ckpt', '.bin']);
// torch.save without the zip container: a protocol-2 pickle whose first object is this magic number.
const TORCH_LEGACY = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
const HDF5_SIG = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const NUMPY_SIG = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const FRAMEWORKS = new Set([
  'sklearn',
  'torch',
  'xgboost',
  'lightgbm',
  'catboost',
  'keras',
  'tensorflow',
  'transformers',
  'numpy',
  'pandas',
  'joblib',
]);
// Module names in a pickle: after GLOBAL (`c<module>\n<name>\n`), or as short strings that
// STACK_GLOBAL consumes (SHORT_BINUNICODE 0x8c, BINUNICODE 'X' with a 4-byte length).
const PICKLE_MODULES =
  /c([A-Za-z_][\w.]*)\n[A-Za-z_][\w.]*\n|\x8c[\s\S]([A-Za-z_][\w.]*)|X[\s\S]{4}([A-Za-z_][\w.]*)/g;
const MODEL_MEMBER = /\.(pt|pth|ckpt|bin|safetensors|onnx|gguf|h5|hdf5|keras|tflite|npy|mlmodel)$/i;
// Opcodes a protocol 0/1 pickle can start with (MARK, GLOBAL, INST, empty containers, constants).
const TEXT_PICKLE_START = /^[(ci})\]NISVXUTKJMLFGldP]/;
const STRONG_PICKLE_EXT = new Set(['.pkl', '.pickle', '.dill', '.joblib', '.jbl']);
const MAX_SAFETENSORS_HEADER = 100 * 1024 * 1024;

function startsWith(b: Uint8Array, sig: number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

function ascii(b: Uint8Array, at: number, s: string): boolean {
  if (b.length < at + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

export function extensionOf(name: string): string {
  const lower = name.toLowerCase();
  return extname(lower);
}

/** Framework modules named in the pickle's global references (they are plain text in the stream). */
function pickleFrameworks(head: Uint8Array): string[] {
  const found = new Set<string>();
  for (const m of latin1(head.subarray(0, 65536)).matchAll(PICKLE_MODULES)) {
    const root = (m[1] ?? m[2] ?? m[3] ?? '').split('.')[0]!;
    if (FRAMEWORKS.has(root)) found.add(root);
  }
  return [...found].sort();
}

export function pickleProtocol(head: Uint8Array): number | undefined {
  if (head.length >= 2 && head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5) return head[1];
  return undefined;
}

/** Header length of a safetensors file when the first bytes look like one, else undefined. */
export function safetensorsHeaderLength(head: Uint8Array, size: number): number | undefined {
  if (head.length < 9 || size < 10) return undefined;
  const n = Number(Buffer.from(head.buffer, head.byteOffset, 8).readBigUInt64LE(0));
  if (n < 2 || n > MAX_SAFETENSORS_HEADER || 8 + n > size) return undefined;
  if (head[8] !== 0x7b) return undefined; // '{'
  return n;
}

function sniffSafetensors(head: Uint8Array, size: number): Sniffed | undefined {
  const n = safetensorsHeaderLength(head, size);
  if (n === undefined) return undefined;
  const detail: Record<string, unknown> = { headerBytes: n };
  if (8 + n <= head.length) {
    let header: unknown;
    try {
      header = JSON.parse(Buffer.from(head.buffer, head.byteOffset + 8, n).toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header)) return undefined;
    const dtypes = new Set<string>();
    let tensors = 0;
    for (const [k, v] of Object.entries(header as Record<string, unknown>)) {
      if (k === '__metadata__') {
        const fmt = (v as Record<string, unknown> | null)?.format;
        if (typeof fmt === 'string') detail.savedFrom = fmt.slice(0, 20);
        continue;
      }
      tensors++;
      const dt = (v as Record<string, unknown> | null)?.dtype;
      if (typeof dt === 'string') dtypes.add(dt.slice(0, 16));
    }
    detail.tensors = tensors;
    detail.dtypes = [...dtypes].sort().slice(0, 16);
  }
  const fw = detail.savedFrom === 'pt' ? ['torch'] : detail.savedFrom === 'tf' ? ['tensorflow'] : [];
  return { kind: 'model', format: 'safetensors', frameworks: fw, executesCode: false, by: 'magic', detail };
}

function sniffNumpy(head: Uint8Array): Sniffed | undefined {
  if (!startsWith(head, NUMPY_SIG) || head.length < 10) return undefined;
  const major = head[6]!;
  if (major < 1 || major > 3) return undefined;
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const hlen = major === 1 ? b.readUInt16LE(8) : head.length >= 12 ? b.readUInt32LE(8) : 0;
  const start = major === 1 ? 10 : 12;
  const header = b.toString('latin1', start, Math.min(b.length, start + Math.min(hlen, 4096)));
  const descr = /'descr':\s*'([^']{1,32})'/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]{0,200})\)/.exec(header)?.[1];
  // dtype=object arrays are stored as a pickle inside the .npy and need allow_pickle to load.
  const objects = descr !== undefined && /^\|?O/.test(descr);
  return {
    kind: 'model',
    format: 'numpy',
    frameworks: ['numpy'],
    executesCode: objects,
    by: 'magic',
    detail: {
      version: `${major}.${head[7]}`,
      ...(descr ? { dtype: descr } : {}),
      ...(shape !== undefined
        ? {
            shape: shape
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          }
        : {}),
    },
  };
}

function sniffZip(input: SniffInput, ext: string): Sniffed | undefined {
  const names = input.zipNames ?? [];
  const base = (n: string) => n.slice(n.lastIndexOf('/') + 1);
  const has = (pred: (n: string) => boolean) => names.some(pred);
  const detail = { members: names.length };
  if (has((n) => base(n) === 'data.pkl')) {
    const script = has((n) => base(n) === 'constants.pkl') || has((n) => /(^|\/)code\//.test(n));
    return {
      kind: 'model',
      format: script ? 'torchscript' : 'pytorch',
      frameworks: ['torch'],
      executesCode: true,
      by: 'magic',
      detail,
    };
  }
  if (has((n) => n === 'config.json') && has((n) => n === 'model.weights.h5' || n === 'metadata.json')) {
    return {
      kind: 'model',
      format: 'keras',
      frameworks: ['keras'],
      executesCode: false,
      by: 'magic',
      detail,
    };
  }
  if (names.length > 0 && names.every((n) => n.endsWith('.npy'))) {
    // Object arrays inside are pickles (loaded with allow_pickle=True); seen in the members we can read.
    const objects = readLocalMembers(input.head).some((m) => m.start && sniffNumpy(m.start)?.executesCode);
    return {
      kind: 'model',
      format: 'npz',
      frameworks: ['numpy'],
      executesCode: objects,
      by: 'magic',
      detail,
    };
  }
  // Any other zip holding pickles (by name, or by the bytes of stored members) or model files.
  const pickles = new Set(names.filter((n) => /\.(pkl|pickle|dill|joblib)$/i.test(n)));
  for (const m of readLocalMembers(input.head))
    if (m.start && pickleProtocol(m.start) !== undefined) pickles.add(m.name);
  if (pickles.size > 0) {
    return {
      kind: 'model',
      format: 'zip',
      frameworks: [],
      executesCode: true,
      by: 'magic',
      detail: { ...detail, pickleMembers: [...pickles].slice(0, 10) },
    };
  }
  const models = names.filter((n) => MODEL_MEMBER.test(n));
  if (models.length > 0) {
    return {
      kind: 'model',
      format: 'zip',
      frameworks: [],
      executesCode: false,
      by: 'magic',
      detail: { ...detail, modelMembers: models.slice(0, 10) },
    };
  }
  if (['.pt', '.pth', '.ckpt', '.bin', '.keras', '.npz', '.mar'].includes(ext)) {
    return { kind: 'model', format: 'zip', frameworks: [], executesCode: false, by: 'extension', detail };
  }
  return undefined;
}

function sniffText(input: SniffInput, ext: string): Sniffed | undefined {
  const expected = EXTENSION_FORMATS[ext];
  if (expected !== 'csv' && expected !== 'jsonl') return undefined;
  if (input.head.includes(0)) return undefined;
  const text = Buffer.from(input.head.buffer, input.head.byteOffset, input.head.byteLength).toString('utf8');
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '');
  if (firstLine === undefined) return undefined;
  if (expected === 'csv') {
    const sep = ext === '.tsv' ? '\t' : ',';
    const columns = firstLine
      .split(sep)
      .slice(0, 50)
      .map((c) => c.trim().replace(/^"|"$/g, '').slice(0, 64));
    return {
      kind: 'dataset',
      format: 'csv',
      frameworks: [],
      executesCode: false,
      by: 'extension',
      detail: { columns },
    };
  }
  let row: unknown;
  try {
    row = JSON.parse(firstLine);
  } catch {
    // A first record longer than the head cannot be parsed here; its opening brace will have to do.
    const cut = input.size > input.head.length && text.indexOf('\n', text.indexOf(firstLine)) === -1;
    if (!(cut && /^\s*[{[]/.test(firstLine))) return undefined;
  }
  const fields =
    row && typeof row === 'object' && !Array.isArray(row) ? Object.keys(row).slice(0, 50) : undefined;
  return {
    kind: 'dataset',
    format: 'jsonl',
    frameworks: [],
    executesCode: false,
    by: 'extension',
    detail: fields ? { fields } : {},
  };
}

/** Identifies a model or dataset artifact, or returns undefined when the bytes are neither. */
export function sniff(input: SniffInput): Sniffed | undefined {
  const { head, tail, size } = input;
  const ext = extensionOf(input.name);
  if (size === 0 || head.length === 0) return undefined;

  if (isZip(head)) return sniffZip(input, ext);

  if (isGguf(head)) {
    const h = readGgufHeader(head);
    if (h) {
      const detail: Record<string, unknown> = {
        version: h.version,
        tensors: h.tensorCount,
        ...h.metadata,
      };
      return {
        kind: 'model',
        format: 'gguf',
        frameworks: ['llama.cpp'],
        executesCode: false,
        by: 'magic',
        detail,
      };
    }
  }

  const protocol = pickleProtocol(head);
  if (protocol !== undefined) {
    if (startsWith(head, TORCH_LEGACY)) {
      return {
        kind: 'model',
        format: 'pytorch-legacy',
        frameworks: ['torch'],
        executesCode: true,
        by: 'magic',
        detail: { pickleProtocol: protocol },
      };
    }
    const frameworks = pickleFrameworks(head);
    const joblib = ext === '.joblib' || ext === '.jbl';
    const torchName = ['.pt', '.pth', '.ckpt'].includes(ext) || /pytorch_model[^/]*\.bin$/i.test(input.name);
    if (torchName && !frameworks.includes('torch')) frameworks.push('torch');
    return {
      kind: 'model',
      format: joblib ? 'joblib' : 'pickle',
      frameworks,
      executesCode: true,
      by: 'magic',
      detail: { pickleProtocol: protocol },
    };
  }

  const st = sniffSafetensors(head, size);
  if (st) return st;
  const np = sniffNumpy(head);
  if (np) return np;

  for (const at of [0, 512, 1024, 2048]) {
    if (startsWith(head, HDF5_SIG, at)) {
      const text = latin1(head);
      const keras = ext === '.keras' || /keras_version|model_config|model_weights/.test(text);
      return {
        kind: 'model',
        format: keras ? 'keras-h5' : 'hdf5',
        frameworks: keras ? ['keras'] : [],
        executesCode: false,
        by: 'magic',
        detail: { superblockOffset: at },
      };
    }
  }

  if (ascii(head, 0, 'PAR1') && size >= 8 && ascii(tail, tail.length - 4, 'PAR1')) {
    return {
      kind: 'dataset',
      format: 'parquet',
      frameworks: [],
      executesCode: false,
      by: 'magic',
      detail: {},
    };
  }
  if (ascii(head, 0, 'ARROW1') || ascii(head, 0, 'FEA1')) {
    return { kind: 'dataset', format: 'arrow', frameworks: [], executesCode: false, by: 'magic', detail: {} };
  }
  if (ascii(head, 0, 'Obj\u0001')) {
    return { kind: 'dataset', format: 'avro', frameworks: [], executesCode: false, by: 'magic', detail: {} };
  }
  // torch.save before 0.4 wrote a tar of pickles (sys_info, pickle, storages, tensors).
  if (ascii(head, 257, 'ustar') && ['.pt', '.pth', '.ckpt', '.bin', '.tar'].includes(ext)) {
    const first = latin1(head.subarray(0, 100)).replace(/\0.*$/s, '');
    if (ext !== '.tar' || /^(\.\/)?(sys_info|pickle|storages|tensors)$/.test(first)) {
      return {
        kind: 'model',
        format: 'pytorch-tar',
        frameworks: ['torch'],
        executesCode: true,
        by: 'magic',
        detail: { firstMember: first.slice(0, 100) },
      };
    }
  }
  if (ascii(head, 4, 'TFL3')) {
    return {
      kind: 'model',
      format: 'tflite',
      frameworks: ['tensorflow'],
      executesCode: false,
      by: 'magic',
      detail: {},
    };
  }

  if (ext === '.joblib' || ext === '.jbl') {
    // joblib's compressed dumps: zlib, gzip, xz, lz4 or its own legacy "ZF" container around a pickle.
    const compressed =
      (head[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(head[1] ?? -1)) ||
      startsWith(head, [0x1f, 0x8b]) ||
      startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a]) ||
      startsWith(head, [0x04, 0x22, 0x4d, 0x18]) ||
      ascii(head, 0, 'BZh') ||
      startsWith(head, [0x5d, 0x00, 0x00]) || // raw lzma (.lzma)
      ascii(head, 0, 'ZF');
    if (compressed) {
      return {
        kind: 'model',
        format: 'joblib',
        frameworks: [],
        executesCode: true,
        by: 'magic',
        detail: { compressed: true },
      };
    }
  }

  // Protocol 0/1 pickles have no magic: trust a pickle extension and a plausible first opcode, and for
  // looser extensions (.bin, .pt) also the STOP opcode ('.') at the end.
  const textPickle =
    TEXT_PICKLE_START.test(String.fromCharCode(head[0]!)) &&
    (STRONG_PICKLE_EXT.has(ext) || (PICKLE_EXT.has(ext) && tail[tail.length - 1] === 0x2e));
  if (textPickle) {
    return {
      kind: 'model',
      format: ext === '.joblib' || ext === '.jbl' ? 'joblib' : 'pickle',
      frameworks: pickleFrameworks(head),
      executesCode: true,
      by: 'extension',
      detail: { pickleProtocol: 0 },
    };
  }

  const onnx = sniffOnnx(head, size);
  if (onnx && (ext === '.onnx' || (onnx.hasGraph && (onnx.hasOpset || onnx.producer !== undefined)))) {
    return {
      kind: 'model',
      format: 'onnx',
      frameworks: ['onnx'],
      executesCode: false,
      by: 'magic',
      detail: {
        irVersion: onnx.irVersion,
        ...(onnx.producer !== undefined ? { producer: onnx.producer } : {}),
        ...(onnx.producerVersion !== undefined ? { producerVersion: onnx.producerVersion } : {}),
      },
    };
  }

  if (ext === '.pb' && head[0] === 0x0a) {
    return {
      kind: 'model',
      format: 'tensorflow-pb',
      frameworks: ['tensorflow'],
      executesCode: false,
      by: 'extension',
      detail: {},
    };
  }
  if (ext === '.mlmodel' && head[0] === 0x08) {
    return {
      kind: 'model',
      format: 'coreml',
      frameworks: ['coreml'],
      executesCode: false,
      by: 'extension',
      detail: {},
    };
  }

  return sniffText(input, ext);
}
