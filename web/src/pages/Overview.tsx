import { fmtAgo, fmtDuration } from '../format.ts';
import { definePage } from '../page.ts';
import { Link } from '../router.tsx';
import { useApi } from '../components/useApi.ts';
import {
  AssetLink,
  Empty,
  ErrorBanner,
  Loading,
  PageHeader,
  Panel,
  RunStatusPill,
  SeverityBadge,
} from '../components/ui.tsx';
import { ASSET_KINDS, type Asset, type Page, type Run, SEVERITIES, type StoredFinding } from '../types.ts';

/** A count from a list endpoint's `total` (limit=1 keeps the answer tiny). */
function useTotal(path: string): number | undefined {
  return useApi<Page<unknown>>(path).data?.total;
}

function KindCard({ kind }: { kind: (typeof ASSET_KINDS)[number] }) {
  const n = useTotal(`/api/v1/assets?kind=${kind}&limit=1`);
  return (
    <Link to={`/assets?kind=${kind}`} className="stat">
      <span className="stat-n">{n ?? '…'}</span>
      <span className="stat-label">{kind}s</span>
    </Link>
  );
}

function SeverityCard({ severity }: { severity: (typeof SEVERITIES)[number] }) {
  const n = useTotal(`/api/v1/findings?severity=${severity}&limit=1`);
  return (
    <Link to={`/findings?severity=${severity}`} className={`stat stat-sev stat-${severity}`}>
      <span className="stat-n">{n ?? '…'}</span>
      <span className="stat-label">{severity}</span>
    </Link>
  );
}

function Overview() {
  const assets = useApi<Page<Asset>>('/api/v1/assets?limit=1');
  const runs = useApi<Page<Run>>('/api/v1/runs?limit=8');
  const top = useApi<Page<StoredFinding>>('/api/v1/findings?minSeverity=high&limit=8');
  return (
    <>
      <PageHeader title="Overview" sub="Inventory, open findings and the latest engine runs" />
      <ErrorBanner error={assets.error ?? runs.error ?? top.error} />
      <div className="cards-row">
        <Panel title={`Assets${assets.data ? ` · ${assets.data.total}` : ''}`}>
          <div className="stats">
            {ASSET_KINDS.map((k) => (
              <KindCard key={k} kind={k} />
            ))}
          </div>
        </Panel>
        <Panel title="Findings by severity">
          <div className="stats">
            {SEVERITIES.map((s) => (
              <SeverityCard key={s} severity={s} />
            ))}
          </div>
        </Panel>
      </div>
      <div className="cards-row">
        <Panel title="Recent runs" flush actions={<Link to="/runs">All runs ›</Link>}>
          {runs.loading && !runs.data ? <Loading /> : null}
          {runs.data?.items.length === 0 ? <Empty>No runs yet.</Empty> : null}
          {runs.data?.items.length ? (
            <table className="grid">
              <thead>
                <tr>
                  <th>Engine</th>
                  <th>Target</th>
                  <th>Status</th>
                  <th>Took</th>
                  <th>Started</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.items.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <Link to={`/runs/${encodeURIComponent(r.id)}`} className="strong" title={r.id}>
                        {r.engine}
                      </Link>
                    </td>
                    <td className="mono small wrap">{r.target || '—'}</td>
                    <td>
                      <RunStatusPill status={r.status} />
                    </td>
                    <td className="nowrap">{fmtDuration(r.durationMs)}</td>
                    <td className="nowrap">{fmtAgo(r.startedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </Panel>
        <Panel
          title="High and critical findings"
          flush
          actions={<Link to="/findings?severity=critical,high">All ›</Link>}
        >
          {top.loading && !top.data ? <Loading /> : null}
          {top.data?.items.length === 0 ? <Empty>Nothing high or critical.</Empty> : null}
          {top.data?.items.length ? (
            <table className="grid">
              <tbody>
                {top.data.items.map((f) => (
                  <tr key={f.id}>
                    <td className="w-sev">
                      <SeverityBadge severity={f.severity} />
                    </td>
                    <td>
                      <div className="title">{f.title}</div>
                      <div className="mono muted small">{f.ruleId}</div>
                    </td>
                    <td>
                      <AssetLink id={f.assetId} label={f.asset?.name ?? f.assetId} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </Panel>
      </div>
    </>
  );
}

export const overviewPage = definePage({
  path: '/',
  title: 'Overview',
  nav: { label: 'Overview', section: 'Console' },
  component: Overview,
});
