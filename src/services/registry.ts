import { cp, lstat, mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import {
  BulwarkError,
  countBySeverity,
  defineRules,
  makeFinding,
  maxSeverity,
  sha256Path,
} from '../core/index.ts';
import {
  canPromote,
  evaluateGates,
  type GateConfig,
  type GateInput,
  type GateResult,
  gatesFor,
  DEFAULT_SIGNATURE_NAME,
  RegistryConfig as SignRegistryConfig,
  STAGES,
  type Stage,
} from '../sign/index.ts';
import type { ScanReport } from '../scan/index.ts';
import { recordScan } from './scans.ts';
import type { ManifestEntry, RegistryVersion, ScanStatus, SignatureStatus, Store } from '../store/index.ts';

/**
 * The model registry: versions of model assets move candidate → approved → production → retired through
 * gates, production rolls back to the previous version, and stored artifacts are re-verified against
 * their digests. This is a service — it composes engines (scan, sign) with the store — so the CLI and
 * the server share it; engines stay free of storage.
 */

/**
 * The `registry:` section: sign's gate configuration (one gate registry for the whole product) plus
 * what the service itself needs — which public keys it verifies signatures with, and where artifacts live.
 */
export const RegistryConfig = SignRegistryConfig.extend({
  /** SPKI PEM public keys whose signatures count; their fingerprints are what `signedBy` lists. */
  trustedKeys: z.array(z.string()).default([]),
  /** Copy artifacts into `<home>/blobs` at push (otherwise the registry records their path). */
  storeArtifacts: z.boolean().default(false),
});
export type RegistryConfig = z.infer<typeof RegistryConfig>;

/**
 * Gates used when `registry.gates` and `registry.stages` are both empty: secure by default, so a
 * model reaches production only signed, scanned clean of high and critical findings, with an AI-BOM and
 * intact digests.
 */
export const DEFAULT_STAGE_GATES: Partial<Record<Stage, GateConfig>> = {
  approved: { scanFailOn: 'high', requireDigestsVerified: true },
  production: { requireSignature: true, scanFailOn: 'high', requireBom: true, requireDigestsVerified: true },
};

function gateConfigFor(config: RegistryConfig, stage: Stage): GateConfig {
  const configured = Object.keys(config.gates).length > 0 || Object.keys(config.stages).length > 0;
  return configured ? gatesFor(config, stage) : (DEFAULT_STAGE_GATES[stage] ?? {});
}

/** What the registry knows about a version, in the shape sign's gates read. */
export function gateInputOf(v: Pick<RegistryVersion, 'signature' | 'scan' | 'bom' | 'integrity'>): GateInput {
  const sig = v.signature;
  return {
    signature: {
      status: sig.status === 'verified' ? 'valid' : sig.status === 'unsigned' ? 'missing' : 'invalid',
      ...(sig.keyFingerprint ? { keyFingerprint: sig.keyFingerprint } : {}),
      ...(sig.postQuantum
        ? { postQuantum: sig.postQuantum as NonNullable<GateInput['signature']>['postQuantum'] }
        : {}),
    },
    ...(v.scan.status === 'not-scanned'
      ? {}
      : {
          scan: {
            counts: v.scan.counts ?? {},
            status: v.scan.status === 'error' ? ('failed' as const) : ('completed' as const),
            ...(v.scan.scannedAt ? { finishedAt: v.scan.scannedAt } : {}),
          },
        }),
    bom: { present: Boolean(v.bom) },
    digests: {
      verified: v.integrity.ok === true,
      mismatched: [
        ...(v.integrity.changed ?? []),
        ...(v.integrity.missing ?? []),
        ...(v.integrity.added ?? []),
      ],
    },
  };
}

export const REGISTRY_RULES = defineRules({
  'registry.integrity.digest-mismatch': {
    title: 'Registered model artifact changed after registration',
    severity: 'critical',
    description: 'A file of a registered model version no longer matches the SHA-256 recorded at push.',
    remediation:
      'Treat the artifact as tampered: take the version out of service (rollback), restore it from a trusted copy and find who changed it.',
    refs: ['atlas:AML.T0010.003', 'owasp:llm:03', 'cwe:494'],
  },
  'registry.integrity.missing-artifact': {
    title: 'Registered model artifact is missing',
    severity: 'high',
    description: 'A file of a registered model version cannot be found where the registry recorded it.',
    remediation:
      'Restore the artifact from backup, or store artifacts in the registry (registry.storeArtifacts).',
    refs: ['atlas:AML.T0010.003', 'cwe:494'],
  },
});

/** What the registry needs from the engines, injected so tests and the server can choose. */
export interface RegistryEngines {
  scan?: (path: string) => Promise<ScanReport>;
  verifySignature?: (
    path: string,
    signaturePath: string | undefined,
    trustedKeys: string[],
  ) => Promise<SignatureStatus>;
  buildBom?: (path: string, options: { requirements?: string[] }) => Promise<Record<string, unknown>>;
}

export interface PushInput {
  path: string;
  name: string;
  version: string;
  owner?: string;
  signaturePath?: string;
  requirements?: string[];
  /** Override `registry.storeArtifacts` for this push. */
  storeArtifact?: boolean;
  actor: string;
}

export class GateError extends BulwarkError {
  readonly gates: GateResult[];
  constructor(message: string, gates: GateResult[]) {
    super('BW_ERR_GATE_FAILED', message, { status: 409, details: { gates } });
    this.name = 'GateError';
    this.gates = gates;
  }
}

/**
 * A signature file is not part of what it signs: it is left out of the recorded digests, so a model can
 * be signed after it was pushed (its signature is checked again at promotion).
 */
function isSignatureFile(rel: string): boolean {
  return rel === DEFAULT_SIGNATURE_NAME;
}

export function createRegistryService(opts: {
  store: Store;
  home: string;
  config?: RegistryConfig;
  engines?: RegistryEngines;
}) {
  const { store } = opts;
  const config = opts.config ?? RegistryConfig.parse({});
  const engines = opts.engines ?? {};
  const reg = store.registry;

  async function findModel(name: string) {
    const asset = await store.assets.getByName('model', name);
    if (!asset)
      throw new BulwarkError('BW_ERR_NOT_FOUND', `no model named ${JSON.stringify(name)} in the registry`, {
        field: 'name',
      });
    return asset;
  }

  async function findVersion(name: string, version: string) {
    const asset = await findModel(name);
    const v = await reg.byAssetVersion(asset.id, version);
    if (!v)
      throw new BulwarkError('BW_ERR_NOT_FOUND', `model ${name} has no version ${JSON.stringify(version)}`, {
        field: 'version',
      });
    return { asset, v };
  }

  async function runScan(assetId: string, path: string, actor: string): Promise<ScanStatus> {
    if (!engines.scan) return { status: 'not-scanned' };
    const run = await store.runs.start({ engine: 'scan', assetId, target: path });
    try {
      const report = await engines.scan(path);
      await recordScan(store, { report, target: path, assetId, actor, runId: run.id });
      const counts = countBySeverity(report.findings);
      const worst = maxSeverity(report.findings.map((f) => f.severity));
      return {
        status: worst && worst !== 'info' ? 'findings' : 'clean',
        runId: run.id,
        ...(worst ? { maxSeverity: worst } : {}),
        counts,
        scannedAt: new Date().toISOString(),
      };
    } catch (e) {
      await store.runs.finish(run.id, { status: 'failed', summary: { error: (e as Error).message } });
      return { status: 'error', runId: run.id, scannedAt: new Date().toISOString() };
    }
  }

  /** Re-hashes a version's artifact and records whether it still matches. */
  async function checkIntegrity(
    v: RegistryVersion,
  ): Promise<{ ok: boolean; changed: string[]; missing: string[]; added: string[] }> {
    let current: Awaited<ReturnType<typeof sha256Path>>;
    try {
      current = await sha256Path(v.artifactPath, { ignore: isSignatureFile });
    } catch {
      return {
        ok: false,
        changed: [],
        missing: v.manifest.map((m) => m.path || basename(v.artifactPath)),
        added: [],
      };
    }
    const now = new Map(current.files.map((f) => [f.path, f.sha256]));
    const then = new Map(v.manifest.map((m) => [m.path, m.sha256]));
    const changed = [...then]
      .filter(([p, h]) => now.has(p) && now.get(p) !== h)
      .map(([p]) => p || basename(v.artifactPath));
    const missing = [...then.keys()].filter((p) => !now.has(p));
    const added = [...now.keys()].filter((p) => !then.has(p));
    return { ok: changed.length + missing.length + added.length === 0, changed, missing, added };
  }

  const service = {
    config,

    async push(input: PushInput): Promise<RegistryVersion> {
      const src = resolve(input.path);
      const digest = await sha256Path(src, { ignore: isSignatureFile });
      if (digest.files.length === 0)
        throw new BulwarkError('BW_ERR_USAGE', `${input.path}: no files to register`, { field: 'path' });
      let artifactPath = src;
      const storeIt = input.storeArtifact ?? config.storeArtifacts;
      if (storeIt) {
        const dest = join(opts.home, 'blobs', 'sha256', digest.sha256);
        await mkdir(dest, { recursive: true, mode: 0o700 });
        const isDir = (await lstat(src)).isDirectory();
        artifactPath = isDir ? dest : join(dest, basename(src));
        await cp(src, artifactPath, { recursive: true, force: false, errorOnExist: false });
      }
      const { asset } = await store.assets.upsert(
        { kind: 'model', name: input.name, owner: input.owner ?? '', uri: src },
        input.actor,
      );
      const existing = await reg.byAssetVersion(asset.id, input.version);
      if (existing)
        throw new BulwarkError(
          'BW_ERR_CONFLICT',
          `model ${input.name} already has version ${input.version}`,
          { field: 'version' },
        );
      const manifest: ManifestEntry[] = digest.files.map((f) => ({
        path: f.path,
        sha256: f.sha256,
        size: f.size,
      }));
      const signature: SignatureStatus = engines.verifySignature
        ? await engines.verifySignature(src, input.signaturePath, config.trustedKeys)
        : { status: 'not-checked' };
      const version = await store.assets.addVersion(
        asset.id,
        {
          version: input.version,
          digest: `sha256:${digest.sha256}`,
          size: digest.size,
          uri: artifactPath,
          metadata: { files: manifest.length },
        },
        input.actor,
      );
      const scan = await runScan(asset.id, src, input.actor);
      const bom = engines.buildBom
        ? await engines.buildBom(src, input.requirements ? { requirements: input.requirements } : {})
        : null;
      await store.audited(async (tx, audit) => {
        await reg.insert(tx, {
          versionId: version.id,
          assetId: asset.id,
          artifactPath,
          stored: storeIt,
          manifest,
          signature,
          scan,
          bom,
        });
        await reg.addHistory(tx, {
          assetId: asset.id,
          versionId: version.id,
          version: input.version,
          fromStage: null,
          toStage: 'candidate',
          action: 'push',
          actor: input.actor,
          reason: '',
          gates: [],
        });
        await audit('registry.push', version.id, {
          model: input.name,
          version: input.version,
          digest: `sha256:${digest.sha256}`,
          signature: signature.status,
          scan: scan.status,
        });
      }, input.actor);
      return (await reg.get(version.id))!;
    },

    async list(name?: string) {
      const assets = name
        ? [await findModel(name)]
        : (await store.assets.list({ kind: 'model', limit: 500 })).items;
      const out = [];
      for (const asset of assets) {
        const versions = await reg.list(asset.id);
        if (versions.length || name) out.push({ asset, versions });
      }
      return out;
    },

    async show(name: string) {
      const asset = await findModel(name);
      return { asset, versions: await reg.list(asset.id), history: await reg.history(asset.id) };
    },

    /** Evaluates the target stage's gates without changing anything (the console shows this). */
    async check(name: string, version: string, to: 'approved' | 'production') {
      const { v } = await findVersion(name, version);
      return evaluateGates(gateInputOf(v), gateConfigFor(config, to));
    },

    async promote(input: { name: string; version: string; to: Stage; actor: string; reason?: string }) {
      const { asset, v } = await findVersion(input.name, input.version);
      if (!canPromote(v.stage, input.to)) {
        const allowed = STAGES.filter((s) => canPromote(v.stage, s));
        throw new BulwarkError(
          'BW_ERR_CONFLICT',
          `cannot move ${input.name}@${input.version} from ${v.stage} to ${input.to}; allowed: ${allowed.join(', ') || 'none'}`,
          { field: 'to' },
        );
      }
      let gates: GateResult[] = [];
      if (input.to !== 'retired') {
        const gate = gateConfigFor(config, input.to);
        if (
          (gate.requireSignature || gate.signedBy || gate.requirePostQuantum) &&
          v.signature.status !== 'verified' &&
          engines.verifySignature
        ) {
          // Signed after the push: check again before judging.
          v.signature = await engines.verifySignature(v.artifactPath, undefined, config.trustedKeys);
          await reg.setChecks(v.versionId, { signature: v.signature });
        }
        if (gate.requireDigestsVerified) {
          const i = await checkIntegrity(v);
          await reg.setIntegrity(v.versionId, { ...i, checkedAt: new Date().toISOString() });
          v.integrity = i;
        }
        gates = evaluateGates(gateInputOf(v), gate);
        const failed = gates.filter((g) => !g.passed);
        if (failed.length) {
          await store.audit.append(input.actor, 'registry.promote.refused', v.versionId, {
            model: input.name,
            version: input.version,
            to: input.to,
            failed,
          });
          throw new GateError(
            `promotion of ${input.name}@${input.version} to ${input.to} refused: ${failed.map((g) => `${g.gate} (${g.reason})`).join('; ')}`,
            gates,
          );
        }
      }
      await store.audited(async (tx, audit) => {
        if (input.to === 'production') {
          for (const cur of await reg.inStage(asset.id, 'production', tx)) {
            await reg.setStage(tx, cur.versionId, 'retired');
            await reg.addHistory(tx, {
              assetId: asset.id,
              versionId: cur.versionId,
              version: cur.version,
              fromStage: 'production',
              toStage: 'retired',
              action: 'retire',
              actor: input.actor,
              reason: `superseded by ${input.version}`,
              gates: [],
            });
          }
        }
        await reg.setStage(tx, v.versionId, input.to);
        await reg.addHistory(tx, {
          assetId: asset.id,
          versionId: v.versionId,
          version: v.version,
          fromStage: v.stage,
          toStage: input.to,
          action: input.to === 'retired' ? 'retire' : 'promote',
          actor: input.actor,
          reason: input.reason ?? '',
          gates,
        });
        await audit('registry.promote', v.versionId, {
          model: input.name,
          version: input.version,
          from: v.stage,
          to: input.to,
          reason: input.reason ?? '',
        });
      }, input.actor);
      return { version: (await reg.get(v.versionId))!, gates };
    },

    /** Returns production to the version that was in production before the current one. */
    async rollback(input: { name: string; actor: string; reason: string }) {
      if (!input.reason.trim())
        throw new BulwarkError('BW_ERR_USAGE', 'a rollback needs a reason (--reason)', { field: 'reason' });
      const asset = await findModel(input.name);
      const [current] = await reg.inStage(asset.id, 'production');
      if (!current)
        throw new BulwarkError('BW_ERR_CONFLICT', `model ${input.name} has no version in production`, {
          field: 'name',
        });
      const history = await reg.history(asset.id);
      const previous = history.find((h) => h.toStage === 'production' && h.versionId !== current.versionId);
      if (!previous)
        throw new BulwarkError(
          'BW_ERR_CONFLICT',
          `model ${input.name} has no earlier production version to roll back to`,
          { field: 'name' },
        );
      const target = (await reg.get(previous.versionId))!;
      const integrity = await checkIntegrity(target);
      await reg.setIntegrity(target.versionId, { ...integrity, checkedAt: new Date().toISOString() });
      if (!integrity.ok) {
        throw new GateError(
          `rollback to ${input.name}@${target.version} refused: its artifact changed since registration`,
          [
            {
              gate: 'integrity',
              passed: false,
              reason: [...integrity.changed, ...integrity.missing].join(', '),
            },
          ],
        );
      }
      await store.audited(async (tx, audit) => {
        await reg.setStage(tx, current.versionId, 'retired');
        await reg.addHistory(tx, {
          assetId: asset.id,
          versionId: current.versionId,
          version: current.version,
          fromStage: 'production',
          toStage: 'retired',
          action: 'rollback',
          actor: input.actor,
          reason: input.reason,
          gates: [],
        });
        await reg.setStage(tx, target.versionId, 'production');
        await reg.addHistory(tx, {
          assetId: asset.id,
          versionId: target.versionId,
          version: target.version,
          fromStage: target.stage,
          toStage: 'production',
          action: 'rollback',
          actor: input.actor,
          reason: input.reason,
          gates: [],
        });
        await audit('registry.rollback', asset.id, {
          model: input.name,
          from: current.version,
          to: target.version,
          reason: input.reason,
        });
      }, input.actor);
      return { from: current.version, to: target.version };
    },

    /** Re-hashes stored artifacts (one model, or all); mismatches become critical findings. */
    async verify(input: { name?: string; version?: string; actor: string }) {
      const targets: RegistryVersion[] = [];
      if (input.name && input.version) targets.push((await findVersion(input.name, input.version)).v);
      else if (input.name) targets.push(...(await reg.list((await findModel(input.name)).id)));
      else targets.push(...(await reg.all()));
      const results = [];
      for (const v of targets) {
        const asset = await store.assets.get(v.assetId);
        const i = await checkIntegrity(v);
        await reg.setIntegrity(v.versionId, { ...i, checkedAt: new Date().toISOString() });
        if (!i.ok) {
          const run = await store.runs.start({ engine: 'sign', assetId: v.assetId, target: v.artifactPath });
          const findings = [
            ...i.changed.map((p) =>
              makeFinding(REGISTRY_RULES['registry.integrity.digest-mismatch'], {
                asset: { id: asset.id, kind: 'model', name: asset.name, version: v.version },
                location: { path: p },
                evidence: {
                  expected: v.manifest.find((m) => (m.path || basename(v.artifactPath)) === p)?.sha256,
                },
              }),
            ),
            ...[...i.missing, ...i.added].map((p) =>
              makeFinding(
                REGISTRY_RULES[
                  i.missing.includes(p)
                    ? 'registry.integrity.missing-artifact'
                    : 'registry.integrity.digest-mismatch'
                ],
                {
                  title: i.missing.includes(p)
                    ? 'Registered model artifact is missing'
                    : 'File added to a registered model artifact',
                  asset: { id: asset.id, kind: 'model', name: asset.name, version: v.version },
                  location: { path: p },
                },
              ),
            ),
          ];
          await store.findings.insertMany(findings, { runId: run.id, assetId: asset.id });
          await store.runs.finish(run.id, {
            status: 'succeeded',
            summary: { check: 'registry-integrity', ...i },
          });
          await store.audit.append(input.actor, 'registry.integrity.failed', v.versionId, {
            model: asset.name,
            version: v.version,
            ...i,
          });
        }
        results.push({ name: asset.name, version: v.version, stage: v.stage, ...i });
      }
      return results;
    },
  };
  return service;
}

export type RegistryService = ReturnType<typeof createRegistryService>;
