import { access } from 'node:fs/promises';
import { scanPaths } from '../scan/index.ts';
import { buildBom, defaultSignaturePath, loadPublicKey, verifyModel } from '../sign/index.ts';
import type { SignatureStatus } from '../store/index.ts';
import type { RegistryEngines } from './registry.ts';

/** Signature status of a model against the trusted keys: verified by the first key that accepts it. */
export async function verifyAgainstTrustedKeys(
  path: string,
  signaturePath: string | undefined,
  trustedKeys: string[],
): Promise<SignatureStatus> {
  const checkedAt = new Date().toISOString();
  const sig = signaturePath ?? (await defaultSignaturePath(path));
  try {
    await access(sig);
  } catch {
    return { status: 'unsigned', detail: `no signature at ${sig}`, checkedAt };
  }
  if (trustedKeys.length === 0)
    return { status: 'not-checked', detail: 'no trusted keys configured (registry.trustedKeys)', checkedAt };
  const problems: string[] = [];
  for (const keyPath of trustedKeys) {
    const report = await verifyModel(path, { key: await loadPublicKey(keyPath), signaturePath: sig });
    if (report.ok) {
      return { status: 'verified', keyFingerprint: report.keyFingerprint, postQuantum: report.pq, checkedAt };
    }
    problems.push(...report.problems);
  }
  return { status: 'invalid', detail: problems.slice(0, 5).join('; '), checkedAt };
}

/** The engines the registry uses in the CLI and the server. */
export function defaultRegistryEngines(): RegistryEngines {
  return {
    scan: (path) => scanPaths([path]),
    verifySignature: verifyAgainstTrustedKeys,
    buildBom: (path, options) =>
      buildBom(path, options.requirements ? { dependencyFiles: options.requirements } : {}),
  };
}
