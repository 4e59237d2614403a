import type { Me } from './types.ts';

/**
 * The API client. The key lives in sessionStorage only (gone when the tab closes, never shared with
 * other tabs or written to disk as localStorage would be). Any 401 signs the console out.
 */
const KEY_STORAGE = 'bulwark.apiKey';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

type Listener = () => void;
const signOutListeners = new Set<Listener>();

export function onSignedOut(fn: Listener): () => void {
  signOutListeners.add(fn);
  return () => signOutListeners.delete(fn);
}

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function signOut(): void {
  sessionStorage.removeItem(KEY_STORAGE);
  for (const fn of signOutListeners) fn();
}

export type QueryValue = string | number | boolean | undefined | null | readonly string[];

/** Builds `path?a=1&b=x,y`, leaving out empty values. */
export function withQuery(path: string, query: Record<string, QueryValue> = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) qs.set(k, v.join(','));
    } else qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

async function request<T>(path: string, key: string | null, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  if (key) headers.set('authorization', `Bearer ${key}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers, credentials: 'omit' });
  } catch (e) {
    throw new ApiError(0, 'BW_ERR_NETWORK', `cannot reach the server: ${(e as Error).message}`);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
    throw new ApiError(
      res.status,
      err?.code ?? `HTTP_${res.status}`,
      err?.message ?? `${res.status} ${res.statusText}`,
      err?.field,
    );
  }
  return body as T;
}

/** Authenticated GET (and later POST/PATCH/DELETE) for pages; a 401 signs out. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  try {
    return await request<T>(path, storedKey(), init);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) signOut();
    throw e;
  }
}

/** Checks a key against GET /api/v1/me and keeps it for this tab only when it works. */
export async function signIn(key: string): Promise<Me> {
  const me = await request<Me>('/api/v1/me', key.trim());
  sessionStorage.setItem(KEY_STORAGE, key.trim());
  return me;
}

export function fetchMe(): Promise<Me> {
  return api<Me>('/api/v1/me');
}
