import { withQuery } from '../api.ts';
import { fmtAgo } from '../format.ts';
import { definePage, type PageProps } from '../page.ts';
import { Link, setQuery } from '../router.tsx';
import { SelectFilter, TextFilter } from '../components/filters.tsx';
import { useApi } from '../components/useApi.ts';
import { Chips, Empty, ErrorBanner, Loading, PageHeader, Pager, Panel, Pill } from '../components/ui.tsx';
import { ASSET_KINDS, type Asset, type Page } from '../types.ts';

const LIMIT = 50;
const TIERS = ['critical', 'high', 'medium', 'low'] as const;

function Assets({ query }: PageProps) {
  const f = {
    q: query.get('q') ?? '',
    kind: query.get('kind') ?? '',
    riskTier: query.get('riskTier') ?? '',
    tag: query.get('tag') ?? '',
    owner: query.get('owner') ?? '',
  };
  const offset = Number(query.get('offset') ?? 0) || 0;
  const { data, error, loading } = useApi<Page<Asset>>(
    withQuery('/api/v1/assets', { ...f, limit: LIMIT, offset }),
  );
  const filtered = Object.values(f).some(Boolean);
  return (
    <>
      <PageHeader title="Assets" sub="Models, datasets, endpoints and applications under watch" />
      <Panel flush>
        <div className="filters">
          <TextFilter name="q" label="Search" value={f.q} placeholder="name contains…" />
          <SelectFilter name="kind" label="Kind" value={f.kind} options={ASSET_KINDS} />
          <SelectFilter name="riskTier" label="Risk tier" value={f.riskTier} options={TIERS} />
          <TextFilter name="tag" label="Tag" value={f.tag} />
          <TextFilter name="owner" label="Owner" value={f.owner} />
          {filtered ? (
            <button
              type="button"
              className="link-btn"
              onClick={() =>
                setQuery({ q: '', kind: '', riskTier: '', tag: '', owner: '', offset: undefined })
              }
            >
              Clear filters
            </button>
          ) : null}
        </div>
        <ErrorBanner error={error} />
        {loading && !data ? <Loading /> : null}
        {data?.items.length === 0 ? (
          <Empty>{filtered ? 'No assets match these filters.' : 'No assets registered yet.'}</Empty>
        ) : null}
        {data?.items.length ? (
          <>
            <table className="grid assets-table" aria-busy={loading}>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Kind</th>
                  <th>Risk tier</th>
                  <th>Owner</th>
                  <th>Tags</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((a) => (
                  <tr key={a.id} data-asset={a.id}>
                    <td>
                      <Link to={`/assets/${encodeURIComponent(a.id)}`} className="strong">
                        {a.name}
                      </Link>
                      {a.uri ? <div className="mono muted small wrap">{a.uri}</div> : null}
                    </td>
                    <td>
                      <Pill>{a.kind}</Pill>
                    </td>
                    <td>
                      <Pill tone={`tier-${a.riskTier}`}>{a.riskTier}</Pill>
                    </td>
                    <td>{a.owner || <span className="muted">—</span>}</td>
                    <td>
                      <Chips items={a.tags} />
                    </td>
                    <td className="nowrap">{fmtAgo(a.updatedAt)}</td>
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

export const assetsPage = definePage({
  path: '/assets',
  title: 'Assets',
  nav: { label: 'Assets', section: 'Inventory' },
  component: Assets,
});
