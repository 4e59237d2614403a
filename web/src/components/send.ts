import { ApiError, signOut, storedKey } from '../api.ts';

/**
 * Writes for pages that act (promote, roll back, upload): like `api`, but keeps the error's `details`
 * (a refused promotion carries its gate results there) and can send raw bytes.
 */
export class ApiRefusal extends ApiError {
  readonly details: Record<string, unknown> | undefined;
  constructor(
    status: number,
    code: string,
    message: string,
    field?: string,
    details?: Record<string, unknown>,
  ) {
    super(status, code, message, field);
    this.details = details;
  }
}

export type SendBody = { json: unknown } | { bytes: Blob | ArrayBuffer };

export async function send<T>(
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: SendBody,
): Promise<T> {
  const headers = new Headers({ accept: 'application/json' });
  const key = storedKey();
  if (key) headers.set('authorization', `Bearer ${key}`);
  let payload: BodyInit | undefined;
  if (body && 'json' in body) {
    headers.set('content-type', 'application/json');
    payload = JSON.stringify(body.json);
  } else if (body) {
    headers.set('content-type', 'application/octet-stream');
    payload = body.bytes;
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload ?? null, credentials: 'omit' });
  } catch (e) {
    throw new ApiRefusal(0, 'BW_ERR_NETWORK', `cannot reach the server: ${(e as Error).message}`);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const err = (
      parsed as
        | { error?: { code?: string; message?: string; field?: string; details?: Record<string, unknown> } }
        | undefined
    )?.error;
    if (res.status === 401) signOut();
    throw new ApiRefusal(
      res.status,
      err?.code ?? `HTTP_${res.status}`,
      err?.message ?? `${res.status} ${res.statusText}`,
      err?.field,
      err?.details,
    );
  }
  return parsed as T;
}

/** Any thrown value as an ApiError, for ErrorBanner. */
export function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, 'BW_ERR_CLIENT', String(e));
}
