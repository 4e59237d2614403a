import { type AssetRef, countBySeverity, type Finding, maxSeverity, type Run } from '../core/index.ts';
import { type ScanOptions, type ScanReport, scanBuffer, scanPaths } from '../scan/index.ts';
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

/** Scans uploaded bytes and records the result. */
export async function scanUpload(
  store: Store,
  input: { bytes: Uint8Array; name: string; model?: string; actor: string; options?: ScanOptions },
) {
  const file = await scanBuffer(input.bytes, input.name, input.options);
  const report: ScanReport = {
    files: [file],
    findings: file.findings,
    summary: {
      files: 1,
      scanned: file.scanned ? 1 : 0,
      bySeverity: countBySeverity(file.findings),
      unscannable: file.unscannable ? 1 : 0,
      durationMs: file.durationMs,
      policy: 'builtin',
    },
  };
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

/** Scans paths on this machine and records the result (the job handler of queued server-side scans). */
export async function scanAndRecord(
  store: Store,
  input: { paths: string[]; model?: string; actor: string; runId?: string; options?: ScanOptions },
) {
  const report = await scanPaths(input.paths, input.options);
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
