import { fmtBytes, fmtDuration, fmtTime, shortHash } from '../format.ts';
import { definePage, type PageProps } from '../page.ts';
import { Link } from '../router.tsx';
import { FindingsTable } from '../components/FindingsTable.tsx';
import { useApi } from '../components/useApi.ts';
import {
  Chips,
  Empty,
  ErrorBanner,
  Field,
  Fields,
  Json,
  Loading,
  PageHeader,
  Panel,
  Pill,
  RunStatusPill,
} from '../components/ui.tsx';
import { type AssetDetail as AssetDetailT, type Page, type Run, SEVERITIES } from '../types.ts';

function AssetDetail({ params, query }: PageProps) {
  const id = params.id!;
  const { data: a, error, loading } = useApi<AssetDetailT>(`/api/v1/assets/${encodeURIComponent(id)}`);
  const runs = useApi<Page<Run>>(`/api/v1/runs?assetId=${encodeURIComponent(id)}&limit=10`);
  if (error) {
    return (
      <>
        <PageHeader title="Asset" sub={<Link to="/assets">‹ Assets</Link>} />
        <ErrorBanner error={error} />
      </>
    );
  }
  if (loading && !a) return <Loading />;
  if (!a) return null;
  const total = SEVERITIES.reduce((n, s) => n + (a.findings[s] ?? 0), 0);
  return (
    <>
      <PageHeader
        title={
          <>
            {a.name} <Pill>{a.kind}</Pill> <Pill tone={`tier-${a.riskTier}`}>risk {a.riskTier}</Pill>
          </>
        }
        sub={
          <>
            <Link to="/assets">‹ Assets</Link> <span className="mono muted">{a.id}</span>
          </>
        }
      />
      <div className="cards-row">
        <Panel title="Details">
          <Fields>
            <Field label="Owner">{a.owner}</Field>
            <Field label="Location">{a.uri ? <span className="mono wrap">{a.uri}</span> : ''}</Field>
            <Field label="Description">{a.description}</Field>
            <Field label="Tags">
              <Chips items={a.tags} />
            </Field>
            <Field label="Created">{fmtTime(a.createdAt)}</Field>
            <Field label="Updated">{fmtTime(a.updatedAt)}</Field>
          </Fields>
          {Object.keys(a.metadata).length ? (
            <details>
              <summary>Metadata</summary>
              <Json value={a.metadata} />
            </details>
          ) : null}
        </Panel>
        <Panel title={`Findings · ${total}`}>
          <div className="stats">
            {SEVERITIES.map((s) => (
              <div key={s} className={`stat stat-sev stat-${s}`}>
                <span className="stat-n">{a.findings[s] ?? 0}</span>
                <span className="stat-label">{s}</span>
              </div>
            ))}
          </div>
        </Panel>
      </div>
      <Panel title={`Versions · ${a.versions.length}`} flush>
        {a.versions.length === 0 ? (
          <Empty>No versions recorded.</Empty>
        ) : (
          <table className="grid versions-table">
            <thead>
              <tr>
                <th>Version</th>
                <th>Digest</th>
                <th>Size</th>
                <th>Location</th>
                <th>Added</th>
              </tr>
            </thead>
            <tbody>
              {a.versions.map((v) => (
                <tr key={v.id}>
                  <td className="strong">{v.version}</td>
                  <td className="mono" title={v.digest}>
                    {shortHash(v.digest, 16)}
                  </td>
                  <td className="nowrap">{fmtBytes(v.size)}</td>
                  <td className="mono small wrap">{v.uri || '—'}</td>
                  <td className="nowrap">{fmtTime(v.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel title="Findings" flush>
        <FindingsTable query={query} fixed={{ assetId: a.id }} />
      </Panel>
      <Panel title="Runs" flush>
        {runs.data?.items.length ? (
          <table className="grid">
            <thead>
              <tr>
                <th>Run</th>
                <th>Engine</th>
                <th>Status</th>
                <th>Took</th>
                <th>Started</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.items.map((r) => (
                <tr key={r.id}>
                  <td className="mono">
                    <Link to={`/runs/${encodeURIComponent(r.id)}`}>{r.id}</Link>
                  </td>
                  <td>{r.engine}</td>
                  <td>
                    <RunStatusPill status={r.status} />
                  </td>
                  <td>{fmtDuration(r.durationMs)}</td>
                  <td className="nowrap">{fmtTime(r.startedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <Empty>No runs over this asset.</Empty>
        )}
      </Panel>
    </>
  );
}

export const assetDetailPage = definePage({
  path: '/assets/:id',
  title: 'Asset',
  component: AssetDetail,
});
