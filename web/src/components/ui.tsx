import type { ReactNode } from 'react';
import type { ApiError } from '../api.ts';
import { Link } from '../router.tsx';
import type { Severity } from '../types.ts';

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`sev sev-${severity}`}>{severity}</span>;
}

/** Status, risk tier, kind: a neutral or toned pill. */
export function Pill({ children, tone }: { children: ReactNode; tone?: string }) {
  return <span className={`pill${tone ? ` pill-${tone}` : ''}`}>{children}</span>;
}

export function Chips({ items, empty = '—' }: { items: readonly string[]; empty?: string }) {
  if (!items.length) return <span className="muted">{empty}</span>;
  return (
    <span className="chips">
      {items.map((t) => (
        <span key={t} className="chip">
          {t}
        </span>
      ))}
    </span>
  );
}

/** Where a framework reference is documented, for the ones with stable public pages. */
function refUrl(ref: string): string | undefined {
  const atlas = /^atlas:(AML\.[A-Z]+\d{4}(?:\.\d{3})?)$/.exec(ref);
  if (atlas)
    return `https://atlas.mitre.org/${atlas[1]!.includes('.M') ? 'mitigations' : 'techniques'}/${atlas[1]}`;
  const cwe = /^cwe:(\d+)$/.exec(ref);
  if (cwe) return `https://cwe.mitre.org/data/definitions/${cwe[1]}.html`;
  return undefined;
}

export function RefChips({ refs }: { refs: readonly string[] }) {
  if (!refs.length) return <span className="muted">none</span>;
  return (
    <span className="chips">
      {refs.map((r) => {
        const url = refUrl(r);
        const cls = `chip chip-ref chip-${r.split(':')[0]}`;
        return url ? (
          <a key={r} className={cls} href={url} target="_blank" rel="noreferrer noopener">
            {r}
          </a>
        ) : (
          <span key={r} className={cls}>
            {r}
          </span>
        );
      })}
    </span>
  );
}

export function ErrorBanner({ error }: { error: ApiError | undefined }) {
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert">
      <strong>{error.code}</strong> {error.message}
      {error.field ? <span className="muted"> (field {error.field})</span> : null}
    </div>
  );
}

export function Loading() {
  return <div className="loading">Loading…</div>;
}

export function Pager(props: {
  total: number;
  limit: number;
  offset: number;
  onPage: (offset: number) => void;
}) {
  const { total, limit, offset, onPage } = props;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <div className="pager">
      <span className="muted">
        {first}–{last} of {total.toLocaleString('en')}
      </span>
      <button type="button" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit))}>
        ‹ Prev
      </button>
      <button type="button" disabled={offset + limit >= total} onClick={() => onPage(offset + limit)}>
        Next ›
      </button>
    </div>
  );
}

export function PageHeader(props: { title: ReactNode; sub?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.sub ? <div className="sub">{props.sub}</div> : null}
      </div>
      {props.actions ? <div className="actions">{props.actions}</div> : null}
    </div>
  );
}

export function Panel(props: {
  title?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  flush?: boolean;
}) {
  return (
    <section className={`panel${props.flush ? ' panel-flush' : ''}`}>
      {props.title ? (
        <header>
          <h2>{props.title}</h2>
          {props.actions}
        </header>
      ) : null}
      <div className="panel-body">{props.children}</div>
    </section>
  );
}

export function Fields({ children }: { children: ReactNode }) {
  return <dl className="fields">{children}</dl>;
}

/** One labelled value in a `Fields` list; an empty value shows a dash. */
export function Field({ label, children }: { label: string; children?: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        {children === '' || children === undefined || children === null ? (
          <span className="muted">—</span>
        ) : (
          children
        )}
      </dd>
    </div>
  );
}

export function Json({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function AssetLink({ id, label }: { id: string | undefined; label?: string | undefined }) {
  if (!id) return <span className="muted">{label ?? '—'}</span>;
  return <Link to={`/assets/${encodeURIComponent(id)}`}>{label ?? id}</Link>;
}

export function RunStatusPill({ status }: { status: string }) {
  const tone = status === 'succeeded' ? 'ok' : status === 'failed' ? 'bad' : 'run';
  return <Pill tone={tone}>{status}</Pill>;
}
