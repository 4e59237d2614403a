import { withQuery } from '../api.ts';
import { fmtDuration, fmtTime } from '../format.ts';
import { definePage, type PageProps } from '../page.ts';
import { Link, setQuery } from '../router.tsx';
import { SelectFilter } from '../components/filters.tsx';
import { useApi } from '../components/useApi.ts';
import {
  AssetLink,
  Empty,
  ErrorBanner,
  Loading,
  PageHeader,
  Pager,
  Panel,
  RunStatusPill,
} from '../components/ui.tsx';
import type { Page, Run } from '../types.ts';

const LIMIT = 50;
const ENGINES = [
  'scan',
  'sign',
  'data',
  'guard',
  'gateway',
  'redteam',
  'monitor',
  'govern',
  'discover',
] as const;
const STATUSES = ['running', 'succeeded', 'failed'] as const;

function Runs({ query }: PageProps) {
  const engine = query.get('engine') ?? '';
  const status = query.get('status') ?? '';
  const offset = Number(query.get('offset') ?? 0) || 0;
  const { data, error, loading } = useApi<Page<Run>>(
    withQuery('/api/v1/runs', { engine, status, limit: LIMIT, offset }),
  );
  return (
    <>
      <PageHeader title="Runs" sub="Scans, audits, campaigns and checks, newest first" />
      <Panel flush>
        <div className="filters">
          <SelectFilter name="engine" label="Engine" value={engine} options={ENGINES} />
          <SelectFilter name="status" label="Status" value={status} options={STATUSES} />
        </div>
        <ErrorBanner error={error} />
        {loading && !data ? <Loading /> : null}
        {data?.items.length === 0 ? <Empty>No runs.</Empty> : null}
        {data?.items.length ? (
          <>
            <table className="grid runs-table">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Engine</th>
                  <th>Status</th>
                  <th>Asset</th>
                  <th>Target</th>
                  <th>Took</th>
                  <th>Started</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((r) => (
                  <tr key={r.id}>
                    <td className="mono">
                      <Link to={`/runs/${encodeURIComponent(r.id)}`}>{r.id}</Link>
                    </td>
                    <td>{r.engine}</td>
                    <td>
                      <RunStatusPill status={r.status} />
                    </td>
                    <td>
                      <AssetLink id={r.assetId} />
                    </td>
                    <td className="mono small wrap">{r.target || '—'}</td>
                    <td className="nowrap">{fmtDuration(r.durationMs)}</td>
                    <td className="nowrap">{fmtTime(r.startedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager
              total={data.total}
              limit={data.limit}
              offset={data.offset}
              onPage={(o) => setQuery({ offset: o || undefined })}
            />
          </>
        ) : null}
      </Panel>
    </>
  );
}

export const runsPage = definePage({
  path: '/runs',
  title: 'Runs',
  nav: { label: 'Runs', section: 'Security' },
  component: Runs,
});
