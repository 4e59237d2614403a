import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from 'react';

export { matchPath } from './paths.ts';

/**
 * A small history-API router: the server answers every non-API GET with index.html, so console URLs
 * (with their filters in the query string) can be bookmarked, shared and reloaded.
 */
export interface RouteLocation {
  path: string;
  query: URLSearchParams;
}

const NAVIGATE_EVENT = 'bulwark:navigate';

function current(): RouteLocation {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** Merges `updates` into the current query string (empty values are removed) and replaces the entry. */
export function setQuery(updates: Record<string, string | number | undefined | null>): void {
  const q = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(updates)) {
    if (v === undefined || v === null || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  const s = q.toString();
  navigate(window.location.pathname + (s ? `?${s}` : ''), { replace: true });
}

export function useLocation(): RouteLocation {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE_EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE_EVENT, update);
    };
  }, []);
  return loc;
}

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const { to, onClick, ...rest } = props;
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
    window.scrollTo(0, 0);
  };
  return <a href={to} onClick={click} {...rest} />;
}
