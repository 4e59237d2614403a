import type { Location } from '../../src/core/index.ts';

export function fmtTime(iso: string | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fmtAgo(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(s)) return iso;
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export function fmtBytes(n: number | undefined): string {
  if (n === undefined || n === 0) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 && i > 0 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function fmtDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function shortHash(h: string | undefined, n = 12): string {
  if (!h) return '—';
  const bare = h.replace(/^sha256:/, '');
  return bare.length > n ? `${bare.slice(0, n)}…` : bare;
}

/** `model.pt › archive/data.pkl:12 @1187`: a finding's location on one line. */
export function fmtLocation(l: Location): string {
  const parts: string[] = [];
  if (l.path) parts.push(l.path);
  if (l.member) parts.push(l.member);
  if (l.url) parts.push(l.url);
  let s = parts.join(' › ');
  if (l.line !== undefined) s += `:${l.line}${l.column !== undefined ? `:${l.column}` : ''}`;
  if (l.offset !== undefined) s += ` @${l.offset}`;
  if (l.row !== undefined) s += ` row ${l.row}`;
  if (l.field) s += ` [${l.field}]`;
  if (l.requestId) s += ` req ${l.requestId}`;
  return s.trim() || '—';
}
