import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { main } from '../cli/main.ts';
import { isBulwarkError } from '../core/index.ts';
import {
  buildBom,
  genSigningKey,
  parsePackageJson,
  parsePep508,
  parsePrivateKey,
  parsePyproject,
  parseRequirementsTxt,
  signModel,
  validateBom,
} from './index.ts';
import { captureIo, tempDir, writeModel } from './test-helpers.ts';

const README = `---
license: apache-2.0
pipeline_tag: text-classification
datasets:
  - imdb
model-index:
  - name: tiny
    results:
      - task: { type: text-classification }
        dataset: { name: IMDB, type: imdb }
        metrics:
          - { type: accuracy, value: 0.931 }
---
# tiny
`;

describe('AI-BOM (CycloneDX 1.6)', () => {
  test('describes the model, its files, datasets, metrics, signature and dependencies, and validates', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const model = join(dir, 'tiny-bert');
      const files = await writeModel(model);
      writeFileSync(join(model, 'README.md'), README);
      const k = genSigningKey('ed25519');
      const signed = await signModel(model, { key: parsePrivateKey(k.privateKeyPem) });
      writeFileSync(
        join(dir, 'requirements.txt'),
        'torch==2.3.1\ntransformers>=4.40,<5  # pinned later\n-r dev.txt\n',
      );
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { onnxruntime: '1.18.0' } }));
      const doc = await buildBom(model, {
        dependencyFiles: [join(dir, 'requirements.txt'), join(dir, 'package.json')],
        facts: { datasets: ['internal-reviews'] },
      });
      assert.equal(await validateBom(doc), null);
      assert.equal(doc.specVersion, '1.6');
      const m = doc.metadata.component;
      assert.equal(m.type, 'machine-learning-model');
      assert.equal(m.name, 'tiny-bert');
      assert.deepEqual(m.modelCard.modelParameters, {
        task: 'text-classification',
        architectureFamily: 'bert',
        modelArchitecture: 'BertModel',
        datasets: [{ ref: 'dataset:imdb' }, { ref: 'dataset:internal-reviews' }],
      });
      assert.deepEqual(m.modelCard.quantitativeAnalysis.performanceMetrics, [
        { type: 'accuracy', value: '0.931', slice: 'IMDB' },
      ]);
      const weights = m.components.find(
        (c: { name: string }) => c.name === 'weights/model-00001.safetensors',
      );
      assert.deepEqual(weights.hashes, [
        {
          alg: 'SHA-256',
          content: createHash('sha256').update(files['weights/model-00001.safetensors']!).digest('hex'),
        },
      ]);
      assert.ok(!m.components.some((c: { name: string }) => c.name === 'model.sig'));
      const rootProp = m.properties.find(
        (p: { name: string }) => p.name === 'bulwark:model:sha256-of-digests',
      );
      assert.equal(rootProp.value, signed.manifest.rootDigest);
      const sigRef = m.externalReferences.find((r: { type: string }) => r.type === 'digital-signature');
      assert.equal(sigRef.url, 'model.sig');
      assert.equal(
        sigRef.hashes[0].content,
        createHash('sha256').update(readFileSync(signed.signaturePath)).digest('hex'),
      );
      const names = doc.components.map((c: { type: string; name: string }) => `${c.type}:${c.name}`);
      assert.deepEqual(names.sort(), [
        'data:imdb',
        'data:internal-reviews',
        'library:onnxruntime',
        'library:torch',
        'library:transformers',
      ]);
      const torch = doc.components.find((c: { name: string }) => c.name === 'torch');
      assert.equal(torch.purl, 'pkg:pypi/torch@2.3.1');
      const ort = doc.components.find((c: { name: string }) => c.name === 'onnxruntime');
      assert.equal(ort.purl, 'pkg:npm/onnxruntime@1.18.0');
      const modelDeps = doc.dependencies.find((d: { ref: string }) => d.ref === 'model');
      assert.ok(modelDeps.dependsOn.includes('pkg:pypi/torch@2.3.1'));
      assert.ok(modelDeps.dependsOn.includes('dataset:imdb'));
      assert.equal(doc.components.find((c: { name: string }) => c.name === 'imdb').data[0].type, 'dataset');
    } finally {
      await cleanup();
    }
  });

  test('the schema check is real: a wrong field fails validation', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeModel(dir);
      const doc = await buildBom(dir);
      doc.metadata.component.modelCard.modelParameters.approach = { type: 'not-an-approach' };
      assert.notEqual(await validateBom(doc), null);
    } finally {
      await cleanup();
    }
  });

  test('bulwark bom writes valid JSON to stdout, or to --out, with metrics from the command line', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeModel(join(dir, 'm'));
      let io = captureIo();
      assert.equal(
        await main(['bom', join(dir, 'm'), '--metric', 'f1=0.88@test', '--task', 'fill-mask'], io),
        0,
        io.stderr(),
      );
      const doc = JSON.parse(io.stdout());
      assert.equal(await validateBom(doc), null);
      assert.equal(doc.metadata.component.modelCard.modelParameters.task, 'fill-mask');
      assert.deepEqual(doc.metadata.component.modelCard.quantitativeAnalysis.performanceMetrics, [
        { type: 'f1', value: '0.88', slice: 'test' },
      ]);
      io = captureIo();
      assert.equal(await main(['bom', join(dir, 'm'), '--out', join(dir, 'bom.json')], io), 0);
      assert.equal(await validateBom(readFileSync(join(dir, 'bom.json'), 'utf8')), null);
      io = captureIo();
      assert.equal(await main(['bom', join(dir, 'm'), '--format', 'xml'], io), 2);
      io = captureIo();
      assert.equal(await main(['bom', join(dir, 'nope')], io), 2);
    } finally {
      await cleanup();
    }
  });
});

describe('dependency files', () => {
  test('requirements.txt: pins, ranges, extras, markers; options and comments skipped; lines named', () => {
    const deps = parseRequirementsTxt(
      '# top\nTorch==2.3.1\nscikit_learn[alldeps] >= 1.4 ; python_version > "3.9"\n--index-url https://x\n\nnumpy\n',
      'requirements.txt',
    );
    assert.deepEqual(deps, [
      {
        ecosystem: 'pypi',
        name: 'torch',
        version: '2.3.1',
        constraint: '==2.3.1',
        source: 'requirements.txt:2',
      },
      { ecosystem: 'pypi', name: 'scikit-learn', constraint: '>=1.4', source: 'requirements.txt:3' },
      { ecosystem: 'pypi', name: 'numpy', source: 'requirements.txt:6' },
    ]);
  });

  test('pyproject.toml: PEP 621 dependencies and Poetry tables', () => {
    const text = `[project]
name = "x"
dependencies = [
  "torch==2.3.1",
  'safetensors>=0.4',  # comment
]

[tool.poetry.dependencies]
python = "^3.10"
numpy = "1.26.4"
pandas = { version = "^2.2", optional = true }
`;
    assert.deepEqual(
      parsePyproject(text, 'pyproject.toml').map((d) => [d.name, d.version ?? null, d.constraint, d.source]),
      [
        ['torch', '2.3.1', '==2.3.1', 'pyproject.toml:4'],
        ['safetensors', null, '>=0.4', 'pyproject.toml:5'],
        ['numpy', '1.26.4', '1.26.4', 'pyproject.toml:10'],
        ['pandas', null, '^2.2', 'pyproject.toml:11'],
      ],
    );
  });

  test('package.json: runtime dependencies only; a malformed file is a named error', () => {
    assert.deepEqual(
      parsePackageJson(
        JSON.stringify({ dependencies: { a: '1.2.3', b: '^2' }, devDependencies: { c: '1' } }),
        'p.json',
      ),
      [
        {
          ecosystem: 'npm',
          name: 'a',
          version: '1.2.3',
          constraint: '1.2.3',
          source: 'p.json:dependencies.a',
        },
        { ecosystem: 'npm', name: 'b', constraint: '^2', source: 'p.json:dependencies.b' },
      ],
    );
    assert.throws(() => parsePackageJson('{', 'p.json'), /p\.json: not JSON/);
    assert.throws(
      () => parsePackageJson('{"dependencies":[]}', 'p.json'),
      /p\.json: dependencies: expected an object/,
    );
  });

  test('random input never crashes the parsers with anything but a BulwarkError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        for (const parse of [parseRequirementsTxt, parsePyproject, parsePackageJson]) {
          try {
            const deps = parse(text, 'f');
            for (const d of deps) assert.ok(d.name.length > 0);
          } catch (e) {
            assert.ok(isBulwarkError(e), String(e));
          }
        }
        parsePep508(text, 'f');
      }),
      { numRuns: 500 },
    );
  });
});
