import { Pool, type Dispatcher } from 'undici';
import { BulwarkError } from '../core/index.ts';
import { type Breaker, createBreaker } from './breaker.ts';

export interface UpstreamOptions {
  /** Base URL from configuration; clients never choose it. */
  base: string;
  headers: Record<string, string>;
  timeoutMs: number;
  connectTimeoutMs: number;
  retries: number;
  breaker: { failures: number; resetMs: number };
  responseLimit: number;
  connections?: number;
}

export interface UpstreamCall {
  method: 'GET' | 'POST';
  /** Path below the upstream base, e.g. `/chat/completions`. */
  path: string;
  body?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class UpstreamError extends BulwarkError {
  readonly kind: 'timeout' | 'connect' | 'circuit-open' | 'too-large' | 'status' | 'reset';
  constructor(kind: UpstreamError['kind'], message: string, status = 502) {
    super('BW_ERR_UPSTREAM', message, { status });
    this.name = 'UpstreamError';
    this.kind = kind;
  }
}

// Errors where the request never reached the upstream: safe to retry even for POST.
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN']);
const RETRYABLE_IDEMPOTENT = new Set([...NOT_SENT, 'ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

function classify(e: unknown): UpstreamError {
  if (e instanceof UpstreamError) return e;
  const code = (e as { code?: string }).code ?? '';
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    (e as Error).name === 'TimeoutError'
  )
    return new UpstreamError('timeout', 'upstream timed out', 504);
  if (NOT_SENT.has(code)) return new UpstreamError('connect', `upstream unreachable (${code})`, 502);
  return new UpstreamError('reset', `upstream failed (${code || (e as Error).message})`, 502);
}

/** One configured upstream: a keep-alive pool, timeouts, bounded retries and a circuit breaker. */
export function createUpstream(options: UpstreamOptions) {
  const url = new URL(options.base);
  const basePath = url.pathname.replace(/\/$/, '');
  const pool = new Pool(url.origin, {
    connections: options.connections ?? 256,
    connectTimeout: options.connectTimeoutMs,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 30_000,
  });
  const breaker: Breaker = createBreaker(options.breaker);

  // Built once: the hot path sends these same headers on every call.
  const jsonHeaders = { 'content-type': 'application/json', ...options.headers };
  function once(call: UpstreamCall): Promise<Dispatcher.ResponseData> {
    const base = call.body !== undefined ? jsonHeaders : options.headers;
    return pool.request({
      method: call.method,
      path: basePath + call.path || '/',
      headers: call.headers ? { ...base, ...call.headers } : base,
      ...(call.body !== undefined ? { body: call.body } : {}),
      ...(call.signal ? { signal: call.signal } : {}),
    });
  }

  return {
    breaker,
    /**
     * Sends a call; retries GETs on connection errors and 502/503/504, POSTs only when the request
     * never left (connection refused). Counts failures into the breaker.
     */
    async request(call: UpstreamCall): Promise<Dispatcher.ResponseData> {
      const idempotent = call.method === 'GET';
      for (let attempt = 0; ; attempt++) {
        if (!breaker.allow()) throw new UpstreamError('circuit-open', 'upstream circuit is open', 503);
        try {
          const res = await once(call);
          if (res.statusCode >= 500) {
            breaker.failure();
            if (idempotent && attempt < options.retries && [502, 503, 504].includes(res.statusCode)) {
              await res.body.dump();
              await delay(attempt);
              continue;
            }
          } else breaker.success();
          return res;
        } catch (e) {
          breaker.failure();
          const code = (e as { code?: string }).code ?? '';
          const retry = attempt < options.retries && (idempotent ? RETRYABLE_IDEMPOTENT : NOT_SENT).has(code);
          if (!retry || call.signal?.aborted) throw classify(e);
          await delay(attempt);
        }
      }
    },
    /** Reads a whole body, refusing more than the configured response limit. */
    readBody(res: Dispatcher.ResponseData): Promise<string> {
      // Events rather than an async iterator: the iterator's promise per chunk costs more than the copy.
      return new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let failed = false;
        const fail = (e: unknown) => {
          if (failed) return;
          failed = true;
          breaker.failure();
          reject(classify(e));
        };
        res.body.on('data', (c: Buffer) => {
          if (failed) return;
          size += c.length;
          if (size > options.responseLimit) {
            fail(new UpstreamError('too-large', `upstream response exceeds ${options.responseLimit} bytes`));
            res.body.destroy();
            return;
          }
          chunks.push(c);
        });
        res.body.once('error', fail);
        res.body.once('end', () => {
          if (!failed)
            resolve(
              chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
            );
        });
      });
    },
    close: () => pool.close(),
  };
}
export type Upstream = ReturnType<typeof createUpstream>;

const delay = (attempt: number) => new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
