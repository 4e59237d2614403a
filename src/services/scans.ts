import {
  type AssetRef,
  countBySeverity,
  type Finding,
  makeFinding,
  maxSeverity,
  type Run,
} from '../core/index.ts';
import { SCAN_RULES, type ScannedFile, type ScanReport, scanInWorker } from '../scan/index.ts';
import type { Store } from '../store/index.ts';

/**
 * Stores a scan as a Run with its Findings, linked to a model asset (created when named and missing),
 * so the console, `findings list` and the registry gates all see it.
 */
export async function recordScan(
  store: Store,
  input: {
    report: ScanReport;
    target: string;
    model?: string;
    assetId?: string;
    actor: string;
    runId?: string;
  },
): Promise<{ run: Run; assetId?: string }> {
  let assetId = input.assetId;
  let ref: AssetRef | undefined;
  if (assetId) {
    const asset = await store.assets.get(assetId);
    ref = { id: asset.id, kind: asset.kind, name: asset.name };
  } else if (input.model) {
    // Found or created, never rewritten: a scan is not an administrative change of the asset.
    const asset =
      (await store.assets.getByName('model', input.model)) ??
      (await store.assets.create({ kind: 'model', name: input.model, uri: input.target }, input.actor));
    assetId = asset.id;
    ref = { id: asset.id, kind: 'model', name: asset.name };
  }
  let run = input.runId
    ? await store.runs.get(input.runId)
    : await store.runs.start({ engine: 'scan', target: input.target, ...(assetId ? { assetId } : {}) });
  if (assetId && run.assetId !== assetId) {
    await store.runs.setAsset(run.id, assetId);
    run = await store.runs.get(run.id);
  }
  const findings: Finding[] = ref
    ? input.report.findings.map((f) => ({ ...f, asset: f.asset ?? ref }))
    : input.report.findings;
  await store.findings.insertMany(findings, { runId: run.id, ...(assetId ? { assetId } : {}) });
  const worst = maxSeverity(findings.map((f) => f.severity));
  const finished = await store.runs.finish(run.id, {
    status: 'succeeded',
    summary: {
      ...input.report.summary,
      bySeverity: countBySeverity(findings),
      ...(worst ? { maxSeverity: worst } : {}),
      files: input.report.files.map((f) => ({
        path: f.path,
        format: f.format,
        sha256: f.sha256,
        size: f.size,
        findings: f.findings.length,
        unscannable: f.unscannable,
      })),
    },
  });
  return { run: finished, ...(assetId ? { assetId } : {}) };
}

/** Bounds of a scan the server runs for a client: it runs in a worker thread, never on the event loop. */
export const SERVER_SCAN_LIMITS = { uploadTimeoutMs: 120_000, pathTimeoutMs: 600_000, maxHeapMb: 1024 };

function reportOf(files: ScannedFile[], durationMs: number): ScanReport {
  const findings = files.flatMap((f) => f.findings);
  return {
    files,
    findings,
    summary: {
      files: files.length,
      scanned: files.filter((f) => f.scanned).length,
      bySeverity: countBySeverity(findings),
      unscannable: files.filter((f) => f.unscannable).length,
      durationMs,
      policy: 'builtin',
    },
  };
}

/** Fail closed: a scan that crashed, hung or ran out of memory is a finding, never a pass. */
function incomplete(target: string, e: unknown, started: number): ScanReport {
  const limit = (e as { code?: string }).code === 'BW_ERR_PARSE_LIMIT';
  const rule = SCAN_RULES[limit ? 'scan.file.limit-reached' : 'scan.file.unparseable'];
  const finding = makeFinding(rule, {
    title: `Scan did not complete: ${(e as Error)?.message ?? String(e)}`,
    location: { path: target },
    evidence: { error: String((e as Error)?.message ?? e) },
  });
  const file: ScannedFile = {
    path: target,
    format: 'unknown',
    sha256: '',
    size: 0,
    findings: [finding],
    durationMs: Math.round(performance.now() - started),
    scanned: false,
    unscannable: true,
  };
  return reportOf([file], file.durationMs);
}

/** Scans uploaded bytes in a worker thread and records the result. */
export async function scanUpload(
  store: Store,
  input: {
    bytes: Uint8Array;
    name: string;
    model?: string;
    actor: string;
    limits?: Partial<typeof SERVER_SCAN_LIMITS>;
  },
) {
  const limits = { ...SERVER_SCAN_LIMITS, ...input.limits };
  const started = performance.now();
  let report: ScanReport;
  try {
    const file = (await scanInWorker(
      { bytes: input.bytes, name: input.name },
      { timeoutMs: limits.uploadTimeoutMs, maxHeapMb: limits.maxHeapMb },
    )) as ScannedFile;
    report = reportOf([file], file.durationMs);
  } catch (e) {
    report = incomplete(input.name, e, started);
  }
  return {
    ...(await recordScan(store, {
      report,
      target: `upload:${input.name}`,
      actor: input.actor,
      ...(input.model ? { model: input.model } : {}),
    })),
    report,
  };
}

/** Scans paths on this machine in a worker thread and records the result (queued server-side scans). */
export async function scanAndRecord(
  store: Store,
  input: {
    paths: string[];
    model?: string;
    actor: string;
    runId?: string;
    limits?: Partial<typeof SERVER_SCAN_LIMITS>;
  },
) {
  const limits = { ...SERVER_SCAN_LIMITS, ...input.limits };
  const started = performance.now();
  let report: ScanReport;
  try {
    report = (await scanInWorker(input.paths, {
      timeoutMs: limits.pathTimeoutMs,
      maxHeapMb: limits.maxHeapMb,
    })) as ScanReport;
  } catch (e) {
    report = incomplete(input.paths.join(', '), e, started);
  }
  return {
    ...(await recordScan(store, {
      report,
      target: input.paths.join(', '),
      actor: input.actor,
      ...(input.model ? { model: input.model } : {}),
      ...(input.runId ? { runId: input.runId } : {}),
    })),
    report,
  };
}
