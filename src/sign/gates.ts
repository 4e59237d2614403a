import { z } from 'zod';
import { atOrAbove, SEVERITIES, severityRank } from '../core/index.ts';
import { Severity } from '../core/schemas.ts';

/** Registry stages, in promotion order. */
export const STAGES = ['candidate', 'approved', 'production', 'retired'] as const;
export type Stage = (typeof STAGES)[number];

/** Promotions allowed: one step forward, or straight to retired from anywhere. */
export function canPromote(from: Stage, to: Stage): boolean {
  if (to === 'retired') return from !== 'retired';
  return STAGES.indexOf(to) === STAGES.indexOf(from) + 1 && to !== 'candidate';
}

const Fingerprint = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'expected a key fingerprint: 64 hex digits (sha256 of the public key PEM)');

/** One set of gates; all fields optional, so a stage can add to the common gates. */
export const GateConfig = z
  .object({
    /** Require a valid signature; with `signedBy`, by one of these keys. */
    requireSignature: z.boolean().optional(),
    signedBy: z.array(Fingerprint).optional(),
    /** Require the post-quantum (ML-DSA-65) signature to be present and verified. */
    requirePostQuantum: z.boolean().optional(),
    /** Highest finding severity the latest scan may have (`medium`: high and critical refuse). */
    maxScanSeverity: Severity.optional(),
    /** Findings at or above this severity refuse promotion (the `failOn` convention of `bulwark scan`). */
    scanFailOn: Severity.optional(),
    /** Require a scan no older than this many days. */
    maxScanAgeDays: z.number().positive().optional(),
    requireBom: z.boolean().optional(),
    /** Require the stored artifacts to match their recorded digests at promotion time. */
    requireDigestsVerified: z.boolean().optional(),
  })
  .strict();
export type GateConfig = z.infer<typeof GateConfig>;

/** The `registry:` section of bulwark.yaml. */
export const RegistryConfig = z
  .object({
    /** Gates every promotion must pass. */
    gates: GateConfig.default({}),
    /** Extra gates for promotion into one stage (for example, stricter ones for production). */
    stages: z.partialRecord(z.enum(STAGES), GateConfig).default({}),
    /** How often stored artifacts are re-verified against their digests, in minutes (0: never). */
    verifyEveryMinutes: z.number().int().nonnegative().default(360),
  })
  .strict();
export type RegistryConfig = z.infer<typeof RegistryConfig>;

/** What the registry knows about a version when a promotion is asked for. */
export interface GateInput {
  signature?: {
    status: 'valid' | 'invalid' | 'missing';
    /** Fingerprint of the key the signature verified under. */
    keyFingerprint?: string;
    postQuantum?: 'verified' | 'absent' | 'invalid' | 'not-checked';
  };
  /** The latest scan: counts of findings by severity. Absent when the version was never scanned. */
  scan?: { counts: Partial<Record<Severity, number>>; finishedAt?: string; status?: 'completed' | 'failed' };
  bom?: { present: boolean; valid?: boolean };
  digests?: { verified: boolean; mismatched?: string[] };
}

export interface GateResult {
  gate: string;
  passed: boolean;
  reason: string;
}

/** The gates for a promotion into `stage`: the common ones, with the stage's own replacing them field by field. */
export function gatesFor(config: RegistryConfig, stage: Stage): GateConfig {
  const extra = config.stages[stage] ?? {};
  const merged: GateConfig = { ...config.gates };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  return merged;
}

function worstFinding(counts: Partial<Record<Severity, number>>): Severity | undefined {
  return SEVERITIES.find((s) => (counts[s] ?? 0) > 0);
}

function short(fp: string | undefined): string {
  return fp ? `${fp.slice(0, 12)}…` : 'unknown key';
}

/** Evaluates every configured gate; a promotion proceeds only when all pass. Pure: no I/O, no clock but `now`. */
export function evaluateGates(input: GateInput, gates: GateConfig, now: Date = new Date()): GateResult[] {
  const out: GateResult[] = [];
  const sig = input.signature;
  if (gates.requireSignature || gates.signedBy) {
    if (!sig || sig.status === 'missing')
      out.push({ gate: 'signature', passed: false, reason: 'the version is not signed' });
    else if (sig.status === 'invalid')
      out.push({ gate: 'signature', passed: false, reason: 'the signature does not verify' });
    else if (gates.signedBy && gates.signedBy.length > 0) {
      const trusted = Boolean(sig.keyFingerprint && gates.signedBy.includes(sig.keyFingerprint));
      out.push({
        gate: 'signedBy',
        passed: trusted,
        reason: trusted
          ? `signed by trusted key ${short(sig.keyFingerprint)}`
          : `signed by ${short(sig.keyFingerprint)}, which is not among the ${gates.signedBy.length} trusted key(s)`,
      });
    } else
      out.push({
        gate: 'signature',
        passed: true,
        reason: `valid signature by ${short(sig.keyFingerprint)}`,
      });
  }
  if (gates.requirePostQuantum) {
    const pq = sig?.status === 'valid' ? sig.postQuantum : undefined;
    out.push({
      gate: 'postQuantum',
      passed: pq === 'verified',
      reason:
        pq === 'verified'
          ? 'ML-DSA-65 signature verified'
          : pq === 'invalid'
            ? 'the ML-DSA-65 signature does not verify'
            : pq === 'not-checked'
              ? 'an ML-DSA-65 signature is present but was not checked against a trusted key'
              : 'no verified ML-DSA-65 signature',
    });
  }
  const scanGates = gates.maxScanSeverity || gates.scanFailOn || gates.maxScanAgeDays;
  if (scanGates) {
    const scan = input.scan;
    if (!scan) out.push({ gate: 'scan', passed: false, reason: 'the version has not been scanned' });
    else if (scan.status === 'failed')
      out.push({ gate: 'scan', passed: false, reason: 'the latest scan did not complete' });
    else {
      const worst = worstFinding(scan.counts);
      if (gates.maxScanSeverity) {
        const ok = worst === undefined || severityRank(worst) <= severityRank(gates.maxScanSeverity);
        out.push({
          gate: 'maxScanSeverity',
          passed: ok,
          reason: ok
            ? `latest scan's worst finding is ${worst ?? 'none'} (allowed: up to ${gates.maxScanSeverity})`
            : `latest scan has ${scan.counts[worst!]} ${worst} finding(s), above the allowed ${gates.maxScanSeverity}`,
        });
      }
      if (gates.scanFailOn) {
        const ok = worst === undefined || !atOrAbove(worst, gates.scanFailOn);
        out.push({
          gate: 'scanFailOn',
          passed: ok,
          reason: ok
            ? `no finding at or above ${gates.scanFailOn}`
            : `latest scan has ${scan.counts[worst!]} ${worst} finding(s), at or above ${gates.scanFailOn}`,
        });
      }
      if (gates.maxScanAgeDays) {
        const at = scan.finishedAt ? Date.parse(scan.finishedAt) : Number.NaN;
        const ageDays = (now.getTime() - at) / 86_400_000;
        const ok = Number.isFinite(ageDays) && ageDays <= gates.maxScanAgeDays;
        out.push({
          gate: 'maxScanAgeDays',
          passed: ok,
          reason: Number.isFinite(ageDays)
            ? `latest scan is ${ageDays.toFixed(1)} day(s) old (allowed: ${gates.maxScanAgeDays})`
            : 'the latest scan has no finish time',
        });
      }
    }
  }
  if (gates.requireBom) {
    const bom = input.bom;
    const ok = Boolean(bom?.present) && bom?.valid !== false;
    out.push({
      gate: 'bom',
      passed: ok,
      reason: !bom?.present
        ? 'no AI-BOM attached'
        : bom.valid === false
          ? 'the AI-BOM is not valid CycloneDX 1.6'
          : 'AI-BOM present',
    });
  }
  if (gates.requireDigestsVerified) {
    const d = input.digests;
    out.push({
      gate: 'digests',
      passed: Boolean(d?.verified),
      reason: d?.verified
        ? 'stored artifacts match their digests'
        : d?.mismatched?.length
          ? `artifacts differ from their digests: ${d.mismatched.slice(0, 5).join(', ')}`
          : 'artifacts have not been verified against their digests',
    });
  }
  return out;
}

/** The first failing gate's reason, for "promotion refused: …" messages; undefined when all pass. */
export function refusal(results: readonly GateResult[]): string | undefined {
  const failed = results.filter((r) => !r.passed);
  if (failed.length === 0) return undefined;
  return failed.map((r) => `${r.gate}: ${r.reason}`).join('; ');
}
