import { fmtBytes, shortHash } from '../format.ts';
import { Link } from '../router.tsx';
import {
  type IntegrityStatus,
  type RegistryVersion,
  type Run,
  type ScannedFile,
  type ScanStatus,
  type ScanSummary,
  SEVERITIES,
  type Severity,
  type SignatureStatus,
  type Stage,
} from '../types.ts';
import { Pill, SeverityBadge } from './ui.tsx';

/** Badges and cells shared by the Scans, Scan, Model registry and Model pages. */

export function scanSummary(run: Run): ScanSummary {
  return run.summary as ScanSummary;
}

/** The worst severity a scan found: recorded by uploads and path scans, derived from counts otherwise. */
export function worstOf(s: ScanSummary): Severity | undefined {
  return s.maxSeverity ?? SEVERITIES.find((sev) => (s.bySeverity?.[sev] ?? 0) > 0);
}

export function filesOf(s: ScanSummary): ScannedFile[] | undefined {
  return Array.isArray(s.files) ? s.files : undefined;
}

export function fileCount(s: ScanSummary): number | undefined {
  return Array.isArray(s.files) ? s.files.length : s.files;
}

/** `2 critical · 1 high`: the non-zero counts, most severe first. */
export function SeverityCounts({ counts }: { counts: Partial<Record<string, number>> | undefined }) {
  const present = SEVERITIES.filter((s) => (counts?.[s] ?? 0) > 0);
  if (!present.length) return <span className="muted">none</span>;
  return (
    <span className="sev-counts">
      {present.map((s) => (
        <span key={s} className={`sev-count sev-count-${s}`} data-count={s}>
          <strong>{counts?.[s]}</strong> {s}
        </span>
      ))}
    </span>
  );
}

export function WorstBadge({ severity }: { severity: Severity | undefined }) {
  return severity ? <SeverityBadge severity={severity} /> : <Pill tone="ok">clean</Pill>;
}

const STAGE_TONE: Record<Stage, string> = {
  candidate: 'stage-candidate',
  approved: 'stage-approved',
  production: 'stage-production',
  retired: 'stage-retired',
};

export function StagePill({ stage }: { stage: Stage }) {
  return (
    <span className={`pill pill-${STAGE_TONE[stage]}`} data-stage={stage}>
      {stage}
    </span>
  );
}

export function SignaturePill({ signature }: { signature: SignatureStatus }) {
  const tone = signature.status === 'verified' ? 'ok' : signature.status === 'invalid' ? 'bad' : undefined;
  const title = [signature.keyFingerprint ? `key ${signature.keyFingerprint}` : '', signature.detail ?? '']
    .filter(Boolean)
    .join(' — ');
  return (
    <span title={title || undefined}>
      <Pill {...(tone ? { tone } : {})}>{signature.status}</Pill>
    </span>
  );
}

export function ScanStatusCell({ scan }: { scan: ScanStatus }) {
  const tone =
    scan.status === 'clean'
      ? 'ok'
      : scan.status === 'error'
        ? 'bad'
        : scan.status === 'findings'
          ? scan.maxSeverity === 'critical' || scan.maxSeverity === 'high'
            ? 'bad'
            : 'warn'
          : undefined;
  const label =
    scan.status === 'findings' && scan.maxSeverity ? `findings (worst ${scan.maxSeverity})` : scan.status;
  const pill = <Pill {...(tone ? { tone } : {})}>{label}</Pill>;
  return scan.runId ? (
    <Link to={`/scans/${encodeURIComponent(scan.runId)}`} className="pill-link" data-scan-link={scan.runId}>
      {pill}
    </Link>
  ) : (
    pill
  );
}

export function IntegrityPill({ integrity }: { integrity: IntegrityStatus }) {
  if (integrity.ok === undefined) return <Pill>not verified</Pill>;
  const bad = [...(integrity.changed ?? []), ...(integrity.missing ?? []), ...(integrity.added ?? [])];
  return (
    <span title={integrity.checkedAt ? `checked ${integrity.checkedAt}` : undefined}>
      {integrity.ok ? <Pill tone="ok">intact</Pill> : <Pill tone="bad">{bad.length} file(s) differ</Pill>}
    </span>
  );
}

export function modelPath(name: string): string {
  return `/registry/${encodeURIComponent(name)}`;
}

/** One row per version: its stage and what the checks at push (and the last verification) said. */
export function VersionCells({ v }: { v: RegistryVersion }) {
  return (
    <>
      <td>
        <StagePill stage={v.stage} />
      </td>
      <td>
        <SignaturePill signature={v.signature} />
      </td>
      <td>
        <ScanStatusCell scan={v.scan} />
      </td>
      <td>{v.bom ? <Pill tone="ok">yes</Pill> : <Pill>no</Pill>}</td>
      <td>
        <IntegrityPill integrity={v.integrity} />
      </td>
      <td className="mono small" title={v.digest}>
        {shortHash(v.digest)}
      </td>
      <td className="nowrap">{fmtBytes(v.size)}</td>
    </>
  );
}

export const VERSION_HEADERS = ['Stage', 'Signature', 'Scan', 'BOM', 'Integrity', 'Digest', 'Size'];
