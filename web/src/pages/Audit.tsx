import { useState } from 'react';
import { ApiError, api, withQuery } from '../api.ts';
import { fmtTime, shortHash } from '../format.ts';
import { definePage, type PageProps } from '../page.ts';
import { setQuery } from '../router.tsx';
import { TextFilter } from '../components/filters.tsx';
import { useApi } from '../components/useApi.ts';
import { Empty, ErrorBanner, Loading, PageHeader, Pager, Panel } from '../components/ui.tsx';
import type { AuditEntry, AuditVerifyResult, Page } from '../types.ts';

const LIMIT = 100;

function VerifyResult({ result }: { result: AuditVerifyResult }) {
  if (result.ok) {
    return (
      <div className="banner banner-ok" role="status" data-verify="ok">
        <strong>Chain intact.</strong> {result.entries.toLocaleString('en')} entries verified; head{' '}
        <span className="mono">{shortHash(result.headHash, 16)}</span>
      </div>
    );
  }
  const bad = result.firstBad;
  return (
    <div className="banner banner-error" role="alert" data-verify="bad">
      <strong>Chain broken</strong>
      {bad ? (
        <>
          {' '}
          at entry #{bad.seq} (<span className="mono">{bad.id}</span>): {bad.problem}. {bad.detail}
        </>
      ) : null}
    </div>
  );
}

function Audit({ query }: PageProps) {
  const actor = query.get('actor') ?? '';
  const action = query.get('action') ?? '';
  const offset = Number(query.get('offset') ?? 0) || 0;
  const { data, error, loading } = useApi<Page<AuditEntry>>(
    withQuery('/api/v1/audit', { actor, action, limit: LIMIT, offset }),
  );
  const [verify, setVerify] = useState<{ busy: boolean; result?: AuditVerifyResult; error?: ApiError }>({
    busy: false,
  });
  const runVerify = async () => {
    setVerify({ busy: true });
    try {
      setVerify({ busy: false, result: await api<AuditVerifyResult>('/api/v1/audit/verify') });
    } catch (e) {
      setVerify({
        busy: false,
        error: e instanceof ApiError ? e : new ApiError(0, 'BW_ERR_CLIENT', String(e)),
      });
    }
  };
  return (
    <>
      <PageHeader
        title="Audit log"
        sub="Every administrative change, hash-chained: an edit, deletion or reorder breaks the chain"
        actions={
          <button type="button" className="primary" onClick={runVerify} disabled={verify.busy}>
            {verify.busy ? 'Verifying…' : 'Verify chain'}
          </button>
        }
      />
      {verify.result ? <VerifyResult result={verify.result} /> : null}
      <ErrorBanner error={verify.error} />
      <Panel flush>
        <div className="filters">
          <TextFilter name="actor" label="Actor" value={actor} placeholder="key:k_…" />
          <TextFilter name="action" label="Action" value={action} placeholder="asset.create" />
        </div>
        <ErrorBanner error={error} />
        {loading && !data ? <Loading /> : null}
        {data?.items.length === 0 ? <Empty>No audit entries.</Empty> : null}
        {data?.items.length ? (
          <>
            <table className="grid audit-table">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Time</th>
                  <th>Actor</th>
                  <th>Action</th>
                  <th>Target</th>
                  <th>Details</th>
                  <th>Hash</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((e) => (
                  <tr key={e.id}>
                    <td className="mono">{e.seq}</td>
                    <td className="nowrap">{fmtTime(e.ts)}</td>
                    <td className="mono small">{e.actor}</td>
                    <td>
                      <span className="chip">{e.action}</span>
                    </td>
                    <td className="mono small wrap">{e.target}</td>
                    <td className="mono small wrap details-cell">{JSON.stringify(e.details)}</td>
                    <td className="mono small" title={e.hash}>
                      {shortHash(e.hash, 10)}
                    </td>
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

export const auditPage = definePage({
  path: '/audit',
  title: 'Audit log',
  nav: { label: 'Audit log', section: 'Governance' },
  roles: ['admin'],
  component: Audit,
});
