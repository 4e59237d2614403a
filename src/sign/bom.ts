import { randomUUID } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Enums, Models, Serialize, Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import { parse as parseYaml } from 'yaml';
import { BulwarkError, sha256File } from '../core/index.ts';
import { type Dependency, readDependencies } from './deps.ts';
import { DEFAULT_IGNORE_PATHS, hashModel } from './manifest.ts';
import { defaultSignaturePath } from './model-signature.ts';

export interface BomMetric {
  type: string;
  value: string;
  slice?: string;
}

/** What the model card says; every field may also come from config.json / README front matter. */
export interface ModelFacts {
  name: string;
  version?: string;
  task?: string;
  architectureFamily?: string;
  modelArchitecture?: string;
  datasets: string[];
  metrics: BomMetric[];
  license?: string;
  description?: string;
}

export interface BuildBomOptions {
  /** requirements.txt, pyproject.toml or package.json files. */
  dependencyFiles?: string[];
  /** Signature to reference; default: the model's `model.sig` (or `FILE.sig`) when it exists. */
  signaturePath?: string;
  /** Overrides for what the model's own metadata says. */
  facts?: Partial<ModelFacts>;
  /** Fixed serial number and timestamp, for reproducible output. */
  serialNumber?: string;
  timestamp?: Date;
}

const MAX_META_BYTES = 1024 * 1024;

async function readSmall(path: string): Promise<string | undefined> {
  try {
    const st = await lstat(path);
    if (!st.isFile() || st.size > MAX_META_BYTES) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined;
}

/** Reads what a Hugging Face-style model directory says about itself: config.json and README front matter. */
export async function readModelFacts(modelPath: string): Promise<ModelFacts> {
  const st = await lstat(modelPath).catch((e: unknown) => {
    throw new BulwarkError('BW_ERR_IO', `${modelPath}: no such file or directory`, { cause: e });
  });
  const dir = st.isDirectory() ? modelPath : dirname(modelPath);
  const facts: ModelFacts = { name: basename(resolve(modelPath)), datasets: [], metrics: [] };
  if (!st.isDirectory()) return facts;
  const config = await readSmall(join(dir, 'config.json'));
  if (config) {
    try {
      const c = JSON.parse(config) as { architectures?: unknown; model_type?: unknown };
      const arch = Array.isArray(c.architectures) ? str(c.architectures[0]) : undefined;
      if (arch) facts.modelArchitecture = arch;
      const family = str(c.model_type);
      if (family) facts.architectureFamily = family;
    } catch {
      // A malformed config.json is the scanner's business; the BOM just lacks those fields.
    }
  }
  const readme = await readSmall(join(dir, 'README.md'));
  const front = readme && /^---\r?\n([\s\S]*?)\r?\n---/.exec(readme);
  if (front) {
    let meta: Record<string, unknown> | undefined;
    try {
      meta = parseYaml(front[1]!, { maxAliasCount: 50 }) as Record<string, unknown>;
    } catch {
      meta = undefined;
    }
    if (meta && typeof meta === 'object') {
      const task = str(meta.pipeline_tag);
      if (task) facts.task = task;
      const license = str(meta.license);
      if (license) facts.license = license;
      const ds = Array.isArray(meta.datasets) ? meta.datasets : str(meta.datasets) ? [meta.datasets] : [];
      facts.datasets = ds.map(str).filter((x): x is string => Boolean(x));
      // model-index: [{ results: [{ task, dataset, metrics: [{ type, value }] }] }]
      const index = Array.isArray(meta['model-index']) ? meta['model-index'] : [];
      for (const entry of index as { results?: unknown }[]) {
        for (const res of (Array.isArray(entry?.results) ? entry.results : []) as Record<string, any>[]) {
          const slice = str(res?.dataset?.name) ?? str(res?.dataset?.type);
          for (const m of (Array.isArray(res?.metrics) ? res.metrics : []) as Record<string, unknown>[]) {
            const type = str(m?.type) ?? str(m?.name);
            const value = str(m?.value);
            if (type && value) facts.metrics.push({ type, value, ...(slice ? { slice } : {}) });
          }
        }
      }
    }
  }
  return facts;
}

function purlOf(d: Dependency): PackageURL {
  return new PackageURL(d.ecosystem, undefined, d.name, d.version ?? undefined, undefined, undefined);
}

/**
 * Builds a CycloneDX 1.6 ML-BOM: the model as a `machine-learning-model` component with its files
 * (SHA-256 each), the signature as an external reference, datasets as `data` components and
 * software dependencies as libraries. The library builds and serialises the document; `modelCard`
 * and the `data` field, which it does not model yet, are added to the serialised JSON.
 */
export async function buildBom(
  modelPath: string,
  options: BuildBomOptions = {},
): Promise<Record<string, any>> {
  const found = await readModelFacts(modelPath);
  const facts: ModelFacts = { ...found, ...options.facts } as ModelFacts;
  facts.datasets = [...new Set([...(found.datasets ?? []), ...(options.facts?.datasets ?? [])])];
  facts.metrics = [...(options.facts?.metrics ?? []), ...(options.facts?.metrics ? [] : found.metrics)];

  const isDir = (await lstat(modelPath)).isDirectory();
  const root = isDir ? modelPath : dirname(modelPath);
  let signaturePath: string | undefined = options.signaturePath;
  if (!signaturePath) {
    const def = await defaultSignaturePath(modelPath);
    if (
      await lstat(def)
        .then((s) => s.isFile())
        .catch(() => false)
    )
      signaturePath = def;
  }
  const sigRel = signaturePath
    ? relative(resolve(root), resolve(signaturePath)).split(sep).join('/')
    : undefined;
  const manifest = await hashModel(modelPath, {
    ignorePaths: [...DEFAULT_IGNORE_PATHS, ...(sigRel && !sigRel.startsWith('..') ? [sigRel] : [])],
    modelName: facts.name,
  });

  const model = new Models.Component(Enums.ComponentType.MachineLearningModel, facts.name, {
    bomRef: 'model',
    ...(facts.version ? { version: facts.version } : {}),
    ...(facts.description ? { description: facts.description } : {}),
  });
  if (facts.license) model.licenses.add(new Models.NamedLicense(facts.license));
  model.properties.add(new Models.Property('bulwark:model:sha256-of-digests', manifest.rootDigest));
  model.properties.add(new Models.Property('bulwark:model:files', String(manifest.resources.length)));
  if (manifest.resources.length === 1 && !isDir)
    model.hashes.set(Enums.HashAlgorithm['SHA-256'], manifest.resources[0]!.sha256);
  for (const r of manifest.resources) {
    const file = new Models.Component(Enums.ComponentType.File, r.path, { bomRef: `model-file:${r.path}` });
    file.hashes.set(Enums.HashAlgorithm['SHA-256'], r.sha256);
    model.components.add(file);
  }
  if (signaturePath) {
    const sig = await sha256File(signaturePath);
    const ref = new Models.ExternalReference(
      sigRel && !sigRel.startsWith('..') ? sigRel : signaturePath,
      Enums.ExternalReferenceType.DigitalSignature,
      {
        comment: 'OpenSSF model signing v1.0 (Sigstore bundle, DSSE envelope over an in-toto statement)',
      },
    );
    ref.hashes.set(Enums.HashAlgorithm['SHA-256'], sig.sha256);
    model.externalReferences.add(ref);
  }

  const bom = new Models.Bom({
    serialNumber: options.serialNumber ?? `urn:uuid:${randomUUID()}`,
  });
  bom.metadata.timestamp = options.timestamp ?? new Date();
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, 'bulwark', { group: 'bulwark' }),
  );
  bom.metadata.component = model;

  const datasetRefs: string[] = [];
  for (const name of facts.datasets) {
    const ref = `dataset:${name}`;
    datasetRefs.push(ref);
    const data = new Models.Component(Enums.ComponentType.Data, name, { bomRef: ref });
    bom.components.add(data);
    model.dependencies.add(data.bomRef);
  }

  const seen = new Set<string>();
  for (const file of options.dependencyFiles ?? []) {
    for (const d of await readDependencies(file)) {
      const key = `${d.ecosystem}:${d.name}@${d.version ?? d.constraint ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const purl = purlOf(d);
      const lib = new Models.Component(Enums.ComponentType.Library, d.name, {
        bomRef: purl.toString() + (d.version ? '' : `#${d.constraint ?? 'any'}`),
        purl: purl.toString(),
        ...(d.version ? { version: d.version } : d.constraint ? { version: d.constraint } : {}),
      });
      lib.properties.add(new Models.Property('bulwark:declared-in', d.source));
      bom.components.add(lib);
      model.dependencies.add(lib.bomRef);
    }
  }

  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  const doc = JSON.parse(serializer.serialize(bom, { sortLists: true })) as Record<string, any>;

  // modelCard (CycloneDX 1.6 §modelCard): parameters, the datasets by reference, and metrics.
  const card: Record<string, any> = { modelParameters: {} };
  if (facts.task) card.modelParameters.task = facts.task;
  if (facts.architectureFamily) card.modelParameters.architectureFamily = facts.architectureFamily;
  if (facts.modelArchitecture) card.modelParameters.modelArchitecture = facts.modelArchitecture;
  if (datasetRefs.length) card.modelParameters.datasets = datasetRefs.map((ref) => ({ ref }));
  if (facts.metrics.length)
    card.quantitativeAnalysis = {
      performanceMetrics: facts.metrics.map((m) => ({
        type: m.type,
        value: m.value,
        ...(m.slice ? { slice: m.slice } : {}),
      })),
    };
  doc.metadata.component.modelCard = card;
  for (const c of doc.components ?? []) {
    if (c.type === 'data') c.data = [{ type: 'dataset', name: c.name }];
  }
  return doc;
}

/** Validates a BOM against the CycloneDX 1.6 JSON schema (strict); returns the errors, or null. */
export async function validateBom(doc: unknown): Promise<unknown | null> {
  const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
  return validator.validate(typeof doc === 'string' ? doc : JSON.stringify(doc));
}
