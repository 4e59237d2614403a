/**
 * `discover(root)`: the first step of an AI risk assessment — know every component. Walks a tree,
 * identifies model and dataset artifacts by their bytes, finds AI use in code and config (libraries,
 * model names, endpoints) and plain-text credentials, and returns assets in the `AssetCreate` shape
 * plus findings. Reads files only; registers nothing (the CLI does that).
 */
import { lstat, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import {
  type AssetCreate,
  type AssetRef,
  BulwarkError,
  type Finding,
  makeFinding,
  severityRank,
  sha256File,
  sha256Path,
  ValidationError,
} from '../core/index.ts';
import { type SourceScan, scanSourceFile, type TextHit } from './code.ts';
import { type FileReport, inspectFile } from './inspect.ts';
import { DISCOVER_RULES } from './rules.ts';
import { EXTENSION_FORMATS, extensionOf, SAFE_EXTENSIONS } from './sniff.ts';
import { walk } from './walk.ts';
import { findSecrets, redactAround } from './secrets.ts';

/** The `discover:` section of bulwark.yaml; the CLI flags override it. */
export const DiscoverConfig = z
  .object({
    maxFiles: z.number().int().positive().default(100_000),
    maxDepth: z.number().int().positive().max(256).default(32),
    /** Source and config files are read up to this many bytes. */
    maxCodeBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    /** SHA-256 every artifact (streamed; turn off for a quick look at a folder of huge checkpoints). */
    hash: z.boolean().default(true),
    ignore: z.array(z.string()).default([]),
    concurrency: z.number().int().min(1).max(64).default(8),
    failOn: z.enum(['critical', 'high', 'medium', 'low', 'info', 'none']).default('high'),
  })
  .strict();
export type DiscoverConfig = z.infer<typeof DiscoverConfig>;

export interface DiscoverOptions extends Partial<Omit<DiscoverConfig, 'failOn'>> {
  onProgress?: (done: number, total: number, path: string) => void;
}

/** An asset found on disk or in code, ready for `store.assets.upsert` or `POST /api/v1/assets`. */
export interface DiscoveredAsset extends AssetCreate {
  kind: 'model' | 'dataset' | 'endpoint' | 'application';
  name: string;
  uri: string;
  tags: string[];
  description: string;
  metadata: Record<string, unknown>;
}

export interface DiscoverStats {
  filesSeen: number;
  filesRead: number;
  textFilesScanned: number;
  artifacts: number;
  bytesHashed: number;
  skippedDirs: number;
  symlinksSkipped: number;
  unreadable: number;
  textFilesTruncated: number;
  limitReached: boolean;
  durationMs: number;
}

export interface DiscoverResult {
  root: string;
  assets: DiscoveredAsset[];
  findings: Finding[];
  stats: DiscoverStats;
}

const LFS_POINTER = 'version https://git-lfs';
const EMPTY = new Uint8Array(0);
const TAG = /^[A-Za-z0-9][A-Za-z0-9_.:/=-]*$/;
const AI_SECRET_PROVIDERS = new Set(['openai', 'anthropic', 'huggingface', 'replicate', 'groq', 'google']);
const EVIDENCE_CAP = 50;
const KIND_ORDER = { model: 0, dataset: 1, endpoint: 2, application: 3 } as const;
const FORMAT_LABEL: Record<string, string> = {
  pickle: 'Python pickle',
  pytorch: 'PyTorch checkpoint',
  'pytorch-legacy': 'PyTorch checkpoint (legacy pickle)',
  'pytorch-tar': 'PyTorch checkpoint (legacy tar)',
  torchscript: 'TorchScript model',
  safetensors: 'safetensors weights',
  onnx: 'ONNX model',
  gguf: 'GGUF model',
  keras: 'Keras 3 model',
  'keras-h5': 'Keras HDF5 model',
  hdf5: 'HDF5 file',
  numpy: 'NumPy array',
  npz: 'NumPy archive',
  joblib: 'joblib dump',
  savedmodel: 'TensorFlow SavedModel',
  tflite: 'TensorFlow Lite model',
  'tensorflow-pb': 'TensorFlow graph',
  coreml: 'Core ML model',
  zip: 'zip archive',
  parquet: 'Parquet dataset',
  arrow: 'Arrow dataset',
  avro: 'Avro dataset',
  csv: 'CSV dataset',
  jsonl: 'JSON Lines dataset',
};

function tagsOf(list: Iterable<string>): string[] {
  const out: string[] = [];
  for (const t of list) if (t.length <= 64 && TAG.test(t) && !out.includes(t)) out.push(t);
  return out.slice(0, 50);
}

function assetName(s: string): string {
  const clean = s.replace(/[\u0000-\u001f]/g, '?');
  return clean.length <= 200 ? clean : `…${clean.slice(-199)}`;
}

interface Evidence {
  path: string;
  line?: number;
  member?: string;
  match?: string;
}

interface AppAgg {
  dir: string;
  tags: Set<string>;
  libraries: Map<string, Evidence[]>;
  models: Map<string, { provider: string; evidence: Evidence[] }>;
  endpoints: Set<string>;
  apiPaths: Set<string>;
  files: Set<string>;
  secrets: number;
}

interface EndpointAgg {
  provider: string;
  evidence: Evidence[];
  projects: Set<string>;
}

/** An excerpt of code with any credential on it masked (it goes into a finding). */
function redactExcerpt(s: string): string {
  const found = findSecrets(s);
  return found.length === 0 ? s : redactAround(s, found, found[0]!, s.length);
}

function pushCapped<T>(list: T[], item: T): void {
  if (list.length < EVIDENCE_CAP) list.push(item);
}

/** Runs `fn` over `items` with at most `n` in flight; results keep the input order. */
async function pool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return out;
}

export async function discover(root: string, options: DiscoverOptions = {}): Promise<DiscoverResult> {
  const started = performance.now();
  const { onProgress, ...rest } = options;
  const parsed = DiscoverConfig.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ValidationError(issue.path.join('.') || 'options', issue.message);
  }
  const cfg = parsed.data;
  const rootAbs = resolve(root);
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = (await lstat(rootAbs)).isSymbolicLink() ? await stat(rootAbs) : await lstat(rootAbs);
  } catch (e) {
    throw new BulwarkError('BW_ERR_IO', `${root}: no such file or directory`, { cause: e });
  }
  if (!st.isDirectory() && !st.isFile()) {
    throw new BulwarkError('BW_ERR_IO', `${root}: not a regular file or directory`);
  }
  const base = st.isFile() ? dirname(rootAbs) : rootAbs;
  const rootName = basename(base) || 'root';
  const walked = st.isFile()
    ? {
        files: [basename(rootAbs)],
        savedModels: [],
        projects: new Map<string, string[]>(),
        unreadable: [],
        skippedDirs: 0,
        symlinks: 0,
        truncated: false,
      }
    : await walk(base, { maxFiles: cfg.maxFiles, maxDepth: cfg.maxDepth, ignore: cfg.ignore });

  const stats: DiscoverStats = {
    filesSeen: walked.files.length,
    filesRead: 0,
    textFilesScanned: 0,
    artifacts: 0,
    bytesHashed: 0,
    skippedDirs: walked.skippedDirs,
    symlinksSkipped: walked.symlinks,
    unreadable: walked.unreadable.length,
    textFilesTruncated: 0,
    limitReached: walked.truncated,
    durationMs: 0,
  };
  const assets: DiscoveredAsset[] = [];
  const findings: Finding[] = [];
  const nameOf = (rel: string) => assetName(rel === '' ? rootName : `${rootName}/${rel}`);

  for (const u of walked.unreadable) {
    findings.push(
      makeFinding(DISCOVER_RULES['discover.io.unreadable'], {
        location: { path: u.path },
        evidence: { error: u.error },
      }),
    );
  }
  if (walked.truncated) {
    findings.push(
      makeFinding(DISCOVER_RULES['discover.limit.max-files'], { evidence: { maxFiles: cfg.maxFiles } }),
    );
  }

  // SavedModel folders are one artifact each: a digest over every file in them.
  for (const dir of walked.savedModels) {
    const abs = dir === '' ? base : join(base, dir);
    const metadata: Record<string, unknown> = { path: dir || '.', format: 'savedmodel', detectedBy: 'magic' };
    try {
      if (cfg.hash) {
        const d = await sha256Path(abs);
        Object.assign(metadata, { sha256: d.sha256, size: d.size, files: d.files.length });
        stats.bytesHashed += d.size;
      }
    } catch (e) {
      stats.unreadable++;
      findings.push(
        makeFinding(DISCOVER_RULES['discover.io.unreadable'], {
          location: { path: dir || '.' },
          evidence: { error: (e as Error).message },
        }),
      );
      continue;
    }
    stats.artifacts++;
    assets.push({
      kind: 'model',
      name: nameOf(dir),
      uri: dir || '.',
      tags: tagsOf(['format:savedmodel', 'framework:tensorflow', 'source:discover']),
      description: 'TensorFlow SavedModel found by bulwark discover',
      metadata,
    });
  }

  let done = 0;
  const reports = await pool(walked.files, cfg.concurrency, async (rel) => {
    let report: FileReport | undefined;
    let error: string | undefined;
    try {
      report = await inspectFile(join(base, rel), rel, cfg.maxCodeBytes);
    } catch (e) {
      error = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    }
    let digest: { sha256: string; size: number } | undefined;
    if (report?.sniffed && cfg.hash) {
      try {
        digest = await sha256File(join(base, rel));
      } catch (e) {
        error = (e as Error).message;
      }
    }
    // Scan text here and keep only the hits, so memory holds no file contents across the walk.
    let scan: SourceScan | undefined;
    let lfsPointer = false;
    if (report) {
      if (report.text !== undefined && report.language)
        scan = scanSourceFile(rel, report.text, report.language);
      lfsPointer = !report.sniffed && Buffer.from(report.head).toString('latin1').startsWith(LFS_POINTER);
      report.text = undefined;
      report.head = EMPTY;
    }
    onProgress?.(++done, walked.files.length, rel);
    return { rel, report, error, digest, scan, lfsPointer };
  });

  const projectDirs = [...walked.projects.keys()].sort((a, b) => b.length - a.length);
  const projectOf = (rel: string) => projectDirs.find((d) => d === '' || rel.startsWith(`${d}/`)) ?? '';
  const apps = new Map<string, AppAgg>();
  const declaredNames = new Map<string, string>();
  const endpoints = new Map<string, EndpointAgg>();
  const secretHits: Array<{ rel: string; member?: string; hit: Extract<TextHit, { type: 'secret' }> }> = [];
  const remoteCode: Array<{ rel: string; member?: string; hit: Extract<TextHit, { type: 'remote-code' }> }> =
    [];
  const app = (dir: string): AppAgg => {
    let a = apps.get(dir);
    if (!a) {
      a = {
        dir,
        tags: new Set(),
        libraries: new Map(),
        models: new Map(),
        endpoints: new Set(),
        apiPaths: new Set(),
        files: new Set(),
        secrets: 0,
      };
      apps.set(dir, a);
    }
    return a;
  };

  const absorb = (rel: string, hits: TextHit[], member?: string) => {
    const dir = projectOf(rel);
    const where = (line: number): Evidence => ({ path: rel, line, ...(member ? { member } : {}) });
    for (const h of hits) {
      if (h.type === 'secret') {
        secretHits.push({ rel, ...(member ? { member } : {}), hit: h });
        if (AI_SECRET_PROVIDERS.has(h.match.provider)) {
          const a = app(dir);
          a.tags.add(`provider:${h.match.provider}`);
          a.files.add(rel);
        }
        continue;
      }
      if (h.type === 'remote-code') {
        remoteCode.push({ rel, ...(member ? { member } : {}), hit: h });
        continue;
      }
      const a = app(dir);
      a.files.add(rel);
      if (h.type === 'library') {
        for (const t of h.tags) a.tags.add(t);
        const ev = a.libraries.get(h.lib) ?? [];
        pushCapped(ev, { ...where(h.line), match: h.snippet });
        a.libraries.set(h.lib, ev);
      } else if (h.type === 'model') {
        const m = a.models.get(h.name) ?? { provider: h.provider, evidence: [] };
        pushCapped(m.evidence, where(h.line));
        a.models.set(h.name, m);
      } else if (h.type === 'endpoint') {
        a.endpoints.add(h.url);
        a.tags.add(`provider:${h.provider}`);
        const e = endpoints.get(h.url) ?? { provider: h.provider, evidence: [], projects: new Set() };
        pushCapped(e.evidence, where(h.line));
        e.projects.add(dir);
        endpoints.set(h.url, e);
      } else {
        a.apiPaths.add(h.path);
      }
    }
  };

  for (const { rel, report, error, digest, scan, lfsPointer: lfs } of reports) {
    if (!report || error) {
      stats.unreadable++;
      findings.push(
        makeFinding(DISCOVER_RULES['discover.io.unreadable'], {
          location: { path: rel },
          evidence: { error: error ?? 'unknown error' },
        }),
      );
      if (!report) continue;
    }
    stats.filesRead++;
    const ext = extensionOf(rel);
    const s = report.sniffed;
    if (s) {
      stats.artifacts++;
      if (digest) stats.bytesHashed += digest.size;
      const name = nameOf(rel);
      const fmt = FORMAT_LABEL[s.format] ?? s.format;
      assets.push({
        kind: s.kind,
        name,
        uri: rel,
        tags: tagsOf([
          `format:${s.format}`,
          ...s.frameworks.map((f) => `framework:${f}`),
          ...(s.executesCode ? ['executes-code'] : []),
          'source:discover',
        ]),
        description: `${fmt} found by bulwark discover`,
        metadata: {
          path: rel,
          format: s.format,
          detectedBy: s.by,
          size: digest?.size ?? report.size,
          ...(digest ? { sha256: digest.sha256 } : {}),
          executesCode: s.executesCode,
          ...s.detail,
        },
      });
      if (s.executesCode && SAFE_EXTENSIONS.has(ext) && s.format !== 'numpy') {
        findings.push(
          makeFinding(DISCOVER_RULES['discover.artifact.disguised-pickle'], {
            title: `${rel} is a ${fmt}, not the ${ext} its name claims`,
            asset: { kind: s.kind, name },
            location: { path: rel },
            evidence: { extension: ext, format: s.format, ...s.detail },
          }),
        );
      }
      continue;
    }
    const expected = EXTENSION_FORMATS[ext];
    if (expected && report.size > 0) {
      findings.push(
        makeFinding(DISCOVER_RULES['discover.artifact.unrecognized-content'], {
          title: lfs
            ? `${rel} is a Git LFS pointer, not the ${expected} file itself`
            : `${rel} does not look like ${expected}`,
          location: { path: rel },
          evidence: { extension: ext, expected, size: report.size, ...(lfs ? { lfsPointer: true } : {}) },
        }),
      );
    }
    if (!scan) continue;
    stats.textFilesScanned++;
    if (report.textTruncated) stats.textFilesTruncated++;
    if (scan.declaredName) declaredNames.set(dirname(rel) === '.' ? '' : dirname(rel), scan.declaredName);
    for (const part of scan.parts) absorb(rel, part.hits, part.member);
  }

  const appName = (dir: string) =>
    assetName(declaredNames.get(dir) ?? (dir === '' ? rootName : `${rootName}/${dir}`));
  const appRef = (dir: string): AssetRef | undefined =>
    apps.has(dir) ? { kind: 'application', name: appName(dir) } : undefined;

  for (const [url, e] of endpoints) {
    assets.push({
      kind: 'endpoint',
      name: assetName(url),
      uri: url,
      tags: tagsOf([`provider:${e.provider}`, 'source:discover']),
      description: `${e.provider} model endpoint referenced in code or config, found by bulwark discover`,
      metadata: {
        provider: e.provider,
        applications: [...e.projects].map(appName),
        evidence: e.evidence,
      },
    });
  }
  for (const a of apps.values()) {
    const models = [...a.models.keys()].sort();
    const libraries = [...a.libraries.keys()].sort();
    assets.push({
      kind: 'application',
      name: appName(a.dir),
      uri: a.dir || '.',
      tags: tagsOf([...[...a.tags].sort(), ...models.map((m) => `model:${m}`), 'source:discover']),
      description: `Application using ${libraries.length > 0 ? libraries.join(', ') : 'AI services'}, found by bulwark discover`,
      metadata: {
        path: a.dir || '.',
        libraries,
        models: models.map((m) => ({ name: m, provider: a.models.get(m)!.provider })),
        endpoints: [...a.endpoints].sort(),
        apiPaths: [...a.apiPaths].sort(),
        files: [...a.files].sort().slice(0, 200),
        evidence: [
          ...[...a.libraries].flatMap(([lib, ev]) =>
            ev.slice(0, 5).map((x) => ({ kind: 'library', value: lib, ...x })),
          ),
          ...[...a.models].flatMap(([m, v]) =>
            v.evidence.slice(0, 5).map((x) => ({ kind: 'model', value: m, ...x })),
          ),
        ].slice(0, 100),
      },
    });
  }

  const keyRule = DISCOVER_RULES['discover.secret.plaintext-api-key'];
  for (const { rel, member, hit } of secretHits) {
    const m = hit.match;
    const ref = appRef(projectOf(rel));
    const label = m.provider === 'generic' ? 'API key or token' : `${m.provider} credential`;
    findings.push(
      makeFinding(keyRule, {
        title: `${label} in plain text in ${rel}`,
        severity: m.severity,
        confidence: m.confidence,
        ...(ref ? { asset: ref } : {}),
        location: { path: rel, line: hit.line, column: hit.column, ...(member ? { member } : {}) },
        evidence: {
          provider: m.provider,
          masked: m.masked,
          fingerprint: m.fingerprint,
          length: m.length,
          ...(m.name ? { assignedTo: m.name } : {}),
          excerpt: hit.redacted,
        },
      }),
    );
  }

  for (const { rel, member, hit } of remoteCode) {
    const ref = appRef(projectOf(rel));
    findings.push(
      makeFinding(DISCOVER_RULES['discover.code.trust-remote-code'], {
        ...(ref ? { asset: ref } : {}),
        location: { path: rel, line: hit.line, column: hit.column, ...(member ? { member } : {}) },
        evidence: { excerpt: redactExcerpt(hit.snippet) },
      }),
    );
  }

  assets.sort(
    (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      (a.location.path ?? '').localeCompare(b.location.path ?? '') ||
      (a.location.line ?? 0) - (b.location.line ?? 0),
  );
  stats.durationMs = Math.round(performance.now() - started);
  return { root: rootAbs, assets, findings, stats };
}
