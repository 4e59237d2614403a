import type { KeyObject } from 'node:crypto';
import { lstat, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { BulwarkError } from '../core/index.ts';
import {
  checkEnvelope,
  manifestToStatement,
  type PqStatus,
  parseBundle,
  type SigstoreBundle,
  signStatement,
  statementToManifest,
} from './bundle.ts';
import { algorithmOf, pemFingerprint, publicKeyPemOf, type SigningAlgorithm } from './keys.ts';
import { DEFAULT_IGNORE_PATHS, hashModel, type ManifestResource, type ModelManifest } from './manifest.ts';

export const DEFAULT_SIGNATURE_NAME = 'model.sig';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch (e) {
    throw new BulwarkError('BW_ERR_IO', `${path}: no such file or directory`, { cause: e });
  }
}

/** `model.sig` inside a model directory; `FILE.sig` beside a single-file model. */
export async function defaultSignaturePath(modelPath: string): Promise<string> {
  return (await isDirectory(modelPath)) ? join(modelPath, DEFAULT_SIGNATURE_NAME) : `${modelPath}.sig`;
}

/** The signature file's path relative to the model root, when it lies inside it (so it is not hashed). */
function signatureInsideModel(modelRoot: string, signaturePath: string): string | undefined {
  const rel = relative(resolve(modelRoot), resolve(signaturePath));
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep) || /^[a-zA-Z]:/.test(rel)) return undefined;
  return rel.split(sep).join('/');
}

export interface SignModelOptions {
  key: KeyObject;
  /** ML-DSA-65 private key: adds a post-quantum signature to the same envelope. */
  pqKey?: KeyObject;
  signaturePath?: string;
  /** Extra relative paths to leave out, besides the defaults and the signature file. */
  ignorePaths?: string[];
  /** Sign per shard of this many bytes instead of per file. */
  shardSize?: number;
  /** Subject name; default: the model directory's name. */
  modelName?: string;
  onProgress?: (done: number, total: number, name: string) => void;
}

export interface SignResult {
  signaturePath: string;
  bundle: SigstoreBundle;
  manifest: ModelManifest;
  algorithm: SigningAlgorithm;
  keyFingerprint: string;
  pq: boolean;
}

/** Signs a model directory or file in the OpenSSF model-signing v1.0 format and writes the bundle. */
export async function signModel(modelPath: string, options: SignModelOptions): Promise<SignResult> {
  const dir = await isDirectory(modelPath);
  const signaturePath = options.signaturePath ?? (await defaultSignaturePath(modelPath));
  const root = dir ? modelPath : dirname(modelPath);
  const sigRel = signatureInsideModel(root, signaturePath);
  const ignorePaths = [
    ...new Set([...(sigRel ? [sigRel] : []), ...DEFAULT_IGNORE_PATHS, ...(options.ignorePaths ?? [])]),
  ];
  const manifest = await hashModel(modelPath, {
    ignorePaths,
    modelName: options.modelName ?? basename(resolve(modelPath)),
    ...(options.shardSize !== undefined ? { shardSize: options.shardSize } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  // As model_signing does: a signature over nothing would verify any empty directory.
  if (manifest.resources.length === 0)
    throw new BulwarkError('BW_ERR_VALIDATION', `${modelPath}: no regular files to sign after exclusions`);
  const bundle = signStatement(manifestToStatement(manifest), options.key, options.pqKey);
  try {
    await writeFile(signaturePath, `${JSON.stringify(bundle, null, 2)}\n`);
  } catch (e) {
    throw new BulwarkError(
      'BW_ERR_IO',
      `${signaturePath}: cannot write signature (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
  return {
    signaturePath,
    bundle,
    manifest,
    algorithm: algorithmOf(options.key),
    keyFingerprint: pemFingerprint(publicKeyPemOf(options.key)),
    pq: Boolean(options.pqKey),
  };
}

export interface VerifyModelOptions {
  key: KeyObject;
  /** ML-DSA-65 public key: checks the post-quantum signature when the bundle has one. */
  pqKey?: KeyObject;
  /** Policy: fail unless a post-quantum signature is present and verifies. */
  requirePq?: boolean;
  signaturePath?: string;
  /** Extra relative paths to leave out at verification (for files added after signing on purpose). */
  ignorePaths?: string[];
  onProgress?: (done: number, total: number, name: string) => void;
}

export interface VerifyReport {
  ok: boolean;
  signaturePath: string;
  signatureValid: boolean;
  keyFingerprint: string;
  pq: PqStatus;
  modelName?: string;
  rootDigest?: string;
  method?: 'files' | 'shards';
  /** Files present now but not in the signature. */
  added: string[];
  /** Files in the signature that are gone. */
  missing: string[];
  /** Files whose content differs from the signature. */
  changed: string[];
  /** Files that match. */
  verified: number;
  /** Reasons the verification failed, one sentence each. */
  problems: string[];
}

function groupByPath(resources: readonly ManifestResource[]): Map<string, string> {
  // One comparable fingerprint per file: its resources' names and digests in order.
  const out = new Map<string, string>();
  for (const r of resources) out.set(r.path, `${out.get(r.path) ?? ''}${r.name}=${r.sha256};`);
  return out;
}

/** Verifies a model against its signature: the signature, then every file, naming each difference. */
export async function verifyModel(modelPath: string, options: VerifyModelOptions): Promise<VerifyReport> {
  const dir = await isDirectory(modelPath);
  const signaturePath = options.signaturePath ?? (await defaultSignaturePath(modelPath));
  let text: string;
  try {
    text = await readFile(signaturePath, 'utf8');
  } catch (e) {
    throw new BulwarkError('BW_ERR_IO', `${signaturePath}: cannot read signature (${(e as Error).message})`, {
      cause: e,
    });
  }
  const bundle = parseBundle(text, signaturePath);
  const check = checkEnvelope(bundle, options.key, options.pqKey);
  const report: VerifyReport = {
    ok: false,
    signaturePath,
    signatureValid: check.classicValid,
    keyFingerprint: pemFingerprint(publicKeyPemOf(options.key)),
    pq: check.pq,
    added: [],
    missing: [],
    changed: [],
    verified: 0,
    problems: [],
  };
  if (check.hintMismatch)
    report.problems.push('the signature names a different public key than the one given');
  if (!check.classicValid) {
    report.problems.push('the signature does not verify under the given public key');
    return report;
  }
  if (check.pq === 'invalid') report.problems.push('the post-quantum (ML-DSA-65) signature does not verify');
  if (options.requirePq && check.pq !== 'verified') {
    report.problems.push(
      check.pq === 'absent'
        ? 'policy requires a post-quantum signature and the bundle has none'
        : 'policy requires a verified post-quantum signature: pass the ML-DSA-65 public key',
    );
  }
  const signed = statementToManifest(check.payload, signaturePath);
  report.modelName = signed.modelName;
  report.rootDigest = signed.rootDigest;
  report.method = signed.serialization.method;
  const root = dir ? modelPath : dirname(modelPath);
  const sigRel = signatureInsideModel(root, signaturePath);
  const ignorePaths = [
    ...new Set([
      ...(signed.serialization.ignore_paths ?? []),
      ...(sigRel ? [sigRel] : []),
      ...(options.ignorePaths ?? []),
    ]),
  ];
  let local: ModelManifest;
  try {
    local = await hashModel(modelPath, {
      ignorePaths,
      modelName: signed.modelName,
      ...(signed.serialization.method === 'shards' ? { shardSize: signed.serialization.shard_size } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } catch (e) {
    if ((e as BulwarkError).code === 'BW_ERR_VALIDATION' && /symbolic links/.test((e as Error).message)) {
      report.problems.push((e as Error).message);
      return report;
    }
    throw e;
  }
  const want = groupByPath(signed.resources);
  const have = groupByPath(local.resources);
  for (const [path, fp] of want) {
    const now = have.get(path);
    if (now === undefined) report.missing.push(path);
    else if (now !== fp) report.changed.push(path);
    else report.verified++;
  }
  for (const path of have.keys()) if (!want.has(path)) report.added.push(path);
  if (report.added.length) report.problems.push(`${report.added.length} file(s) added since signing`);
  if (report.missing.length) report.problems.push(`${report.missing.length} file(s) missing`);
  if (report.changed.length) report.problems.push(`${report.changed.length} file(s) changed`);
  report.ok = report.problems.length === 0;
  return report;
}

/**
 * What the registry's gates need from a verification: `valid` only when the signature and every file
 * check out, the signer's key fingerprint, and the post-quantum state.
 */
export function signatureGateInput(report: VerifyReport): {
  status: 'valid' | 'invalid';
  keyFingerprint: string;
  postQuantum: PqStatus;
} {
  return {
    status: report.ok ? 'valid' : 'invalid',
    keyFingerprint: report.keyFingerprint,
    postQuantum: report.pq,
  };
}
