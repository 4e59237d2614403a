import { type FormEvent, useRef, useState } from 'react';
import { type ApiError, withQuery } from '../api.ts';
import { fmtDuration, fmtTime } from '../format.ts';
import { definePage, type PageProps } from '../page.ts';
import { Link, navigate, setQuery } from '../router.tsx';
import { fileCount, SeverityCounts, scanSummary, WorstBadge, worstOf } from '../components/model-status.tsx';
import { asApiError, send } from '../components/send.ts';
import { usePollWhile } from '../components/usePoll.ts';
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
import type { Asset, Page, Role, Run } from '../types.ts';

const LIMIT = 50;
/** Roles the server lets upload (the route's `write` access). */
const UPLOAD_ROLES: readonly Role[] = ['analyst', 'service', 'admin'];

/** Uploads one file's bytes to POST /api/v1/scans and opens the new scan. */
function UploadForm() {
  const fileRef = useRef<HTMLInputElement>(null);
  const [model, setModel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await send<{ run: Run }>(
        'POST',
        withQuery('/api/v1/scans', { name: file.name, model: model.trim() }),
        { bytes: file },
      );
      navigate(`/scans/${encodeURIComponent(r.run.id)}`);
    } catch (err) {
      setError(asApiError(err));
      setBusy(false);
    }
  };

  return (
    <form className="upload-form" onSubmit={submit} aria-label="Scan a file">
      <label>
        Model file
        <input ref={fileRef} type="file" name="file" aria-label="Model file" required />
      </label>
      <label>
        Model name
        <input
          aria-label="Model name"
          placeholder="optional: links the scan to a model asset"
          value={model}
          onChange={(e) => setModel(e.target.value)}
          maxLength={200}
          size={34}
        />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Scanning…' : 'Upload and scan'}
      </button>
      <ErrorBanner error={error} />
    </form>
  );
}

function Scans({ query, me }: PageProps) {
  const offset = Number(query.get('offset') ?? 0) || 0;
  const { data, error, loading, reload } = useApi<Page<Run>>(
    withQuery('/api/v1/scans', { limit: LIMIT, offset }),
  );
  // Path scans queued on the server finish in the worker: refresh until none is running.
  usePollWhile(data?.items.some((r) => r.status === 'running') ?? false, reload);
  // Names for the asset column; scans of unknown assets fall back to the id.
  const assets = useApi<Page<Asset>>(
    data?.items.some((r) => r.assetId) ? '/api/v1/assets?kind=model&limit=500' : null,
  );
  const assetName = (id: string | undefined) => assets.data?.items.find((a) => a.id === id)?.name;
  return (
    <>
      <PageHeader
        title="Scans"
        sub="Model artifacts checked for code execution, unsafe imports and malformed containers, newest first"
      />
      {UPLOAD_ROLES.includes(me.role) ? (
        <Panel title="Scan a file">
          <UploadForm />
        </Panel>
      ) : null}
      <Panel flush>
        <ErrorBanner error={error} />
        {loading && !data ? <Loading /> : null}
        {data?.items.length === 0 ? <Empty>No scans yet.</Empty> : null}
        {data?.items.length ? (
          <>
            <table className="grid scans-table">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Target</th>
                  <th>Asset</th>
                  <th>Files</th>
                  <th>Worst</th>
                  <th>Findings</th>
                  <th>Status</th>
                  <th>Took</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((r) => {
                  const s = scanSummary(r);
                  return (
                    <tr key={r.id} data-scan={r.id}>
                      <td className="nowrap">
                        <Link to={`/scans/${encodeURIComponent(r.id)}`}>{fmtTime(r.startedAt)}</Link>
                      </td>
                      <td className="mono small wrap">{r.target || '—'}</td>
                      <td>
                        <AssetLink id={r.assetId} label={assetName(r.assetId)} />
                      </td>
                      <td>{fileCount(s) ?? '—'}</td>
                      <td>{r.status === 'succeeded' ? <WorstBadge severity={worstOf(s)} /> : '—'}</td>
                      <td>
                        <SeverityCounts counts={s.bySeverity} />
                      </td>
                      <td>
                        <RunStatusPill status={r.status} />
                      </td>
                      <td className="nowrap">{fmtDuration(r.durationMs)}</td>
                    </tr>
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
        ) : null}
      </Panel>
    </>
  );
}

export const scansPage = definePage({
  path: '/scans',
  title: 'Scans',
  nav: { label: 'Scans', section: 'Security' },
  component: Scans,
});
