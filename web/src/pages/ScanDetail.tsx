import { fmtBytes, fmtDuration, fmtTime, shortHash } from '../format.ts';
import { definePage, type PageProps } from '../page.ts';
import { Link } from '../router.tsx';
import { FindingsTable } from '../components/FindingsTable.tsx';
import { filesOf, fileCount, scanSummary, WorstBadge, worstOf } from '../components/model-status.tsx';
import { usePollWhile } from '../components/usePoll.ts';
import { useApi } from '../components/useApi.ts';
import {
  AssetLink,
  Empty,
  ErrorBanner,
  Field,
  Fields,
  Loading,
  PageHeader,
  Panel,
  Pill,
  RunStatusPill,
} from '../components/ui.tsx';
import { type Asset, type ScanDetail as ScanDetailT, SEVERITIES } from '../types.ts';

function ScanDetail({ params, query }: PageProps) {
  const id = params.id!;
  const { data, error, loading, reload } = useApi<ScanDetailT>(`/api/v1/scans/${encodeURIComponent(id)}`);
  const r = data?.run;
  usePollWhile(r?.status === 'running', reload);
  const asset = useApi<Asset>(r?.assetId ? `/api/v1/assets/${encodeURIComponent(r.assetId)}` : null);
  const back = <Link to="/scans">‹ Scans</Link>;
  if (error) {
    return (
      <>
        <PageHeader title="Scan" sub={back} />
        <ErrorBanner error={error} />
      </>
    );
  }
  if (loading && !data) return <Loading />;
  if (!data || !r) return null;
  const s = scanSummary(r);
  const files = filesOf(s);
  return (
    <>
      <PageHeader
        title={
          <>
            Scan <RunStatusPill status={r.status} />
            {r.status === 'succeeded' ? <WorstBadge severity={worstOf(s)} /> : null}
          </>
        }
        sub={
          <>
            {back} <span className="mono muted">{r.id}</span> ·{' '}
            <Link to={`/runs/${encodeURIComponent(r.id)}`}>run record</Link>
          </>
        }
      />
      <div className="cards-row">
        <Panel title="Summary">
          <Fields>
            <Field label="Target">{r.target ? <span className="mono wrap">{r.target}</span> : ''}</Field>
            <Field label="Asset">
              {r.assetId ? <AssetLink id={r.assetId} label={asset.data?.name ?? r.assetId} /> : ''}
            </Field>
            <Field label="Started">{fmtTime(r.startedAt)}</Field>
            <Field label="Took">{fmtDuration(s.durationMs ?? r.durationMs)}</Field>
            <Field label="Files">{fileCount(s)}</Field>
            <Field label="Findings">{data.totalFindings}</Field>
            <Field label="Policy">{s.policy ?? ''}</Field>
            {s.error ? (
              <Field label="Error">
                <span className="wrap">{s.error}</span>
              </Field>
            ) : null}
          </Fields>
        </Panel>
        <Panel title="Findings by severity">
          <div className="stats">
            {SEVERITIES.map((sev) => (
              <div key={sev} className={`stat stat-sev stat-${sev}`}>
                <span className="stat-n">{s.bySeverity?.[sev] ?? 0}</span>
                <span className="stat-label">{sev}</span>
              </div>
            ))}
          </div>
        </Panel>
      </div>
      <Panel title="Files" flush>
        {files === undefined ? (
          <Empty>This scan recorded no per-file results.</Empty>
        ) : files.length === 0 ? (
          <Empty>No files.</Empty>
        ) : (
          <table className="grid scan-files-table">
            <thead>
              <tr>
                <th>Path</th>
                <th>Format</th>
                <th>SHA-256</th>
                <th>Size</th>
                <th>Findings</th>
                <th>Scanned</th>
              </tr>
            </thead>
            <tbody>
              {files.map((f) => (
                <tr key={f.path} data-file={f.path}>
                  <td className="mono small wrap">{f.path}</td>
                  <td>
                    <span className="chip">{f.format}</span>
                  </td>
                  <td className="mono small" title={f.sha256}>
                    {shortHash(f.sha256)}
                  </td>
                  <td className="nowrap">{fmtBytes(f.size)}</td>
                  <td>{f.findings}</td>
                  <td>
                    {f.unscannable ? <Pill tone="bad">unscannable</Pill> : <Pill tone="ok">scanned</Pill>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel title="Findings" flush>
        {/* Remounted when a queued scan finishes, so its findings are fetched again. */}
        <FindingsTable key={r.status} query={query} fixed={{ runId: r.id }} />
      </Panel>
    </>
  );
}

export const scanDetailPage = definePage({ path: '/scans/:id', title: 'Scan', component: ScanDetail });
