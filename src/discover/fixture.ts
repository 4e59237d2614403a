/**
 * Builds a small repository on disk with every kind of AI asset discovery should find — real pickle
 * opcodes, a PyTorch zip layout, safetensors/GGUF/NumPy/ONNX/HDF5 headers, datasets, code that uses
 * AI SDKs, and plain-text keys — plus folders that must be skipped. Used by the tests and the benchmark.
 * The keys are generated here (deterministic, never real) so that no key-shaped string sits in the repo.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';

/** A deterministic key-like string: `prefix` then `n` letters and digits. */
export function fakeKey(prefix: string, n: number, seed = 1): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let x = seed * 2654435761;
  let s = prefix;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x ^ (x >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    s += chars[x % chars.length];
  }
  return s;
}

/** A stored (uncompressed) zip, enough for PyTorch's and Keras' layouts. */
export function zipStored(files: Array<[string, Uint8Array]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const n = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, Buffer.from(data));
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(files.length, 8);
  eocd.writeUInt16LE(files.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

const latin1 = (s: string) => Buffer.from(s, 'latin1');

/** Protocol-2 pickle of an sklearn LogisticRegression (GLOBAL, NEWOBJ, BUILD — what pickle.dumps writes). */
export const SKLEARN_PICKLE = latin1(
  '\x80\x02csklearn.linear_model._logistic\nLogisticRegression\nq\x00)\x81q\x01}q\x02X\x01\x00\x00\x00Cq\x03G?\xf0\x00\x00\x00\x00\x00\x00sb.',
);
/** Protocol-2 pickle of collections.OrderedDict() — a state dict saved with the legacy torch pickler. */
export const STATE_DICT_PICKLE = latin1('\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01.');
/** Protocol-4 pickle that calls os.system: the payload a disguised file would carry. */
export const EVIL_PICKLE = latin1(
  '\x80\x04\x95\x1d\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94\x8c\x02id\x94\x85\x94R\x94.',
);

export function safetensorsBytes(): Buffer {
  const header = JSON.stringify({
    __metadata__: { format: 'pt' },
    'fc.weight': { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
    'fc.bias': { dtype: 'F32', shape: [2], data_offsets: [16, 24] },
  });
  const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(padded.length));
  return Buffer.concat([len, Buffer.from(padded), Buffer.alloc(24)]);
}

export function ggufBytes(): Buffer {
  const parts: Buffer[] = [latin1('GGUF')];
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    parts.push(b);
  };
  const u64 = (v: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    parts.push(b);
  };
  const str = (s: string) => {
    u64(Buffer.byteLength(s));
    parts.push(Buffer.from(s));
  };
  u32(3);
  u64(0); // tensors
  u64(3); // key/values
  str('general.architecture');
  u32(8);
  str('llama');
  str('general.name');
  u32(8);
  str('tiny-llama');
  str('llama.context_length');
  u32(4);
  u32(2048);
  return Buffer.concat(parts);
}

export function npyBytes(): Buffer {
  let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const len = Buffer.alloc(2);
  len.writeUInt16LE(header.length);
  return Buffer.concat([latin1('\x93NUMPY\x01\x00'), len, latin1(header), Buffer.alloc(24)]);
}

export function onnxBytes(): Buffer {
  const field = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag, body.length]), body]);
  return Buffer.concat([
    Buffer.from([0x08, 0x08]), // ir_version 8
    field(0x12, Buffer.from('pytorch')),
    field(0x1a, Buffer.from('2.3.0')),
    field(
      0x3a,
      Buffer.concat([field(0x0a, Buffer.from([0x0a, 0x01, 0x78])), field(0x12, Buffer.from('main_graph'))]),
    ),
    field(0x42, Buffer.from([0x10, 0x11])), // opset_import { version: 17 }
  ]);
}

export interface Fixture {
  root: string;
  keys: { openai: string; anthropic: string; huggingface: string; generic: string; skipped: string };
}

/** Writes the fixture tree under `root` (which must exist and be empty). */
export function buildFixture(root: string, options: { symlink?: boolean } = {}): Fixture {
  const keys = {
    openai: fakeKey('sk-proj-', 56, 1),
    anthropic: `${fakeKey('sk-ant-api03-', 93, 2)}AA`,
    huggingface: fakeKey('hf_', 34, 3),
    generic: fakeKey('', 32, 4),
    skipped: fakeKey('sk-proj-', 56, 5),
  };
  const put = (rel: string, data: string | Uint8Array) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), data);
  };
  put('models/classifier.pkl', SKLEARN_PICKLE);
  put('models/hf/pytorch_model.bin', STATE_DICT_PICKLE);
  put(
    'models/resnet.pt',
    zipStored([
      ['archive/data.pkl', STATE_DICT_PICKLE],
      ['archive/version', Buffer.from('3\n')],
      ['archive/data/0', Buffer.alloc(16)],
    ]),
  );
  put('models/hf/model.safetensors', safetensorsBytes());
  put('models/tiny.gguf', ggufBytes());
  put('models/embeddings.npy', npyBytes());
  put('models/model.onnx', onnxBytes());
  put(
    'models/legacy.h5',
    Buffer.concat([latin1('\x89HDF\r\n\x1a\n'), Buffer.alloc(64), latin1('keras_version')]),
  );
  put('models/export/saved_model.pb', Buffer.from([0x08, 0x01, 0x12, 0x00]));
  put('models/export/variables/variables.index', Buffer.alloc(8));
  put('models/innocent.safetensors', EVIL_PICKLE);
  put('models/big.onnx', 'version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 123\n');
  put('data/train.csv', 'id,text,label\n1,hello,0\n2,bye,1\n');
  put('data/chat.jsonl', '{"prompt":"hi","completion":"hello"}\n{"prompt":"a","completion":"b"}\n');
  put('data/events.parquet', Buffer.concat([latin1('PAR1'), Buffer.alloc(32), latin1('PAR1')]));
  put(
    'app/pyproject.toml',
    '[project]\nname = "support-bot"\ndependencies = ["openai>=1.40", "langchain-openai"]\n',
  );
  put(
    'app/main.py',
    [
      'import os',
      'import openai',
      'from langchain_openai import ChatOpenAI',
      '',
      `client = openai.OpenAI(api_key="${keys.openai}", base_url="https://api.openai.com/v1")`,
      'llm = ChatOpenAI(model="gpt-4o-mini")',
      'safe = openai.OpenAI(api_key=os.environ["OPENAI_API_KEY"])',
      '',
    ].join('\n'),
  );
  put(
    'web/package.json',
    JSON.stringify({ name: 'web-chat', dependencies: { '@anthropic-ai/sdk': '^0.60.0' } }),
  );
  put(
    'web/src/chat.ts',
    [
      "import Anthropic from '@anthropic-ai/sdk';",
      '',
      'const client = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });',
      "export const reply = (q: string) => client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: q }] });",
      "export const local = () => fetch('http://localhost:11434/api/chat');",
      '',
    ].join('\n'),
  );
  put(
    '.env',
    [
      `ANTHROPIC_API_KEY=${keys.anthropic}`,
      `HF_TOKEN=${keys.huggingface}`,
      'OPENAI_API_KEY=your-openai-key-here',
      `BILLING_SERVICE_API_KEY=${keys.generic}`,
      '',
    ].join('\n'),
  );
  put(
    'notebooks/explore.ipynb',
    JSON.stringify({
      cells: [
        { cell_type: 'markdown', source: ['# Explore\n'] },
        {
          cell_type: 'code',
          source: [
            'import torch\n',
            'from transformers import AutoModel\n',
            'm = AutoModel.from_pretrained("bert-base-uncased", trust_remote_code=True)\n',
          ],
        },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  put('README.md', '# demo\n');
  // Must be skipped: dependencies, virtualenvs, VCS data.
  put('node_modules/openai/index.js', `export const key = "${keys.skipped}";\nimport x from 'openai';\n`);
  put('node_modules/openai/model.pkl', SKLEARN_PICKLE);
  put('.venv/pyvenv.cfg', 'home = /usr/bin\n');
  put('.venv/lib/model.pkl', SKLEARN_PICKLE);
  put('.git/objects/ab/model.pkl', SKLEARN_PICKLE);
  if (options.symlink !== false) symlinkSync(join(root, 'models/resnet.pt'), join(root, 'link-to-resnet.pt'));
  return { root, keys };
}
