import { type FormEvent, useState } from 'react';
import type { ApiError } from '../api.ts';
import { fmtAgo, fmtTime } from '../format.ts';
import { definePage, type PageProps } from '../page.ts';
import { Link } from '../router.tsx';
import { StagePill, VERSION_HEADERS, VersionCells } from '../components/model-status.tsx';
import { ApiRefusal, asApiError, send } from '../components/send.ts';
import { useApi } from '../components/useApi.ts';
import { Empty, ErrorBanner, Loading, PageHeader, Panel, Pill } from '../components/ui.tsx';
import type {
  GateCheck,
  GateResult,
  HistoryEntry,
  RegistryModelDetail,
  RegistryVersion,
  Role,
  Stage,
  VerifyResult,
} from '../types.ts';

/** Roles the server lets promote, retire and roll back (`analyst` access); verification is `write`. */
const ACT_ROLES: readonly Role[] = ['analyst', 'admin'];
const VERIFY_ROLES: readonly Role[] = ['analyst', 'service', 'admin'];

/** The stage a version is promoted into next, when that promotion has gates. */
function nextStage(stage: Stage): 'approved' | 'production' | undefined {
  return stage === 'candidate' ? 'approved' : stage === 'approved' ? 'production' : undefined;
}

function apiModel(name: string): string {
  return `/api/v1/registry/${encodeURIComponent(name)}`;
}

function versionPath(name: string, version: string): string {
  return `${apiModel(name)}/versions/${encodeURIComponent(version)}`;
}

function GateTable({ gates }: { gates: GateResult[] }) {
  if (!gates.length) return <Empty>No gates configured for this stage: the promotion always passes.</Empty>;
  return (
    <table className="grid gates-table">
      <tbody>
        {gates.map((g) => (
          <tr key={g.gate} data-gate={g.gate} data-passed={String(g.passed)}>
            <td className="w-gate">
              {g.passed ? <Pill tone="ok">pass</Pill> : <Pill tone="bad">fail</Pill>}
            </td>
            <td className="mono strong w-gate-name">{g.gate}</td>
            <td>{g.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Outcome =
  | { kind: 'ok'; message: string }
  | { kind: 'refused'; title: string; message: string; gates: GateResult[] }
  | { kind: 'error'; error: ApiError };

/** A 409 with gate results (BW_ERR_GATE_FAILED) shows those gates; anything else is an error banner. */
function outcomeOf(e: unknown, title: string): Outcome {
  const gates = e instanceof ApiRefusal ? (e.details?.gates as GateResult[] | undefined) : undefined;
  if (e instanceof ApiRefusal && Array.isArray(gates))
    return { kind: 'refused', title, message: e.message, gates };
  return { kind: 'error', error: asApiError(e) };
}

function OutcomeBanner({ outcome }: { outcome: Outcome | undefined }) {
  if (!outcome) return null;
  if (outcome.kind === 'ok')
    return (
      <div className="banner banner-ok" role="status" data-outcome="ok">
        {outcome.message}
      </div>
    );
  if (outcome.kind === 'error') return <ErrorBanner error={outcome.error} />;
  return (
    <div className="banner banner-error refusal" role="alert" data-outcome="refused">
      <strong>{outcome.title}</strong> {outcome.message}
      <GateTable gates={outcome.gates} />
    </div>
  );
}

/**
 * One non-retired version: the gates of its next stage as they stand now (digests are re-hashed at
 * promotion, so a "not verified" digest gate can still pass), and the promote and retire actions.
 */
function VersionActions(props: {
  name: string;
  v: RegistryVersion;
  canAct: boolean;
  onChanged: (message: string) => void;
}) {
  const { name, v, canAct, onChanged } = props;
  const to = nextStage(v.stage);
  const gates = useApi<GateCheck>(to ? `${versionPath(name, v.version)}/gates?to=${to}` : null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirmRetire, setConfirmRetire] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();

  const move = async (target: Stage) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      await send('POST', `${versionPath(name, v.version)}/promote`, {
        json: { to: target, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      });
      setBusy(false);
      onChanged(
        target === 'retired'
          ? `${name} ${v.version} retired.`
          : `${name} ${v.version} promoted to ${target}.`,
      );
    } catch (e) {
      setOutcome(outcomeOf(e, target === 'retired' ? 'Retirement refused.' : 'Promotion refused.'));
      setBusy(false);
      gates.reload();
    }
  };

  return (
    <Panel
      title={
        <>
          Version <span className="mono">{v.version}</span> <StagePill stage={v.stage} />
          {to ? (
            <>
              {' '}
              → <StagePill stage={to} />
            </>
          ) : null}
        </>
      }
      actions={
        <span className="muted small">
          in {v.stage} since {fmtAgo(v.stageChangedAt)}
        </span>
      }
    >
      <div data-version-actions={v.version}>
        {to ? (
          <>
            <h3>Gates for {to}</h3>
            <ErrorBanner error={gates.error} />
            {gates.loading && !gates.data ? <Loading /> : null}
            {gates.data ? (
              <div data-gates-for={to}>
                <GateTable gates={gates.data.gates} />
              </div>
            ) : null}
          </>
        ) : (
          <p className="muted">In production: the next step is retirement, which has no gates.</p>
        )}
        <OutcomeBanner outcome={outcome} />
        {canAct ? (
          <div className="version-buttons">
            <input
              aria-label={`Reason for ${v.version}`}
              placeholder="reason (optional, kept in the history)"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={2000}
              size={36}
            />
            {to ? (
              <button type="button" className="primary" disabled={busy} onClick={() => move(to)}>
                Promote to {to}
              </button>
            ) : null}
            {confirmRetire ? (
              <>
                <button type="button" className="danger" disabled={busy} onClick={() => move('retired')}>
                  Confirm retire
                </button>
                <button type="button" className="link-btn" onClick={() => setConfirmRetire(false)}>
                  cancel
                </button>
              </>
            ) : (
              <button type="button" disabled={busy} onClick={() => setConfirmRetire(true)}>
                Retire
              </button>
            )}
          </div>
        ) : null}
      </div>
    </Panel>
  );
}

function RollbackForm(props: { name: string; production: string; onChanged: (message: string) => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) return;
    setBusy(true);
    setOutcome(undefined);
    try {
      const r = await send<{ from: string; to: string }>('POST', `${apiModel(props.name)}/rollback`, {
        json: { reason: reason.trim() },
      });
      setReason('');
      props.onChanged(`Rolled back production of ${props.name} from ${r.from} to ${r.to}.`);
    } catch (err) {
      setOutcome(outcomeOf(err, 'Rollback refused.'));
    }
    setBusy(false);
  };
  return (
    <form className="rollback-form" onSubmit={submit}>
      <p className="muted small">
        Retires production version <span className="mono">{props.production}</span> and returns the version
        that was in production before it, after re-checking its digests.
      </p>
      <div className="version-buttons">
        <input
          aria-label="Rollback reason"
          placeholder="reason (required, audited)"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required
          maxLength={2000}
          size={40}
        />
        <button type="submit" className="danger" disabled={busy || !reason.trim()}>
          Roll back production
        </button>
      </div>
      <OutcomeBanner outcome={outcome} />
    </form>
  );
}

function VerifyTable({ results, at }: { results: VerifyResult[]; at: string }) {
  const bad = results.filter((r) => !r.ok).length;
  return (
    <div data-verify-results={bad ? 'bad' : 'ok'}>
      <div className={`banner ${bad ? 'banner-error' : 'banner-ok'}`} role="status">
        {bad
          ? `${bad} of ${results.length} version(s) no longer match their digests`
          : `All ${results.length} version(s) match their recorded digests`}
        <span className="muted"> · checked {fmtTime(at)}, stages as they were then</span>
      </div>
      <table className="grid verify-table">
        <thead>
          <tr>
            <th>Version</th>
            <th>Stage</th>
            <th>Result</th>
            <th>Changed</th>
            <th>Missing</th>
            <th>Added</th>
          </tr>
        </thead>
        <tbody>
          {results.map((r) => (
            <tr key={r.version} data-verify-version={r.version} data-ok={String(r.ok)}>
              <td className="mono">{r.version}</td>
              <td>
                <StagePill stage={r.stage} />
              </td>
              <td>{r.ok ? <Pill tone="ok">intact</Pill> : <Pill tone="bad">differs</Pill>}</td>
              <td className="mono small wrap">{r.changed.join(', ') || '—'}</td>
              <td className="mono small wrap">{r.missing.join(', ') || '—'}</td>
              <td className="mono small wrap">{r.added.join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HistoryTable({ history }: { history: HistoryEntry[] }) {
  if (!history.length) return <Empty>No stage changes yet.</Empty>;
  return (
    <table className="grid history-table">
      <thead>
        <tr>
          <th>Time</th>
          <th>Version</th>
          <th>Stage</th>
          <th>Action</th>
          <th>Actor</th>
          <th>Reason</th>
        </tr>
      </thead>
      <tbody>
        {history.map((h) => (
          <tr key={h.id} data-history-action={h.action} data-history-version={h.version}>
            <td className="nowrap">{fmtTime(h.ts)}</td>
            <td className="mono">{h.version}</td>
            <td className="nowrap">
              {h.fromStage ? <StagePill stage={h.fromStage} /> : <span className="muted">new</span>} →{' '}
              <StagePill stage={h.toStage} />
            </td>
            <td>
              <span className="chip">{h.action}</span>
            </td>
            <td className="mono small">{h.actor}</td>
            <td className="wrap">{h.reason || <span className="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RegistryModel({ params, me }: PageProps) {
  const name = params.name!;
  const { data, error, loading, reload } = useApi<RegistryModelDetail>(apiModel(name));
  // Bumped after every change so each version's gate results are fetched again.
  const [generation, setGeneration] = useState(0);
  const [notice, setNotice] = useState<string | undefined>();
  const [verify, setVerify] = useState<{
    busy: boolean;
    results?: VerifyResult[];
    at?: string;
    error?: ApiError;
  }>({
    busy: false,
  });
  const canAct = ACT_ROLES.includes(me.role);

  const changed = (message: string) => {
    setNotice(message);
    setGeneration((g) => g + 1);
    reload();
  };
  const runVerify = async () => {
    setVerify({ busy: true });
    try {
      const r = await send<{ results: VerifyResult[] }>('POST', '/api/v1/registry/verify', {
        json: { name },
      });
      setVerify({ busy: false, results: r.results, at: new Date().toISOString() });
      setGeneration((g) => g + 1);
      reload();
    } catch (e) {
      setVerify({ busy: false, error: asApiError(e) });
    }
  };

  const back = <Link to="/registry">‹ Model registry</Link>;
  if (error) {
    return (
      <>
        <PageHeader title={name} sub={back} />
        <ErrorBanner error={error} />
      </>
    );
  }
  if (loading && !data) return <Loading />;
  if (!data) return null;
  const versions = [...data.versions].reverse();
  const production = versions.find((v) => v.stage === 'production');
  const active = versions.filter((v) => v.stage !== 'retired');
  return (
    <>
      <PageHeader
        title={
          <>
            {data.asset.name}
            <span
              className={`pill${production ? ' pill-stage-production' : ''}`}
              data-production={production?.version ?? ''}
            >
              production: {production ? production.version : 'none'}
            </span>
          </>
        }
        sub={
          <>
            {back} · {data.asset.owner ? `owner ${data.asset.owner} · ` : ''}
            <Link to={`/assets/${encodeURIComponent(data.asset.id)}`}>asset</Link>
          </>
        }
        actions={
          VERIFY_ROLES.includes(me.role) ? (
            <button type="button" onClick={runVerify} disabled={verify.busy}>
              {verify.busy ? 'Verifying…' : 'Verify digests'}
            </button>
          ) : null
        }
      />
      {notice ? (
        <div className="banner banner-ok" role="status" data-notice>
          {notice}
        </div>
      ) : null}
      <ErrorBanner error={verify.error} />
      {verify.results ? (
        <Panel title="Digest verification" flush>
          <VerifyTable results={verify.results} at={verify.at ?? ''} />
        </Panel>
      ) : null}
      <Panel title="Versions" flush>
        <table className="grid versions-table registry-versions">
          <thead>
            <tr>
              <th>Version</th>
              {VERSION_HEADERS.map((h) => (
                <th key={h}>{h}</th>
              ))}
              <th>Files</th>
              <th>Pushed</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.versionId} data-version={v.version} data-stage={v.stage}>
                <td className="mono strong">{v.version}</td>
                <VersionCells v={v} />
                <td>{v.manifest.length}</td>
                <td className="nowrap">{fmtTime(v.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      {active.map((v) => (
        <VersionActions
          key={`${v.versionId}:${v.stage}:${generation}`}
          name={name}
          v={v}
          canAct={canAct}
          onChanged={changed}
        />
      ))}
      {canAct && production ? (
        <Panel title="Rollback">
          <RollbackForm name={name} production={production.version} onChanged={changed} />
        </Panel>
      ) : null}
      <Panel title="Stage history" flush>
        <HistoryTable history={data.history} />
      </Panel>
    </>
  );
}

export const registryModelPage = definePage({
  path: '/registry/:name',
  title: 'Model',
  component: RegistryModel,
});
