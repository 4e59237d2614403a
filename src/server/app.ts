import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { BulwarkError, isBulwarkError } from '../core/index.ts';
import type { RegistryService } from '../services/registry.ts';
import type { Store } from '../store/index.ts';
import { createMetrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { defineRoute, type RouteDef, registerRoutes } from './route.ts';
import { apiRoutes } from './routes/index.ts';
import { VERSION } from '../cli/version.ts';

export interface ServerOptions {
  store: Store;
  /** Largest request body (bytes). */
  bodyLimit?: number;
  requestTimeoutMs?: number;
  trustProxy?: boolean;
  /** Pino logger options, or false (tests). Authorization headers are always redacted. */
  logger?: boolean | Record<string, unknown>;
  /** Directory of the built console; false to serve no console. */
  consoleDir?: string | false;
  /** Extra route modules (engines that plug into the control plane). */
  routes?: RouteDef[];
  registry?: RegistryService;
  /** Directories API calls may name (server.allowedPaths). */
  allowedPaths?: string[];
  /** Largest upload to POST /api/v1/scans (bytes). */
  uploadLimit?: number;
  /** Wakes the job worker after an enqueue. */
  poke?: () => void;
}

const DEFAULT_CONSOLE = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Builds the control-plane server without listening; tests use `app.inject`, `bulwark serve` listens. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? 10 * 1024 * 1024,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    connectionTimeout: options.requestTimeoutMs ?? 30_000,
    trustProxy: options.trustProxy ?? false,
    logger:
      options.logger === false || options.logger === undefined
        ? false
        : {
            ...(typeof options.logger === 'object' ? options.logger : {}),
            redact: ['req.headers.authorization', 'req.headers.cookie'],
          },
    return503OnClosing: true,
  });
  // Model uploads arrive as raw bytes; JSON stays the default everywhere else.
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );
  const metrics = createMetrics();
  const store = options.store;
  let closing = false;
  app.addHook('onClose', async () => {
    closing = true;
  });

  app.addHook('onRequest', async (req) => {
    (req as { startNs?: bigint }).startNs = process.hrtime.bigint();
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
      );
    }
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.requests.inc({ method: req.method, route, status: String(status) });
    const start = (req as { startNs?: bigint }).startNs;
    if (start)
      metrics.duration.observe({ method: req.method, route }, Number(process.hrtime.bigint() - start) / 1e9);
    if (status === 401 || status === 403) metrics.authFailures.inc({ status: String(status) });
  });

  app.setErrorHandler((err, req, reply) => {
    if (isBulwarkError(err)) {
      return reply.code(err.status).send({ error: err.toJSON() });
    }
    const e = err as { statusCode?: number; code?: string; message: string; validation?: unknown };
    if (e.statusCode === 413 || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({
        error: {
          code: 'BW_ERR_PAYLOAD_TOO_LARGE',
          message: `request body exceeds the limit of ${app.initialConfig.bodyLimit} bytes`,
          field: 'body',
        },
      });
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      // Fastify's own 4xx (bad JSON, wrong content type): keep its message, our shape.
      return reply.code(e.statusCode).send({
        error: {
          code: e.code?.startsWith('FST_') ? `BW_ERR_BAD_REQUEST` : 'BW_ERR_BAD_REQUEST',
          message: e.message,
          field: 'body',
        },
      });
    }
    req.log.error({ err }, 'unhandled error');
    return reply
      .code(500)
      .send({ error: { code: 'BW_ERR_INTERNAL', message: 'internal error (see server log)' } });
  });

  const routes: RouteDef[] = [
    ...apiRoutes,
    ...(options.routes ?? []),
    defineRoute({
      method: 'GET',
      url: '/healthz',
      access: 'public',
      tag: 'health',
      summary: 'Liveness: the process answers',
      handler: async () => ({ status: 'ok' }),
    }),
    defineRoute({
      method: 'GET',
      url: '/readyz',
      access: 'public',
      tag: 'health',
      summary: 'Readiness: the database answers and the server is not shutting down',
      handler: async ({ reply }) => {
        let db = false;
        try {
          db = await store.ping();
        } catch {
          db = false;
        }
        const ready = db && !closing;
        reply.code(ready ? 200 : 503);
        return { status: ready ? 'ready' : 'not-ready', checks: { database: db, shuttingDown: closing } };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/metrics',
      access: 'read',
      tag: 'health',
      summary: 'Prometheus metrics (scrape with a viewer or service key as a bearer token)',
      handler: async ({ reply }) => {
        reply.header('content-type', metrics.registry.contentType);
        return metrics.registry.metrics();
      },
    }),
  ];
  const doc = openApiDocument(routes, VERSION);
  routes.push(
    defineRoute({
      method: 'GET',
      url: '/api/v1/openapi.json',
      access: 'public',
      tag: 'meta',
      summary: 'This API as an OpenAPI 3.1 document',
      handler: async () => doc,
    }),
  );
  registerRoutes(app, routes, {
    store,
    ...(options.registry ? { registry: options.registry } : {}),
    allowedPaths: options.allowedPaths ?? [],
    ...(options.uploadLimit ? { uploadLimit: options.uploadLimit } : {}),
    poke: () => options.poke?.(),
  });

  const consoleDir = options.consoleDir === undefined ? DEFAULT_CONSOLE : options.consoleDir;
  if (consoleDir && existsSync(consoleDir)) {
    await app.register(fastifyStatic, {
      root: consoleDir,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    if (
      req.method === 'GET' &&
      !path.startsWith('/api/') &&
      consoleDir &&
      existsSync(`${consoleDir}/index.html`)
    ) {
      // The console is a single-page app: its client-side routes all load index.html.
      return reply.type('text/html').sendFile('index.html');
    }
    if (req.method === 'GET' && path === '/' && consoleDir) {
      return reply
        .type('text/html')
        .send(
          '<!doctype html><title>Bulwark</title><p>The console is not built. Run <code>npm run build:web</code>. The API is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>',
        );
    }
    const err = new BulwarkError('BW_ERR_NOT_FOUND', `no route ${req.method} ${path}`);
    return reply.code(404).send({ error: err.toJSON() });
  });
  return app;
}
