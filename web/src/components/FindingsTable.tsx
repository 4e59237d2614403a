import { Fragment, type FormEvent, useEffect, useState } from 'react';
import { withQuery } from '../api.ts';
import { fmtLocation, fmtTime } from '../format.ts';
import { Link, setQuery } from '../router.tsx';
import { type Asset, type Page, SEVERITIES, type Severity, type StoredFinding } from '../types.ts';
import { useApi } from './useApi.ts';
import {
  AssetLink,
  Empty,
  ErrorBanner,
  Field,
  Fields,
  Json,
  Loading,
  Pager,
  RefChips,
  SeverityBadge,
} from './ui.tsx';

const LIMIT = 50;

function parseSeverities(v: string | null): Severity[] {
  return (v ?? '').split(',').filter((s): s is Severity => (SEVERITIES as readonly string[]).includes(s));
}

/**
 * Findings, most severe first, with filters kept in the page's query string (`severity`, `ruleId`,
 * `assetId`, `offset`). `fixed` pins the asset or run when the table sits on that object's page.
 */
export function FindingsTable(props: {
  query: URLSearchParams;
  fixed?: { assetId?: string; runId?: string };
}) {
  const { query, fixed = {} } = props;
  const severity = parseSeverities(query.get('severity'));
  const ruleId = query.get('ruleId') ?? '';
  const assetId = fixed.assetId ?? query.get('assetId') ?? '';
  const offset = Number(query.get('offset') ?? 0) || 0;
  const [open, setOpen] = useState<string | null>(null);
  const [ruleDraft, setRuleDraft] = useState(ruleId);
  useEffect(() => setRuleDraft(ruleId), [ruleId]);

  const path = withQuery('/api/v1/findings', {
    severity,
    ruleId,
    assetId,
    runId: fixed.runId,
    limit: LIMIT,
    offset,
  });
  const { data, error, loading } = useApi<Page<StoredFinding>>(path);
  const assets = useApi<Page<Asset>>(fixed.assetId ? null : '/api/v1/assets?limit=500');

  const toggle = (s: Severity) => {
    const next = severity.includes(s) ? severity.filter((x) => x !== s) : [...severity, s];
    setQuery({ severity: SEVERITIES.filter((x) => next.includes(x)).join(','), offset: undefined });
  };
  const applyRule = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ ruleId: ruleDraft.trim(), offset: undefined });
  };
  const filtered = severity.length > 0 || ruleId !== '' || (!fixed.assetId && assetId !== '');

  return (
    <div className="findings">
      <div className="filters">
        <fieldset className="seg" aria-label="Severity filter">
          {SEVERITIES.map((s) => (
            <button
              key={s}
              type="button"
              className={`seg-btn sev-toggle sev-toggle-${s}`}
              aria-pressed={severity.includes(s)}
              onClick={() => toggle(s)}
            >
              {s}
            </button>
          ))}
        </fieldset>
        {fixed.assetId ? null : (
          <label>
            Asset
            <select
              aria-label="Asset filter"
              value={assetId}
              onChange={(e) => setQuery({ assetId: e.target.value, offset: undefined })}
            >
              <option value="">All assets</option>
              {assetId && !assets.data?.items.some((a) => a.id === assetId) ? (
                <option value={assetId}>{assetId}</option>
              ) : null}
              {assets.data?.items.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.kind})
                </option>
              ))}
            </select>
          </label>
        )}
        <form onSubmit={applyRule} className="inline-form">
          <label>
            Rule
            <input
              aria-label="Rule filter"
              placeholder="scan.pickle.dangerous-callable"
              value={ruleDraft}
              onChange={(e) => setRuleDraft(e.target.value)}
              onBlur={applyRule}
              size={30}
            />
          </label>
        </form>
        {filtered ? (
          <button
            type="button"
            className="link-btn"
            onClick={() => {
              setRuleDraft('');
              setQuery({ severity: undefined, ruleId: undefined, assetId: undefined, offset: undefined });
            }}
          >
            Clear filters
          </button>
        ) : null}
      </div>
      <ErrorBanner error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        data.items.length === 0 ? (
          <Empty>{filtered ? 'No findings match these filters.' : 'No findings.'}</Empty>
        ) : (
          <>
            <table className="grid findings-table" aria-busy={loading}>
              <thead>
                <tr>
                  <th className="w-sev">Severity</th>
                  <th>Finding</th>
                  {fixed.assetId ? null : <th>Asset</th>}
                  <th>Location</th>
                  <th className="w-conf">Confidence</th>
                  <th className="w-time">Seen</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((f) => {
                  const isOpen = open === f.id;
                  return (
                    <Fragment key={f.id}>
                      <tr
                        className={`row-click${isOpen ? ' row-open' : ''}`}
                        data-finding={f.id}
                        data-severity={f.severity}
                        tabIndex={0}
                        onClick={(e) => {
                          // A link inside the row (the asset) navigates instead of expanding.
                          if ((e.target as HTMLElement).closest('a')) return;
                          setOpen(isOpen ? null : f.id);
                        }}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter' || e.key === ' ') {
                            e.preventDefault();
                            setOpen(isOpen ? null : f.id);
                          }
                        }}
                        aria-expanded={isOpen}
                      >
                        <td>
                          <SeverityBadge severity={f.severity} />
                        </td>
                        <td>
                          <div className="title">{f.title}</div>
                          <div className="mono muted small">{f.ruleId}</div>
                        </td>
                        {fixed.assetId ? null : (
                          <td>
                            <AssetLink id={f.assetId} label={f.asset?.name ?? f.assetId} />
                          </td>
                        )}
                        <td className="mono small wrap">{fmtLocation(f.location)}</td>
                        <td>{f.confidence}</td>
                        <td className="small nowrap">{fmtTime(f.createdAt)}</td>
                      </tr>
                      {isOpen ? (
                        <tr className="detail-row">
                          <td colSpan={fixed.assetId ? 5 : 6}>
                            <FindingDetail f={f} />
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
            <Pager
              total={data.total}
              limit={data.limit}
              offset={data.offset}
              onPage={(o) => setQuery({ offset: o || undefined })}
            />
          </>
        )
      ) : null}
    </div>
  );
}

function FindingDetail({ f }: { f: StoredFinding }) {
  const loc = Object.entries(f.location).map(([k, v]): [string, string] => [k, String(v)]);
  return (
    <div className="finding-detail">
      <div className="col">
        <h3>Evidence</h3>
        {Object.keys(f.evidence).length ? <Json value={f.evidence} /> : <span className="muted">none</span>}
        <h3>Remediation</h3>
        <p className="remediation">{f.remediation || <span className="muted">none given</span>}</p>
      </div>
      <div className="col">
        <h3>Location</h3>
        {loc.length ? (
          <Fields>
            {loc.map(([k, v]) => (
              <Field key={k} label={k}>
                <span className="mono">{v}</span>
              </Field>
            ))}
          </Fields>
        ) : (
          <span className="muted">none</span>
        )}
        <h3>References</h3>
        <RefChips refs={f.refs} />
        <h3>Identifiers</h3>
        <Fields>
          <Field label="finding">
            <span className="mono">{f.id}</span>
          </Field>
          <Field label="rule">
            <button
              type="button"
              className="link-btn mono"
              onClick={() => setQuery({ ruleId: f.ruleId, offset: undefined })}
            >
              {f.ruleId}
            </button>
          </Field>
          <Field label="run">
            {f.runId ? <Link to={`/runs/${encodeURIComponent(f.runId)}`}>{f.runId}</Link> : ''}
          </Field>
        </Fields>
      </div>
    </div>
  );
}
