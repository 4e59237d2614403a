import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import {
  EVIL_PICKLE,
  ggufBytes,
  npyBytes,
  onnxBytes,
  SKLEARN_PICKLE,
  safetensorsBytes,
  zipStored,
} from './fixture.ts';
import { readGgufHeader } from './gguf.ts';
import { sniffOnnx } from './onnx.ts';
import { type SniffInput, sniff } from './sniff.ts';
import { findCentralDirectory, listCentralDirectory, listLocalHeaders, readLocalMembers } from './zip.ts';

function whole(name: string, bytes: Uint8Array, zipNames?: string[]): SniffInput {
  return { name, head: bytes, tail: bytes, size: bytes.length, ...(zipNames ? { zipNames } : {}) };
}

function zipInput(name: string, files: Array<[string, Uint8Array]>): SniffInput {
  const z = zipStored(files);
  const cd = findCentralDirectory(z, z.length)!;
  return whole(name, z, listCentralDirectory(z.subarray(cd.offset, cd.offset + cd.size)));
}

describe('sniff: magic bytes first, extension second', () => {
  it('calls a .bin holding a pickle a pickle', () => {
    const s = sniff(whole('weights.bin', SKLEARN_PICKLE))!;
    assert.equal(s.format, 'pickle');
    assert.equal(s.executesCode, true);
    assert.deepEqual(s.frameworks, ['sklearn']);
  });

  it('finds module names behind STACK_GLOBAL in protocol 4 pickles', () => {
    assert.equal(sniff(whole('x.dat', EVIL_PICKLE))!.format, 'pickle');
    assert.equal(sniff(whole('x.dat', EVIL_PICKLE))!.detail.pickleProtocol, 4);
  });

  it('recognises the legacy torch.save magic number', () => {
    const legacy = Buffer.from([
      0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
    ]);
    assert.equal(sniff(whole('old.pt', legacy))!.format, 'pytorch-legacy');
  });

  it('recognises the pre-0.4 torch.save tar layout', () => {
    const tar = Buffer.alloc(1024);
    tar.write('sys_info', 0, 'latin1');
    tar.write('ustar', 257, 'latin1');
    const s = sniff(whole('old.pt', tar))!;
    assert.equal(s.format, 'pytorch-tar');
    assert.equal(s.executesCode, true);
    assert.equal(sniff(whole('backup.tar', Buffer.from(tar).fill(0, 0, 100).fill(0x61, 0, 5))), undefined);
  });

  it('tells PyTorch, TorchScript, Keras 3 and npz zips apart by their members', () => {
    const pkl = Buffer.from([0x80, 0x02, 0x7d, 0x2e]);
    assert.equal(sniff(zipInput('m.pt', [['archive/data.pkl', pkl]]))!.format, 'pytorch');
    assert.equal(
      sniff(
        zipInput('m.pt', [
          ['m/data.pkl', pkl],
          ['m/constants.pkl', pkl],
          ['m/code/__torch__.py', pkl],
        ]),
      )!.format,
      'torchscript',
    );
    assert.equal(
      sniff(
        zipInput('m.keras', [
          ['metadata.json', Buffer.from('{}')],
          ['config.json', Buffer.from('{}')],
        ]),
      )!.format,
      'keras',
    );
    assert.equal(sniff(zipInput('a.npz', [['x.npy', npyBytes()]]))!.format, 'npz');
    assert.equal(sniff(zipInput('notes.zip', [['a.txt', Buffer.from('hi')]])), undefined);
  });

  it('reads safetensors, GGUF, NumPy and ONNX headers', () => {
    assert.equal(sniff(whole('a', safetensorsBytes()))!.format, 'safetensors');
    const g = sniff(whole('a', ggufBytes()))!;
    assert.equal(g.format, 'gguf');
    assert.equal(g.detail['general.name'], 'tiny-llama');
    assert.equal(sniff(whole('a', npyBytes()))!.format, 'numpy');
    assert.equal(sniff(whole('a.onnx', onnxBytes()))!.detail.irVersion, 8);
    assert.equal(
      sniff(whole('graph.bin', onnxBytes()))!.format,
      'onnx',
      'a graph and opset are enough without .onnx',
    );
  });

  it('marks NumPy object arrays as code-executing', () => {
    const hdr = "{'descr': '|O', 'fortran_order': False, 'shape': (3,), }";
    const len = Buffer.alloc(2);
    len.writeUInt16LE(hdr.length);
    const s = sniff(
      whole('a.npy', Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), len, Buffer.from(hdr)])),
    )!;
    assert.equal(s.executesCode, true);
  });

  it('rejects a safetensors length prefix that points past the end or a header that is not JSON', () => {
    const good = safetensorsBytes();
    const long = Buffer.from(good);
    long.writeBigUInt64LE(BigInt(good.length * 2));
    assert.equal(sniff(whole('a.safetensors', long)), undefined);
    const broken = Buffer.from(good);
    broken[20] = 0x00;
    assert.equal(sniff(whole('a.safetensors', broken)), undefined);
  });

  it('knows HDF5, Parquet, Arrow, TFLite and compressed joblib signatures', () => {
    const hdf5 = Buffer.concat([Buffer.alloc(512), Buffer.from('\x89HDF\r\n\x1a\n', 'latin1')]);
    assert.equal(sniff(whole('x.h5', hdf5))!.format, 'hdf5');
    assert.equal(sniff(whole('x', Buffer.from('PAR1....PAR1')))!.format, 'parquet');
    assert.equal(sniff(whole('x', Buffer.from('ARROW1\0\0')))!.format, 'arrow');
    assert.equal(sniff(whole('x', Buffer.from('\x1c\0\0\0TFL3', 'latin1')))!.format, 'tflite');
    assert.equal(sniff(whole('m.joblib', Buffer.from([0x78, 0x9c, 1, 2, 3])))!.format, 'joblib');
    assert.equal(sniff(whole('m.joblib', Buffer.from('BZh91AY&SY')))!.format, 'joblib');
    assert.equal(sniff(whole('m.dat', Buffer.from([0x78, 0x9c, 1, 2, 3]))), undefined);
  });

  it('accepts protocol-0 pickles only behind a pickle extension', () => {
    const p0 = Buffer.from('(dp0\nVa\np1\nI1\ns.');
    assert.equal(sniff(whole('old.pkl', p0))!.format, 'pickle');
    assert.equal(sniff(whole('old.txt', p0)), undefined);
  });

  it('checks that CSV and JSONL files are text with a parsable first row', () => {
    assert.equal(sniff(whole('a.jsonl', Buffer.from('{"a":1}\n')))!.format, 'jsonl');
    assert.equal(sniff(whole('a.jsonl', Buffer.from('not json\n'))), undefined);
    const long = Buffer.from(`{"text": "${'x'.repeat(70_000)}"}\n`);
    const head = long.subarray(0, 65536);
    assert.equal(sniff({ name: 'a.jsonl', head, tail: head, size: long.length })!.format, 'jsonl');
    assert.equal(
      sniff({ name: 'a.jsonl', head: Buffer.from('nope'), tail: head, size: long.length }),
      undefined,
    );
    assert.equal(sniff(whole('a.csv', Buffer.from([0x61, 0, 0x62]))), undefined);
  });
});

describe('zip directory', () => {
  it('follows a ZIP64 end record to the central directory', () => {
    const z = zipStored([['archive/data.pkl', SKLEARN_PICKLE]]);
    const eocd = z.subarray(z.length - 22);
    const cdSize = eocd.readUInt32LE(12);
    const cdOffset = eocd.readUInt32LE(16);
    const body = z.subarray(0, z.length - 22);
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeBigUInt64LE(1n, 24);
    rec.writeBigUInt64LE(1n, 32);
    rec.writeBigUInt64LE(BigInt(cdSize), 40);
    rec.writeBigUInt64LE(BigInt(cdOffset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(body.length), 8);
    const end = Buffer.from(eocd);
    end.writeUInt16LE(0xffff, 8);
    end.writeUInt16LE(0xffff, 10);
    end.writeUInt32LE(0xffffffff, 12);
    end.writeUInt32LE(0xffffffff, 16);
    const z64 = Buffer.concat([body, rec, loc, end]);
    const cd = findCentralDirectory(z64, z64.length)!;
    assert.deepEqual(cd, { offset: cdOffset, size: cdSize, entries: 1 });
    assert.deepEqual(listCentralDirectory(z64.subarray(cd.offset, cd.offset + cd.size)), [
      'archive/data.pkl',
    ]);
  });

  it('peeks into deflated members and skips encrypted ones', () => {
    const data = deflateRawSync(SKLEARN_PICKLE);
    const z = zipStored([['notes.txt', SKLEARN_PICKLE]]);
    // Re-point the member at deflated bytes (method 8) to build a deflated zip by hand.
    const local = Buffer.from(z.subarray(0, 30 + 'notes.txt'.length));
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    const members = readLocalMembers(Buffer.concat([local, data]));
    assert.deepEqual(Buffer.from(members[0]!.start!).subarray(0, 2), Buffer.from([0x80, 0x02]));
    local.writeUInt16LE(1, 6);
    assert.equal(readLocalMembers(Buffer.concat([local, data]))[0]!.start, undefined);
  });
});

describe('sniffers under fuzzing', () => {
  const names = [
    'a.bin',
    'a.pt',
    'a.pkl',
    'a.onnx',
    'a.safetensors',
    'a.gguf',
    'a.csv',
    'a.jsonl',
    'a.joblib',
    'a.pb',
    'a',
  ];
  const seeds = [
    SKLEARN_PICKLE,
    EVIL_PICKLE,
    safetensorsBytes(),
    ggufBytes(),
    npyBytes(),
    onnxBytes(),
    zipStored([['archive/data.pkl', SKLEARN_PICKLE]]),
  ];

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom(...names), (bytes, name) => {
        sniff(whole(name, bytes));
        sniffOnnx(bytes, bytes.length);
        readGgufHeader(bytes);
        findCentralDirectory(bytes, bytes.length);
        listCentralDirectory(bytes);
        listLocalHeaders(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on mutated or truncated valid files, with any magic prefix', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        fc.constantFrom(...names),
        (seed, flips, cut, name) => {
          const b = Buffer.from(seed);
          for (const [at, v] of flips) b[at % b.length] = v;
          const t = b.subarray(0, 1 + (cut % b.length));
          // The size may claim more bytes than the slices hold, as for a large file.
          sniff({ name, head: t, tail: t, size: t.length + (cut % 3) * 1000 });
          readGgufHeader(t);
          const cd = findCentralDirectory(t, t.length);
          if (cd) listCentralDirectory(t.subarray(cd.offset, cd.offset + cd.size));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('stops reading a GGUF header with absurd counts at the end of the buffer', () => {
    const g = ggufBytes();
    g.writeBigUInt64LE(0xffffffffffffn, 16); // kv count
    const h = readGgufHeader(g)!;
    assert.equal(h.metadata['general.architecture'], 'llama');
    const huge = Buffer.concat([
      g.subarray(0, 24),
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
    ]);
    assert.doesNotThrow(() => readGgufHeader(huge));
  });
});
