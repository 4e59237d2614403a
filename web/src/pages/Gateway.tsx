import { useEffect } from 'react';
import { withQuery } from '../api.ts';
import { SelectFilter } from '../components/filters.tsx';
import { useApi } from '../components/useApi.ts';
import { Empty, ErrorBanner, Loading, PageHeader, Panel, Pill } from '../components/ui.tsx';
import { fmtTime } from '../format.ts';
import { definePage, type PageProps } from '../page.ts';

interface GatewaySpan {
  where: string;
  start: number;
  end: number;
  label: string;
  detector: string;
}

interface GatewayEvent {
  id: string;
  ts: string;
  requestId: string;
  keyId: string;
  route: string;
  path: string;
  model: string;
  status: number;
  decision: 'allow' | 'flag' | 'redact' | 'block' | 'error';
  shadow: boolean;
  reason: string;
  scores: Record<string, number>;
  spans: GatewaySpan[];
  latencyMs: number;
  addedMs: number;
  tokensIn: number;
  tokensOut: number;
}

interface KeyUsage {
  keyId: string;
  requests: number;
  blocked: number;
  tokensIn: number;
  tokensOut: number;
  lastSeen: string;
}

const TONE: Record<GatewayEvent['decision'], string | undefined> = {
  allow: 'ok',
  flag: 'run',
  redact: 'run',
  block: 'bad',
  error: 'bad',
};

/** Refetches every few seconds: the page shows traffic as it happens. */
function useEvery(ms: number, fn: () => void) {
  useEffect(() => {
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  }, [ms, fn]);
}

function topScores(scores: Record<string, number>): string {
  return Object.entries(scores)
    .filter(([, v]) => v >= 0.1)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ');
}

function Traffic({ items }: { items: GatewayEvent[] }) {
  return (
    <table className="grid">
      <thead>
        <tr>
          <th>Time</th>
          <th>Client</th>
          <th>Path</th>
          <th>Decision</th>
          <th>Status</th>
          <th>Latency</th>
          <th>Added</th>
          <th>Tokens in/out</th>
          <th>Top scores</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.id} data-decision={e.decision}>
            <td className="nowrap">{fmtTime(e.ts)}</td>
            <td className="mono small">{e.keyId || '—'}</td>
            <td className="mono small">{e.path}</td>
            <td>
              <Pill {...(TONE[e.decision] ? { tone: TONE[e.decision] } : {})}>{e.decision}</Pill>
              {e.shadow ? <span className="muted small"> shadow</span> : null}
            </td>
            <td className="mono">{e.status}</td>
            <td className="mono">{e.latencyMs.toFixed(1)} ms</td>
            <td className="mono">{e.addedMs.toFixed(2)} ms</td>
            <td className="mono">
              {e.tokensIn}/{e.tokensOut}
            </td>
            <td className="small">{topScores(e.scores) || <span className="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Blocked({ items }: { items: GatewayEvent[] }) {
  return (
    <table className="grid">
      <thead>
        <tr>
          <th>Time</th>
          <th>Client</th>
          <th>Reason</th>
          <th>Spans that triggered it</th>
          <th>Request</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.id}>
            <td className="nowrap">{fmtTime(e.ts)}</td>
            <td className="mono small">{e.keyId || '—'}</td>
            <td>
              <span className="chip">{e.reason || e.decision}</span>
            </td>
            <td className="small wrap">
              {e.spans.length ? (
                e.spans.map((s) => (
                  <div key={`${s.where}:${s.start}:${s.end}:${s.detector}`} className="mono">
                    {s.detector} · {s.label} · {s.where} [{s.start}–{s.end}]
                  </div>
                ))
              ) : (
                <span className="muted">{topScores(e.scores) || 'no span (limit, auth or schema)'}</span>
              )}
            </td>
            <td className="mono small">{e.requestId}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Gateway({ query }: PageProps) {
  const decision = query.get('decision') ?? '';
  const live = useApi<{ items: GatewayEvent[] }>(
    withQuery('/api/v1/gateway/events', { decision, limit: 100 }),
  );
  const blocked = useApi<{ items: GatewayEvent[] }>(
    withQuery('/api/v1/gateway/events', { decision: 'block', limit: 50 }),
  );
  const usage = useApi<{ since: string; items: KeyUsage[] }>('/api/v1/gateway/usage');
  useEvery(5000, live.reload);
  useEvery(5000, blocked.reload);
  useEvery(30_000, usage.reload);
  return (
    <>
      <PageHeader
        title="Gateway"
        sub="Live traffic through the inference gateway, blocked requests and per-client usage"
      />
      <Panel title="Live traffic" flush>
        <div className="filters">
          <SelectFilter
            name="decision"
            label="Decision"
            value={decision}
            options={['allow', 'flag', 'redact', 'block', 'error']}
          />
        </div>
        <ErrorBanner error={live.error} />
        {live.loading && !live.data ? <Loading /> : null}
        {live.data?.items.length === 0 ? (
          <Empty>No gateway traffic yet. Start one with `bulwark gateway`.</Empty>
        ) : null}
        {live.data?.items.length ? <Traffic items={live.data.items} /> : null}
      </Panel>
      <Panel title="Blocked requests" flush>
        <ErrorBanner error={blocked.error} />
        {blocked.data?.items.length === 0 ? <Empty>Nothing blocked.</Empty> : null}
        {blocked.data?.items.length ? <Blocked items={blocked.data.items} /> : null}
      </Panel>
      <Panel title="Usage per client (last 24 hours)" flush>
        <ErrorBanner error={usage.error} />
        {usage.data?.items.length === 0 ? <Empty>No clients yet.</Empty> : null}
        {usage.data?.items.length ? (
          <table className="grid">
            <thead>
              <tr>
                <th>Client</th>
                <th>Requests</th>
                <th>Blocked</th>
                <th>Tokens in</th>
                <th>Tokens out</th>
                <th>Last seen</th>
              </tr>
            </thead>
            <tbody>
              {usage.data.items.map((u) => (
                <tr key={u.keyId}>
                  <td className="mono small">{u.keyId || '—'}</td>
                  <td className="mono">{u.requests.toLocaleString('en')}</td>
                  <td className="mono">{u.blocked.toLocaleString('en')}</td>
                  <td className="mono">{u.tokensIn.toLocaleString('en')}</td>
                  <td className="mono">{u.tokensOut.toLocaleString('en')}</td>
                  <td className="nowrap">{fmtTime(u.lastSeen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Panel>
    </>
  );
}

export const gatewayPage = definePage({
  path: '/gateway',
  title: 'Gateway',
  nav: { label: 'Gateway', section: 'Security' },
  component: Gateway,
});
