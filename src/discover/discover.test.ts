import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AssetCreate, Finding } from '../core/schemas.ts';
import { buildFixture, type Fixture, zipStored } from './fixture.ts';
import { type DiscoverResult, discover } from './index.ts';

describe('discover on a fixture repository', () => {
  let fx: Fixture;
  let res: DiscoverResult;
  const asset = (uri: string) => res.assets.find((a) => a.uri === uri);

  before(async () => {
    fx = buildFixture(mkdtempSync(join(tmpdir(), 'bw-discover-')));
    res = await discover(fx.root);
  });
  after(() => rmSync(fx.root, { recursive: true, force: true }));

  it('returns assets in the AssetCreate shape and findings in the Finding shape', () => {
    for (const a of res.assets) assert.doesNotThrow(() => AssetCreate.parse(a), a.name);
    for (const f of res.findings) assert.doesNotThrow(() => Finding.parse(f), f.ruleId);
  });

  it('identifies model artifacts by their bytes', () => {
    const formats = Object.fromEntries(
      res.assets.filter((a) => a.kind === 'model').map((a) => [a.uri, a.metadata.format]),
    );
    assert.deepEqual(formats, {
      'models/classifier.pkl': 'pickle',
      'models/embeddings.npy': 'numpy',
      'models/export': 'savedmodel',
      'models/hf/model.safetensors': 'safetensors',
      'models/hf/pytorch_model.bin': 'pickle',
      'models/innocent.safetensors': 'pickle',
      'models/legacy.h5': 'keras-h5',
      'models/model.onnx': 'onnx',
      'models/resnet.pt': 'pytorch',
      'models/tiny.gguf': 'gguf',
    });
    assert.ok(asset('models/classifier.pkl')!.tags.includes('framework:sklearn'));
    assert.ok(asset('models/resnet.pt')!.tags.includes('executes-code'));
    assert.ok(asset('models/hf/pytorch_model.bin')!.tags.includes('framework:torch'));
    assert.equal(asset('models/tiny.gguf')!.metadata['general.architecture'], 'llama');
    assert.equal(asset('models/model.onnx')!.metadata.producer, 'pytorch');
    assert.equal(asset('models/hf/model.safetensors')!.metadata.tensors, 2);
    assert.deepEqual(asset('models/embeddings.npy')!.metadata.shape, ['2', '3']);
  });

  it('records the streamed SHA-256 and size of each artifact', () => {
    const bytes = readFileSync(join(fx.root, 'models/resnet.pt'));
    const a = asset('models/resnet.pt')!;
    assert.equal(a.metadata.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(a.metadata.size, bytes.length);
  });

  it('finds datasets by magic bytes and by extension with a content check', () => {
    const ds = res.assets.filter((a) => a.kind === 'dataset').map((a) => `${a.uri}=${a.metadata.format}`);
    assert.deepEqual(ds.sort(), [
      'data/chat.jsonl=jsonl',
      'data/events.parquet=parquet',
      'data/train.csv=csv',
    ]);
    assert.deepEqual(asset('data/train.csv')!.metadata.columns, ['id', 'text', 'label']);
  });

  it('registers one application per project with its providers, frameworks and model names', () => {
    const bot = res.assets.find((a) => a.kind === 'application' && a.name === 'support-bot')!;
    assert.ok(bot, 'pyproject name is used');
    for (const t of ['provider:openai', 'framework:langchain', 'model:gpt-4o-mini'])
      assert.ok(bot.tags.includes(t), t);
    const web = res.assets.find((a) => a.kind === 'application' && a.name === 'web-chat')!;
    for (const t of ['provider:anthropic', 'model:claude-sonnet-4-5']) assert.ok(web.tags.includes(t), t);
    const root = res.assets.find((a) => a.kind === 'application' && a.uri === '.')!;
    assert.ok(root.tags.includes('framework:transformers'), 'notebook cells are scanned');
    assert.ok(root.tags.includes('model:bert-base-uncased'));
    const ev = (root.metadata.evidence as Array<{ member?: string; line: number }>).find((e) => e.member);
    assert.equal(ev?.member, 'cells[1]');
  });

  it('registers model endpoints referenced in code', () => {
    const urls = res.assets.filter((a) => a.kind === 'endpoint').map((a) => a.uri);
    assert.deepEqual(urls.sort(), ['http://localhost:11434/api/chat', 'https://api.openai.com/v1']);
    assert.ok(asset('https://api.openai.com/v1')!.tags.includes('provider:openai'));
  });

  it('reports each plain-text key as a finding, masked, and ignores placeholders and env lookups', () => {
    const keys = res.findings.filter((f) => f.ruleId === 'discover.secret.plaintext-api-key');
    const seen = keys.map(
      (f) => `${f.location.path}:${f.location.line}:${f.evidence.provider}:${f.severity}`,
    );
    assert.deepEqual(seen.sort(), [
      '.env:1:anthropic:critical',
      '.env:2:huggingface:critical',
      '.env:4:generic:high',
      'app/main.py:5:openai:critical',
    ]);
    for (const f of keys) {
      assert.deepEqual(f.refs, ['owasp:llm:02', 'atlas:AML.T0055', 'cwe:798']);
      assert.match(String(f.evidence.masked), /\*{8}/);
    }
    assert.equal(keys.find((f) => f.evidence.provider === 'openai')!.asset?.name, 'support-bot');
    const everything = JSON.stringify(res);
    for (const [which, key] of Object.entries(fx.keys)) {
      assert.ok(!everything.includes(key), `${which} key must never appear in the output`);
      assert.ok(!everything.includes(key.slice(-20)), `${which} key must not appear in part either`);
    }
  });

  it('flags a pickle hiding behind a safe extension and an LFS pointer posing as a model', () => {
    const disguised = res.findings.find((f) => f.ruleId === 'discover.artifact.disguised-pickle');
    assert.equal(disguised?.location.path, 'models/innocent.safetensors');
    assert.equal(disguised?.severity, 'high');
    const lfs = res.findings.find((f) => f.ruleId === 'discover.artifact.unrecognized-content');
    assert.equal(lfs?.location.path, 'models/big.onnx');
    assert.equal(lfs?.evidence.lfsPointer, true);
  });

  it('flags trust_remote_code, with the notebook cell it is in', () => {
    const f = res.findings.find((x) => x.ruleId === 'discover.code.trust-remote-code');
    assert.deepEqual(f?.location, {
      path: 'notebooks/explore.ipynb',
      line: 3,
      column: 52,
      member: 'cells[1]',
    });
    assert.equal(f?.severity, 'medium');
    assert.match(
      String(f?.evidence.excerpt),
      /from_pretrained\("bert-base-uncased", trust_remote_code=True\)/,
    );
  });

  it('skips node_modules, virtualenvs and .git, and does not follow symlinks', () => {
    const everywhere = [...res.assets.map((a) => a.uri), ...res.findings.map((f) => f.location.path ?? '')];
    for (const p of everywhere) {
      assert.ok(!/node_modules|\.venv|\.git\/|link-to-resnet/.test(p), p);
    }
    assert.equal(res.stats.skippedDirs, 3);
    assert.equal(res.stats.symlinksSkipped, 1);
    assert.ok(!res.stats.limitReached);
  });
});

describe('discover on large artifacts', () => {
  it('reads a safetensors header bigger than the sniffing window and a zip directory far from the head', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-discover-large-'));
    const tensors: Record<string, unknown> = {};
    for (let i = 0; i < 3000; i++)
      tensors[`layers.${i}.weight`] = { dtype: 'BF16', shape: [1], data_offsets: [i * 2, i * 2 + 2] };
    const header = Buffer.from(JSON.stringify(tensors));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    assert.ok(header.length > 64 * 1024);
    writeFileSync(join(dir, 'big.safetensors'), Buffer.concat([len, header, Buffer.alloc(6000)]));
    // data.pkl is last, after 300 KB of tensor data: only the central directory names it.
    writeFileSync(
      join(dir, 'big.pt'),
      zipStored([
        ['archive/data/0', Buffer.alloc(300 * 1024)],
        ['archive/data.pkl', Buffer.from([0x80, 0x02, 0x7d, 0x2e])],
      ]),
    );
    const res = await discover(dir);
    const st = res.assets.find((a) => a.uri === 'big.safetensors');
    assert.equal(st?.metadata.tensors, 3000);
    assert.deepEqual(st?.metadata.dtypes, ['BF16']);
    assert.equal(res.assets.find((a) => a.uri === 'big.pt')?.metadata.format, 'pytorch');
    rmSync(dir, { recursive: true });
  });

  it('follows a symlink given as the root but none inside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-discover-link-'));
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'm.pkl'), Buffer.from([0x80, 0x04, 0x4e, 0x2e]));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    symlinkSync(join(dir, 'real', 'm.pkl'), join(dir, 'real', 'again.pkl'));
    const res = await discover(join(dir, 'link'));
    assert.deepEqual(
      res.assets.map((a) => a.uri),
      ['m.pkl'],
    );
    assert.equal(res.stats.symlinksSkipped, 1);
    rmSync(dir, { recursive: true });
  });
});

describe('discover limits and failures', () => {
  it('stops at maxFiles and says the inventory is incomplete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-discover-lim-'));
    for (let i = 0; i < 10; i++) writeFileSync(join(dir, `f${i}.csv`), 'a,b\n1,2\n');
    const res = await discover(dir, { maxFiles: 4 });
    assert.equal(res.stats.filesSeen, 4);
    assert.equal(res.stats.limitReached, true);
    assert.ok(res.findings.some((f) => f.ruleId === 'discover.limit.max-files'));
    rmSync(dir, { recursive: true });
  });

  it('turns a file that vanishes before it is read into an info finding, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-discover-gone-'));
    writeFileSync(join(dir, 'a.py'), 'import openai\n');
    writeFileSync(join(dir, 'b.pkl'), Buffer.from([0x80, 0x02, 0x4e, 0x2e]));
    const res = await discover(dir, {
      concurrency: 1,
      onProgress: (done) => {
        if (done === 1) rmSync(join(dir, 'b.pkl'));
      },
    });
    const f = res.findings.find((x) => x.ruleId === 'discover.io.unreadable');
    assert.equal(f?.location.path, 'b.pkl');
    assert.equal(f?.severity, 'info');
    assert.equal(f?.evidence.error, 'ENOENT');
    assert.equal(res.stats.unreadable, 1);
    rmSync(dir, { recursive: true });
  });

  it('reads at most maxCodeBytes of a source file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-discover-big-'));
    writeFileSync(join(dir, 'big.py'), `${'# filler\n'.repeat(20_000)}import anthropic\n`);
    const res = await discover(dir, { maxCodeBytes: 64 * 1024 });
    assert.equal(res.stats.textFilesTruncated, 1);
    assert.equal(res.assets.length, 0, 'the import past the limit is not seen');
    const all = await discover(dir);
    assert.ok(all.assets.some((a) => a.tags.includes('provider:anthropic')));
    rmSync(dir, { recursive: true });
  });

  it('does not hash artifacts when hashing is off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-discover-nohash-'));
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm', 'x.pkl'), Buffer.from([0x80, 0x04, 0x4e, 0x2e]));
    const res = await discover(dir, { hash: false });
    assert.equal(res.assets[0]?.metadata.sha256, undefined);
    assert.equal(res.assets[0]?.metadata.size, 4);
    rmSync(dir, { recursive: true });
  });

  it('accepts a single file as the root and rejects a missing path with BW_ERR_IO', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-discover-one-'));
    writeFileSync(join(dir, 'w.bin'), Buffer.from([0x80, 0x05, 0x4e, 0x2e]));
    const res = await discover(join(dir, 'w.bin'));
    assert.equal(res.assets.length, 1);
    assert.equal(res.assets[0]!.metadata.format, 'pickle');
    await assert.rejects(
      discover(join(dir, 'nope')),
      (e: Error & { code?: string }) => e.code === 'BW_ERR_IO',
    );
    rmSync(dir, { recursive: true });
  });
});
