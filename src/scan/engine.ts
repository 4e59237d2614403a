import { crc32 } from 'node:zlib';
import { type Codec, decompress, ExpandLimit } from './containers/compress.ts';
import { readSevenZip, SevenZError } from './containers/sevenz.ts';
import { listTar } from './containers/tar.ts';
import { listZip, unsafePath, type ZipEntry } from './containers/zip.ts';
import { joinMember, ScanContext, TimeLimit } from './context.ts';
import { parseNpyHeader } from './formats/npy.ts';
import { scanPickleStream } from './pickle/analyze.ts';
import { type Kind, sniff } from './sniff.ts';
import { MemSource, readAll, type Source } from './source.ts';

/** torch.save's legacy (non-zip) layout opens with this pickle: PROTO 2, LONG1 magic number, STOP. */
const LEGACY_TORCH_MAGIC = [
  0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
];
const STORAGE_MEMBER = /(^|\/)data\/\d+$/;
const MODEL_EXTENSIONS =
  /\.(pt|pth|bin|pkl|pickle|joblib|ckpt|h5|hdf5|keras|onnx|pb|gguf|safetensors|npy|npz|model|mar|nemo|tar|zip|7z|dill|sav)$/i;

function startsWith(b: Uint8Array, sig: number[]): boolean {
  if (b.length < sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[i] !== sig[i]) return false;
  return true;
}

export interface SourceHint {
  name: string;
}

/** Scans one byte source (a file, a member, a decompressed stream) by what its content is. */
export async function scanSource(
  ctx: ScanContext,
  src: Source,
  member: string | undefined,
  depth: number,
  hint: SourceHint,
): Promise<void> {
  const where = member ?? '';
  if (!ctx.timeLeft(where)) return;
  if (depth > ctx.limits.maxDepth) {
    ctx.add('scan.file.limit-reached', {
      member,
      title: `Nesting deeper than ${ctx.limits.maxDepth} levels`,
      evidence: { limit: 'maxDepth' },
    });
    return;
  }
  if (src.size === 0) return;
  const head = src.read(0, 1024);
  return scanKind(ctx, src, member, depth, hint, sniff(head, src.size, hint.name));
}

async function scanKind(
  ctx: ScanContext,
  src: Source,
  member: string | undefined,
  depth: number,
  hint: SourceHint,
  kind: Kind,
): Promise<void> {
  switch (kind) {
    case 'zip':
      return scanZip(ctx, src, member, depth);
    case 'tar':
      return scanTar(ctx, src, member, depth);
    case '7z':
      return scanSevenZ(ctx, src, member, depth);
    case 'gzip':
    case 'bz2':
    case 'xz':
    case 'lzma':
    case 'zlib':
    case 'lz4':
    case 'joblib-zf':
      return scanCompressed(ctx, src, member, depth, kind, hint);
    case 'npy':
      return scanNpy(ctx, src, member, depth);
    case 'hdf5':
      return (await import('./formats/keras.ts')).scanHdf5(ctx, src, member);
    case 'gguf':
      return (await import('./formats/gguf.ts')).scanGguf(ctx, src, member);
    case 'safetensors':
      return (await import('./formats/safetensors.ts')).scanSafetensors(ctx, src, member);
    case 'pickle':
      return scanPickleSource(ctx, src, member, depth, hint);
    case 'protobuf':
      return scanProtobuf(ctx, src, member, hint);
    case 'json':
    case 'yaml':
      return scanConfig(ctx, src, member, kind);
    case 'text':
      ctx.formats.add('text');
      if (MODEL_EXTENSIONS.test(hint.name)) notAModel(ctx, member, hint, 'text');
      return;
    default:
      notAModel(ctx, member, hint, 'unrecognised binary');
  }
}

function isText(b: Uint8Array): boolean {
  return !/[\0-\x08\x0e-\x1f]/.test(Buffer.from(b.subarray(0, 512)).toString('utf8'));
}

function notAModel(ctx: ScanContext, member: string | undefined, hint: SourceHint, what: string): void {
  ctx.formats.add('unknown');
  const claims = MODEL_EXTENSIONS.test(hint.name);
  ctx.add('scan.file.not-a-model', {
    member,
    severity: claims ? 'low' : 'info',
    title: claims
      ? `Not a valid model: ${JSON.stringify(hint.name.split(/[\\/]/).pop())} has a model extension but its content is ${what}`
      : `Not a model file (${what})`,
  });
}

async function scanPickleSource(
  ctx: ScanContext,
  src: Source,
  member: string | undefined,
  depth: number,
  hint: SourceHint,
): Promise<void> {
  const head = src.read(0, 16);
  const legacy = startsWith(head, LEGACY_TORCH_MAGIC);
  let data = readAll(src, ctx.limits.maxInMemoryBytes);
  if (!data) {
    if (!legacy) {
      ctx.add('scan.file.limit-reached', {
        member,
        title: `Pickle of ${src.size} bytes is larger than the in-memory limit (${ctx.limits.maxInMemoryBytes})`,
        evidence: { limit: 'maxInMemoryBytes', size: src.size },
      });
      return;
    }
    // Legacy checkpoints keep their pickles first and raw storages after: the prefix is enough.
    data = src.read(0, ctx.limits.maxInMemoryBytes);
  }
  const before = ctx.findings.length;
  const nested: { bytes: Uint8Array; member: string }[] = [];
  const res = scanPickleStream(ctx, data, {
    ...(member ? { member } : {}),
    ...(legacy ? { stopAfter: 5 } : {}),
    onNested: (bytes, m) => nested.push({ bytes, member: m }),
  });
  const completed = res.pickles.some((p) => p.end >= 0);
  if (!completed && res.globals.length === 0 && res.exts.length === 0) {
    // Nothing a loader could run (any call needs a global or an extension first): not a pickle.
    ctx.findings.length = before;
    ctx.formats.delete('pickle');
    // Bytes that open with an opcode may still be another format (a zlib stream starting with 'X').
    const other = sniff(src.read(0, 1024), src.size, hint.name, { notPickle: true });
    if (other !== 'unknown' && other !== 'text') return scanKind(ctx, src, member, depth, hint, other);
    if (isText(head) && !MODEL_EXTENSIONS.test(hint.name)) {
      ctx.formats.add('text');
      return;
    }
    notAModel(ctx, member, hint, `not a valid pickle (${res.issues[0]?.message ?? 'no STOP'})`);
    return;
  }
  ctx.recognised = true;
  if (legacy) ctx.formats.add('pytorch-legacy');
  if (legacy && res.pickles.filter((p) => p.end >= 0).length < 5 && src.size > data.length)
    ctx.add('scan.file.limit-reached', {
      member,
      title: 'Legacy PyTorch pickles extend past the in-memory limit',
    });
  for (const n of nested)
    await scanSource(ctx, new MemSource(n.bytes), n.member, depth + 1, { name: 'nested.pt' });
}

async function scanNpy(
  ctx: ScanContext,
  src: Source,
  member: string | undefined,
  depth: number,
): Promise<void> {
  ctx.formats.add('npy');
  const head = src.read(0, 65_536 + 12);
  const h = parseNpyHeader(head);
  if ('error' in h) {
    ctx.add('scan.file.unparseable', {
      member,
      offset: 0,
      title: `NumPy file could not be parsed: ${h.error}`,
    });
    return;
  }
  ctx.recognised = true;
  if (!h.hasObject) return;
  ctx.add('scan.numpy.object-array', {
    member,
    offset: h.dataOffset,
    title: `NumPy object array (${h.descr}, shape ${JSON.stringify(h.shape)}): its pickle is scanned`,
  });
  const body = src.slice(h.dataOffset, src.size - h.dataOffset);
  const data = readAll(body, ctx.limits.maxInMemoryBytes);
  if (!data) {
    ctx.add('scan.file.limit-reached', {
      member,
      title: 'NumPy object array pickle exceeds the in-memory limit',
    });
    return;
  }
  const nested: { bytes: Uint8Array; member: string }[] = [];
  scanPickleStream(ctx, data, {
    ...(member ? { member } : {}),
    baseOffset: h.dataOffset,
    stopAfter: 1,
    onNested: (bytes, m) => nested.push({ bytes, member: m }),
  });
  for (const n of nested)
    await scanSource(ctx, new MemSource(n.bytes), n.member, depth + 1, { name: 'nested.pt' });
}

function inMemoryOrLimit(
  ctx: ScanContext,
  src: Source,
  member: string | undefined,
  what: string,
): Uint8Array | undefined {
  const data = readAll(src, ctx.limits.maxInMemoryBytes);
  if (!data)
    ctx.add('scan.file.limit-reached', {
      member,
      title: `${what} of ${src.size} bytes is larger than the in-memory limit (${ctx.limits.maxInMemoryBytes})`,
      evidence: { limit: 'maxInMemoryBytes', size: src.size },
    });
  return data;
}

function budget(ctx: ScanContext): number {
  return Math.max(0, Math.min(ctx.limits.maxInMemoryBytes, ctx.limits.maxExpandedBytes - ctx.expanded));
}

async function scanCompressed(
  ctx: ScanContext,
  src: Source,
  member: string | undefined,
  depth: number,
  kind: Kind,
  hint: SourceHint,
): Promise<void> {
  const data = inMemoryOrLimit(ctx, src, member, `${kind} stream`);
  if (!data) return;
  let codec: Codec;
  let payload = data;
  if (kind === 'joblib-zf') {
    // joblib < 0.10: "ZF0x<hex length>" then a zlib stream.
    const m = /^ZF0x[0-9a-fA-F]+/.exec(Buffer.from(data.subarray(0, 40)).toString('latin1'))!;
    payload = data.subarray(m[0].length);
    codec = 'zlib';
  } else codec = kind === 'lzma' ? 'lzma-alone' : (kind as Codec);
  let out: Uint8Array;
  try {
    out = await decompress(codec, payload, budget(ctx), ctx.tick);
  } catch (e) {
    if (e instanceof TimeLimit) return ctx.timeLimitReached(member, `${kind} stream`);
    if (e instanceof ExpandLimit) {
      ctx.add('scan.file.limit-reached', {
        member,
        title: `Decompressed ${kind} stream exceeds ${e.limit} bytes`,
        evidence: { limit: 'maxExpandedBytes' },
      });
      return;
    }
    // A zlib/lzma guess on arbitrary bytes is weak: treat a failed guess as unrecognised content.
    if (kind === 'zlib' || kind === 'lzma') return notAModel(ctx, member, hint, 'unrecognised binary');
    ctx.add('scan.file.unparseable', {
      member,
      title: `${kind} stream could not be decompressed: ${(e as Error).message}`,
    });
    return;
  }
  if (!ctx.expand(out.length, member ?? '')) return;
  ctx.formats.add(kind);
  await scanSource(ctx, new MemSource(out), joinMember(member, `<${kind}>`), depth + 1, {
    name: hint.name.replace(/\.(gz|bz2|xz|lzma|z)$/i, ''),
  });
}

async function scanSevenZ(
  ctx: ScanContext,
  src: Source,
  member: string | undefined,
  depth: number,
): Promise<void> {
  ctx.formats.add('7z');
  const data = inMemoryOrLimit(ctx, src, member, '7z archive');
  if (!data) return;
  let archive: ReturnType<typeof readSevenZip>;
  try {
    archive = readSevenZip(data, {
      maxMembers: ctx.limits.maxMembers,
      maxTotal: budget(ctx),
      tick: ctx.tick,
    });
  } catch (e) {
    if (e instanceof TimeLimit) return ctx.timeLimitReached(member, '7z archive');
    if (e instanceof ExpandLimit) {
      ctx.add('scan.file.limit-reached', {
        member,
        title: `7z archive expands past ${e.limit} bytes or members`,
        evidence: { limit: 'maxExpandedBytes' },
      });
      return;
    }
    const msg = (e as Error).message ?? String(e);
    if (e instanceof SevenZError && e.encrypted)
      ctx.add('scan.archive.encrypted', { member, title: `7z archive is encrypted: ${msg}` });
    else ctx.add('scan.file.unparseable', { member, title: `7z archive could not be read: ${msg}` });
    return;
  }
  ctx.recognised = true;
  for (const p of archive.problems)
    ctx.add('scan.file.unparseable', {
      member,
      title: `7z archive holds ${p} (a damaged or crafted header): not all of its data could be scanned`,
    });
  for (const m of archive.members) {
    const name = joinMember(member, m.name);
    const bad = unsafePath(m.name);
    if (bad)
      ctx.add('scan.archive.path-traversal', {
        member: name,
        title: `7z member path ${JSON.stringify(m.name)} is unsafe (${bad})`,
      });
    if (m.isDirectory) continue;
    if (m.error) {
      if (m.encrypted)
        ctx.add('scan.archive.encrypted', {
          member: name,
          title: `7z member ${JSON.stringify(m.name)} is encrypted`,
        });
      else
        ctx.add('scan.file.unparseable', {
          member: name,
          title: `7z member ${JSON.stringify(m.name)} could not be decompressed: ${m.error}`,
        });
      continue;
    }
    if (!ctx.expand(m.bytes!.length, name)) return;
    await scanSource(ctx, new MemSource(m.bytes!), name, depth + 1, { name: m.name });
  }
}

async function scanTar(
  ctx: ScanContext,
  src: Source,
  member: string | undefined,
  depth: number,
): Promise<void> {
  ctx.formats.add('tar');
  const { entries, problems } = listTar(src, ctx.limits.maxMembers);
  ctx.recognised = true;
  for (const p of problems) ctx.add('scan.file.unparseable', { member, title: `tar archive: ${p}` });
  const names = new Set(entries.map((e) => e.name.replace(/^\.\//, '')));
  // torch.save's legacy tar layout: storages hold raw tensor bytes, the other members are pickles.
  const torchTar = names.has('pickle') && names.has('sys_info');
  if (torchTar) ctx.formats.add('pytorch-tar');
  for (const e of entries) {
    const name = joinMember(member, e.name);
    const bad = unsafePath(e.name);
    if (bad)
      ctx.add('scan.archive.path-traversal', {
        member: name,
        title: `tar member path ${JSON.stringify(e.name)} is unsafe (${bad})`,
      });
    if (e.type === '1' || e.type === '2') {
      const target = e.linkName;
      if (unsafePath(target) || e.type === '2')
        ctx.add('scan.archive.path-traversal', {
          member: name,
          severity: unsafePath(target) ? 'high' : 'medium',
          title: `tar member ${JSON.stringify(e.name)} is a ${e.type === '2' ? 'symbolic' : 'hard'} link to ${JSON.stringify(target)}`,
          evidence: { target },
        });
      continue;
    }
    if (e.type !== '0' && e.type !== '\0' && e.type !== '7') continue;
    const body = src.slice(e.dataOffset, e.size);
    const base = e.name.replace(/^\.\//, '');
    if (torchTar && (base === 'storages' || base === 'tensors')) {
      scanLegacyRecords(ctx, body, name, base);
      continue;
    }
    await scanSource(ctx, body, name, depth + 1, { name: e.name });
  }
}

const ELEMENT_SIZE: Record<string, number> = {
  DoubleStorage: 8,
  FloatStorage: 4,
  HalfStorage: 2,
  BFloat16Storage: 2,
  LongStorage: 8,
  IntStorage: 4,
  ShortStorage: 2,
  CharStorage: 1,
  ByteStorage: 1,
  BoolStorage: 1,
  ComplexFloatStorage: 8,
  ComplexDoubleStorage: 16,
};

/**
 * Legacy tar `storages` and `tensors` members interleave small pickles with binary records, as
 * torch's legacy loader reads them: a count pickle, then per record a pickle and raw bytes.
 * Every pickle is scanned; the raw bytes are stepped over.
 */
function scanLegacyRecords(
  ctx: ScanContext,
  src: Source,
  member: string,
  kind: 'storages' | 'tensors',
): void {
  let pos = 0;
  const one = () => {
    const window = src.read(pos, Math.min(src.size - pos, 1 << 20));
    const res = scanPickleStream(ctx, window, { member, baseOffset: pos, stopAfter: 1 });
    const p = res.pickles[0];
    if (!p || p.end < 0) return undefined;
    pos += p.end + 1;
    return p.value;
  };
  const count = one();
  const n = count?.t === 'int' ? Number(count.v) : -1;
  for (let i = 0; i < n && i < ctx.limits.maxMembers; i++) {
    if (!ctx.timeLeft(member)) return;
    const rec = one();
    if (!rec) return;
    const tail = src.read(pos, 8 * 64);
    const v = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    if (kind === 'storages') {
      const t = rec.t === 'tuple' ? rec.items[2] : undefined;
      const size = t?.t === 'global' ? ELEMENT_SIZE[t.ref.name] : undefined;
      if (size === undefined || tail.length < 8) {
        ctx.add('scan.file.unparseable', {
          member,
          offset: pos,
          title: 'Legacy PyTorch storage record has an unknown storage type',
        });
        return;
      }
      pos += 8 + (v.getUint32(0, true) + v.getUint32(4, true) * 2 ** 32) * size;
    } else {
      if (tail.length < 8) return;
      const ndim = v.getInt32(0, true);
      if (ndim < 0 || ndim > 32) {
        ctx.add('scan.file.unparseable', {
          member,
          offset: pos,
          title: `Legacy PyTorch tensor record has ${ndim} dimensions`,
        });
        return;
      }
      pos += 8 + 16 * ndim + 8;
    }
    if (pos > src.size) {
      ctx.add('scan.file.unparseable', {
        member,
        offset: pos,
        title: 'Legacy PyTorch record runs past the end of its member',
      });
      return;
    }
  }
}

async function memberBytes(
  ctx: ScanContext,
  src: Source,
  e: ZipEntry,
  name: string,
): Promise<Source | undefined> {
  const raw = src.slice(e.dataOffset, e.csize);
  if (e.method === 0) return raw;
  const comp = inMemoryOrLimit(ctx, raw, name, 'compressed member');
  if (!comp) return undefined;
  const codec: Codec | undefined =
    e.method === 8 ? 'deflate-raw' : e.method === 12 ? 'bz2' : e.method === 14 ? 'lzma-zip' : undefined;
  if (!codec) {
    ctx.add('scan.file.unparseable', {
      member: name,
      title: `zip member uses unsupported compression method ${e.method}`,
    });
    return undefined;
  }
  const out = await decompress(codec, comp, budget(ctx), ctx.tick);
  if (!ctx.expand(out.length, name)) return undefined;
  return new MemSource(out);
}

async function scanZip(
  ctx: ScanContext,
  src: Source,
  member: string | undefined,
  depth: number,
): Promise<void> {
  ctx.formats.add('zip');
  const listing = listZip(src, ctx.limits.maxMembers);
  if (!listing.centralDirectory)
    ctx.add('scan.file.unparseable', {
      member,
      severity: listing.entries.length > 0 ? 'medium' : 'high',
      title: `zip archive is damaged (${listing.problems.join('; ')}); members were found by walking local headers`,
    });
  else
    for (const p of listing.problems)
      ctx.add('scan.archive.irregular', { member, title: `zip archive: ${p}` });
  ctx.recognised = ctx.recognised || listing.entries.length > 0;
  const torchZip = listing.entries.some((e) => /(^|\/)data\.pkl$/.test(e.name));
  if (torchZip) ctx.formats.add('pytorch-zip');
  if (
    listing.entries.some((e) => e.name === 'config.json') &&
    listing.entries.some((e) => e.name === 'metadata.json')
  )
    ctx.formats.add('keras');
  for (const e of listing.entries) {
    if (!ctx.timeLeft(member ?? '')) return;
    const name = joinMember(member, e.name);
    const bad = unsafePath(e.name);
    if (bad)
      ctx.add('scan.archive.path-traversal', {
        member: name,
        title: `zip member path ${JSON.stringify(e.name)} is unsafe (${bad})`,
      });
    if (e.isSymlink)
      ctx.add('scan.archive.path-traversal', {
        member: name,
        title: `zip member ${JSON.stringify(e.name)} is a symbolic link`,
      });
    for (const p of e.problems) {
      if (p.includes('differs from central directory name'))
        ctx.add('scan.archive.name-mismatch', {
          member: name,
          offset: e.localOffset,
          title: `zip ${p}`,
          evidence: { central: e.name, local: e.localName },
        });
      else
        ctx.add('scan.archive.irregular', {
          member: name,
          offset: e.localOffset,
          title: `zip member ${JSON.stringify(e.name)}: ${p}`,
        });
    }
    if (e.dataOffset < 0 || e.name.endsWith('/')) continue;
    // Tensor storages are raw bytes PyTorch never unpickles: skip them, as the loader does.
    if (torchZip && STORAGE_MEMBER.test(e.name)) continue;
    const flags = e.flags | (e.localFlags ?? 0);
    const encryptedFlag = (flags & 0x41) !== 0;
    if (flags & 0x60)
      ctx.add('scan.archive.irregular', {
        member: name,
        offset: e.localOffset,
        title: `zip member ${JSON.stringify(e.name)} has flag bits 0x${flags.toString(16)} that Python's zipfile refuses`,
      });
    let body: Source | undefined;
    try {
      body = await memberBytes(ctx, src, e, name);
    } catch (err) {
      if (err instanceof TimeLimit) return ctx.timeLimitReached(name, 'zip member');
      if (err instanceof ExpandLimit) {
        ctx.add('scan.file.limit-reached', {
          member: name,
          title: `zip member expands past ${err.limit} bytes`,
          evidence: { limit: 'maxExpandedBytes' },
        });
        return;
      }
      if (encryptedFlag)
        ctx.add('scan.archive.encrypted', {
          member: name,
          offset: e.localOffset,
          title: `zip member ${JSON.stringify(e.name)} is encrypted`,
        });
      else
        ctx.add('scan.file.unparseable', {
          member: name,
          offset: e.localOffset,
          title: `zip member ${JSON.stringify(e.name)} could not be decompressed: ${(err as Error).message}`,
        });
      continue;
    }
    if (!body) continue;
    if (encryptedFlag) {
      // PyTorch ignores the encryption bit and reads plain data; real encryption yields noise. Scan
      // the member on the side: if it is a model format, it was plain; otherwise it is encrypted.
      const trial = new ScanContext(ctx.path, ctx.policy, ctx.limits);
      await scanSource(trial, body, name, depth + 1, { name: e.name });
      if (!trial.recognised) {
        ctx.add('scan.archive.encrypted', {
          member: name,
          offset: e.localOffset,
          title: `zip member ${JSON.stringify(e.name)} is encrypted and cannot be scanned`,
        });
        continue;
      }
      ctx.add('scan.archive.irregular', {
        member: name,
        offset: e.localOffset,
        title: `zip member ${JSON.stringify(e.name)} claims encryption but holds plain data (PyTorch loads it)`,
      });
      ctx.recognised = true;
      for (const f of trial.formats) ctx.formats.add(f);
      ctx.findings.push(...trial.findings);
      continue;
    }
    if (body.size <= 16 * 1024 * 1024 && e.crc !== 0) {
      const bytes = body.read(0, body.size);
      if (crc32(bytes) >>> 0 !== e.crc)
        ctx.add('scan.archive.irregular', {
          member: name,
          offset: e.localOffset,
          title: `zip member ${JSON.stringify(e.name)} fails its CRC check (PyTorch loads it anyway)`,
        });
    }
    await scanSource(ctx, body, name, depth + 1, { name: e.name });
  }
}

// Formats that are rarer in a directory walk load their parsers on first use (less start-up work).
async function scanProtobuf(
  ctx: ScanContext,
  src: Source,
  member: string | undefined,
  hint: SourceHint,
): Promise<void> {
  const { looksLikeOnnx, scanOnnx } = await import('./formats/onnx.ts');
  const { scanTensorflow } = await import('./formats/tensorflow.ts');
  const { searchJson } = await import('./formats/keras.ts');
  if (looksLikeOnnx(src)) {
    scanOnnx(ctx, src, member);
    return;
  }
  const graph = scanTensorflow(ctx, src, member);
  // keras_metadata.pb (Keras SavedModel) carries the layer configs, Lambda code included, as JSON.
  const configs =
    src.size <= ctx.limits.maxInMemoryBytes ? searchJson(ctx, src, member, 'keras-metadata') : 0;
  if (configs > 0) ctx.recognised = true;
  if (!graph && configs === 0) notAModel(ctx, member, hint, 'unrecognised binary');
}

async function scanConfig(
  ctx: ScanContext,
  src: Source,
  member: string | undefined,
  kind: 'json' | 'yaml',
): Promise<void> {
  const { analyzeKerasConfig, analyzeSerializedObjects, analyzeTargets } = await import('./formats/keras.ts');
  ctx.formats.add(kind);
  if (src.size > ctx.limits.maxHeaderBytes) return;
  const text = Buffer.from(src.read(0, src.size)).toString('utf8');
  analyzeTargets(ctx, text, member);
  if (kind !== 'json') return;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return;
  }
  analyzeSerializedObjects(ctx, json, member);
  const stats = analyzeKerasConfig(ctx, json, member);
  if (stats.layers > 0) {
    ctx.formats.add('keras-config');
    ctx.recognised = true;
  }
}
