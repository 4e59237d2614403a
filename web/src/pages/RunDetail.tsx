import { fmtDuration, fmtTime } from '../format.ts';
import { definePage, type PageProps } from '../page.ts';
import { Link } from '../router.tsx';
import { FindingsTable } from '../components/FindingsTable.tsx';
import { useApi } from '../components/useApi.ts';
import {
  AssetLink,
  ErrorBanner,
  Field,
  Fields,
  Json,
  Loading,
  PageHeader,
  Panel,
  RunStatusPill,
} from '../components/ui.tsx';
import { type Asset, type RunDetail as RunDetailT, SEVERITIES } from '../types.ts';

function RunDetail({ params, query }: PageProps) {
  const id = params.id!;
  const { data: r, error, loading } = useApi<RunDetailT>(`/api/v1/runs/${encodeURIComponent(id)}`);
  const asset = useApi<Asset>(r?.assetId ? `/api/v1/assets/${encodeURIComponent(r.assetId)}` : null);
  const back = <Link to="/runs">‹ Runs</Link>;
  if (error) {
    return (
      <>
        <PageHeader title="Run" sub={back} />
        <ErrorBanner error={error} />
      </>
    );
  }
  if (loading && !r) return <Loading />;
  if (!r) return null;
  return (
    <>
      <PageHeader
        title={
          <>
            {r.engine} run <RunStatusPill status={r.status} />
          </>
        }
        sub={
          <>
            {back} <span className="mono muted">{r.id}</span>
          </>
        }
      />
      <div className="cards-row">
        <Panel title="Details">
          <Fields>
            <Field label="Asset">
              <AssetLink id={r.assetId} label={asset.data?.name ?? r.assetId} />
            </Field>
            <Field label="Target">{r.target ? <span className="mono wrap">{r.target}</span> : ''}</Field>
            <Field label="Started">{fmtTime(r.startedAt)}</Field>
            <Field label="Finished">{fmtTime(r.finishedAt)}</Field>
            <Field label="Took">{fmtDuration(r.durationMs)}</Field>
          </Fields>
          {Object.keys(r.summary).length ? (
            <details open>
              <summary>Summary</summary>
              <Json value={r.summary} />
            </details>
          ) : null}
        </Panel>
        <Panel title="Findings by severity">
          <div className="stats">
            {SEVERITIES.map((s) => (
              <div key={s} className={`stat stat-sev stat-${s}`}>
                <span className="stat-n">{r.findings[s] ?? 0}</span>
                <span className="stat-label">{s}</span>
              </div>
            ))}
          </div>
        </Panel>
      </div>
      <Panel title="Findings" flush>
        <FindingsTable query={query} fixed={{ runId: r.id }} />
      </Panel>
    </>
  );
}

export const runDetailPage = definePage({ path: '/runs/:id', title: 'Run', component: RunDetail });
