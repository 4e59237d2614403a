import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { BulwarkError, makeFinding, ulid, ValidationError } from '../core/index.ts';
import { createGuard, DEFAULT_POLICY, type Guard } from '../guard/index.ts';
import { GuardPolicy } from '../guard/policy-schema.ts';
import { createEventStore, encodeEvent, type GatewayEvent } from '../store/events.ts';
import { createEventWriterThread } from './event-writer.ts';
import type { Store } from '../store/index.ts';
import { authorise, createAuthenticator, type Principal } from './auth.ts';
import {
  expandEnv,
  extractionSettings,
  type GatewayConfig,
  InputSchema,
  type RouteConfig,
} from './config.ts';
import { GatewayRefusal, openAiError } from './errors.ts';
import { createExtractionMonitor, textVector } from './extraction.ts';
import { createGuardPool, defaultGuardThreads } from './guard-pool.ts';
import { hasLimits, type Limiter, memoryLimiter, redisLimiter } from './limits.ts';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.ts';
import { handleOpenAi } from './openai.ts';
import { inputText } from './text.ts';
import { handlePredict } from './predict-route.ts';
import { createOodScorer } from './predict.ts';
import { Profile } from './profile.ts';
import { createBatchQueue } from './queue.ts';
import { GATEWAY_RULES } from './rules.ts';
import { countTokens, loadTokenizer, tokenizerLoading, tokenizerReady } from './tokens.ts';
import type { Recorded, RequestState, RouteRuntime, Shared } from './types.ts';
import { createUpstream } from './upstream.ts';

export interface GatewayOptions {
  config: GatewayConfig;
  /** The `policies:` section of bulwark.yaml (validated here with the guard's schema). */
  policies?: Record<string, unknown> | undefined;
  /** Verifies API keys and receives events and findings; without it only JWTs authenticate. */
  store?: Store;
  /** Where events go instead of the store (tests of the queue, benchmarks). */
  sink?: (batch: Recorded[]) => Promise<void>;
  redisUrl?: string | undefined;
  /** Directory that relative paths in the config (schema, profile, JWKS) are resolved against. */
  baseDir?: string;
  logger?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface Gateway {
  app: FastifyInstance;
  metrics: GatewayMetrics;
  limiter: Limiter;
  /** Events waiting to be written. */
  readonly queueDepth: number;
  /** Stops accepting requests, finishes those in flight, writes every queued event, closes upstreams. */
  close(): Promise<void>;
}

function policyFor(
  name: string,
  policies: Record<string, unknown> | undefined,
  field: string,
): GuardPolicy | undefined {
  if (name === 'none') return undefined;
  const raw = policies?.[name];
  if (raw === undefined) {
    if (name === 'default') return DEFAULT_POLICY;
    throw new BulwarkError(
      'BW_ERR_CONFIG_INVALID',
      `${field}: no policy named ${JSON.stringify(name)} under policies:`,
      { field },
    );
  }
  const parsed = GuardPolicy.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new BulwarkError('BW_ERR_CONFIG_INVALID', `policies.${name}.${i.path.join('.')}: ${i.message}`, {
      field: `policies.${name}`,
    });
  }
  return parsed.data;
}

function readJson(path: string, field: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BulwarkError(
      'BW_ERR_CONFIG_INVALID',
      `${field}: cannot read ${path}: ${(e as Error).message}`,
      { field },
    );
  }
}

function runtimeFor(r: RouteConfig, i: number, opts: GatewayOptions, pooled: GuardPolicy[]): RouteRuntime {
  const base = opts.baseDir ?? process.cwd();
  const env = opts.env ?? process.env;
  const upstream = createUpstream({
    base: r.upstream,
    headers: Object.fromEntries(
      Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), expandEnv(v, env)]),
    ),
    timeoutMs: r.timeoutMs,
    connectTimeoutMs: r.connectTimeoutMs,
    retries: r.retries,
    breaker: r.breaker,
    responseLimit: r.responseLimit,
  });
  const name = r.name ?? r.path;
  const extraction = createExtractionMonitor(extractionSettings(r.extraction, r.kind));
  if (r.kind === 'openai') {
    const policy = policyFor(r.policy, opts.policies, `gateway.routes[${i}].policy`);
    let guard: (() => Guard) | undefined;
    let slot: number | undefined;
    if (policy) {
      const p = { ...policy, failClosed: r.failClosed };
      if (p.redaction.mode === 'pseudonym') guard = () => createGuard(p);
      else {
        const shared = createGuard(p);
        guard = () => shared;
        slot = pooled.push(p) - 1;
      }
    }
    return { kind: 'openai', config: r, name, upstream, guard, pooled: slot, extraction };
  }
  const field = `gateway.routes[${i}]`;
  const schemaRaw =
    typeof r.schema === 'string' ? readJson(resolve(base, r.schema), `${field}.schema`) : r.schema;
  const schema = InputSchema.safeParse(schemaRaw);
  if (!schema.success)
    throw new BulwarkError(
      'BW_ERR_CONFIG_INVALID',
      `${field}.schema: ${schema.error.issues[0]!.path.join('.')}: ${schema.error.issues[0]!.message}`,
      {
        field: `${field}.schema`,
      },
    );
  let profile: Profile | undefined;
  if (r.profile) {
    const p = Profile.safeParse(readJson(resolve(base, r.profile), `${field}.profile`));
    if (!p.success)
      throw new BulwarkError(
        'BW_ERR_CONFIG_INVALID',
        `${field}.profile: not a Bulwark profile (${p.error.issues[0]!.message})`,
        { field: `${field}.profile` },
      );
    profile = p.data;
  }
  return {
    kind: 'predict',
    config: r,
    name,
    upstream,
    schema: schema.data,
    profile,
    score: profile ? createOodScorer(profile) : undefined,
    extraction,
  };
}

function limiterFor(config: GatewayConfig, redisUrl: string | undefined): Limiter {
  if (config.limitsBackend === 'memory' || (config.limitsBackend === 'auto' && !redisUrl))
    return memoryLimiter();
  if (!redisUrl)
    throw new BulwarkError(
      'BW_ERR_CONFIG_INVALID',
      'gateway.limitsBackend: redis needs REDIS_URL or redis.url',
      {
        field: 'gateway.limitsBackend',
      },
    );
  return redisLimiter(redisUrl);
}

// One-shot: no Hash object (a native handle for the GC to collect) per request.
const hashOf = (s: string) => hash('sha256', s, 'hex');

const hasTokenLimits = (rt: RouteRuntime) =>
  rt.config.limits.tokensPerMinute !== undefined || rt.config.limits.monthlyTokens !== undefined;

/** Builds the data plane without listening: `bulwark gateway` listens, tests and benchmarks too. */
export async function buildGateway(opts: GatewayOptions): Promise<Gateway> {
  const config = opts.config;
  const metrics = createGatewayMetrics(() => queue.depth);
  const pooledPolicies: GuardPolicy[] = [];
  const runtimes = config.routes.map((r, i) => runtimeFor(r, i, opts, pooledPolicies));
  const threads = config.guard.threads === 'auto' ? defaultGuardThreads() : config.guard.threads;
  const pool =
    threads > 0 && pooledPolicies.length > 0
      ? createGuardPool({
          policies: pooledPolicies,
          threads,
          timeoutMs: config.guard.timeoutMs,
          minChars: config.guard.minChars,
        })
      : undefined;
  // A token limit counts input tokens before forwarding, on the request path: load the tokenizer now.
  if (runtimes.some(hasTokenLimits)) await loadTokenizer();
  const limiter = limiterFor(config, opts.redisUrl);
  const auth = createAuthenticator({
    ...(opts.store ? { store: opts.store } : {}),
    apiKeys: config.auth.apiKeys,
    cacheTtlMs: config.auth.cacheTtlMs,
    ...(config.auth.jwt
      ? { jwt: { ...config.auth.jwt, jwks: resolve(opts.baseDir ?? process.cwd(), config.auth.jwt.jwks) } }
      : {}),
  });

  const store = opts.store;
  // SQLite blocks the thread that writes: events (one per request) go to a writer thread. Findings are
  // rare (extraction alarms) and stay on the store's own connection.
  const thread =
    !opts.sink && store?.db.file && config.events.thread ? createEventWriterThread(store.db.file) : undefined;
  const eventStore = store && !thread ? createEventStore(store.db) : undefined;
  const writeEvents = thread ? thread.write : eventStore?.insertEncoded;
  const write =
    opts.sink ??
    (async (batch: Recorded[]) => {
      const ev = batch.flatMap((b) => (b.type === 'event' ? [b.row] : []));
      const fs = batch.flatMap((b) => (b.type === 'finding' ? [b.finding] : []));
      if (writeEvents && ev.length) await writeEvents(ev);
      if (store && fs.length) await store.findings.insertMany(fs);
    });
  const queue = createBatchQueue<Recorded>({
    capacity: config.events.queueSize,
    batchSize: config.events.batchSize,
    flushIntervalMs: config.events.flushIntervalMs,
    write,
    onDrop: (n) => metrics.droppedEvents.inc(n),
    onError: () => metrics.eventWriteErrors.inc(),
  });
  const shared: Shared = { metrics, record: (r) => queue.push(r), pool };

  const maxBody = Math.max(1024, ...config.routes.map((r) => r.bodyLimit));
  const app = Fastify({
    bodyLimit: maxBody,
    logger: opts.logger ? { redact: ['req.headers.authorization'] } : false,
    return503OnClosing: true,
    keepAliveTimeout: 65_000,
  });
  // Keep the raw body beside the parsed one: an unchanged request is forwarded byte for byte.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    (req as unknown as { rawBody: string }).rawBody = body as string;
    if ((body as string).length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch (e) {
      const err = new ValidationError('body', `invalid JSON: ${(e as Error).message}`);
      done(err, undefined);
    }
  });

  // prom-client hashes the label object on every call: keep the child per label set instead.
  const requestsChild = new Map<string, { inc(): void }>();
  const routeHistograms = new Map<
    string,
    { latency: { observe(v: number): void }; added: { observe(v: number): void } }
  >();
  const countRequest = (route: string, status: number, decision: string) => {
    const k = `${route}\u0000${status}\u0000${decision}`;
    let c = requestsChild.get(k);
    if (!c) {
      c = metrics.requests.labels(route, String(status), decision);
      requestsChild.set(k, c);
    }
    c.inc();
  };
  const histogramsFor = (route: string) => {
    let h = routeHistograms.get(route);
    if (!h) {
      h = { latency: metrics.latency.labels(route), added: metrics.added.labels(route) };
      routeHistograms.set(route, h);
    }
    return h;
  };

  const finish = (st: RequestState, rt: RouteRuntime | undefined) => {
    if (st.finished) return;
    st.finished = true;
    const totalNs = Number(process.hrtime.bigint() - st.startNs);
    const addedNs = st.streaming ? st.ownNs : Math.max(0, totalNs - st.upstreamNs);
    countRequest(st.route, st.status, st.decision);
    const h = histogramsFor(st.route);
    h.latency.observe(totalNs / 1e9);
    if (st.upstreamNs > 0) h.added.observe(addedNs / 1e9);
    if (st.limited && st.principal && rt) {
      // Output tokens count against the limit now, so count them exactly before releasing.
      if (st.countTokens && hasTokenLimits(rt)) runTokenCount(st);
      void limiterRelease(st, rt).catch(() =>
        metrics.upstreamErrors.inc({ route: st.route, kind: 'limiter' }),
      );
    }
    // After the response: hashing, token counts and the extraction monitor cost CPU, not client latency.
    if (st.countTokens && !tokenizerReady()) {
      const done = () => record(st, rt, totalNs, addedNs);
      void loadTokenizer().then(done, done);
    } else setImmediate(() => record(st, rt, totalNs, addedNs));
  };

  const runTokenCount = (st: RequestState) => {
    const count = st.countTokens!;
    st.countTokens = undefined;
    // Only when the tokenizer failed to load: the event then records the tokens known so far.
    if (tokenizerReady()) count();
  };

  function record(st: RequestState, rt: RouteRuntime | undefined, totalNs: number, addedNs: number) {
    if (rt && st.principal && st.probe && rt.config.extraction.enabled) observe(st, rt);
    if (st.countTokens) runTokenCount(st);
    if (st.hashRequest !== undefined) st.requestHash = hashOf(st.hashRequest);
    if (st.hashResponse !== undefined) st.responseHash = hashOf(st.hashResponse);
    st.hashRequest = undefined;
    st.hashResponse = undefined;
    const event: GatewayEvent = {
      id: `ge_${st.requestId.slice(4)}`,
      ts: new Date().toISOString(),
      requestId: st.requestId,
      keyId: st.principal?.id ?? '',
      route: st.route,
      kind: rt?.kind ?? '',
      method: st.method,
      path: st.endpoint,
      model: st.model,
      status: st.status,
      decision: st.decision,
      shadow: rt?.config.shadow ?? false,
      reason: st.reason,
      scores: st.scores,
      spans: st.spans.length > 50 ? st.spans.slice(0, 50) : st.spans,
      latencyMs: totalNs / 1e6,
      addedMs: addedNs / 1e6,
      upstreamMs: st.upstreamNs / 1e6,
      tokensIn: st.tokensIn,
      tokensOut: st.tokensOut,
      requestHash: st.requestHash,
      responseHash: st.responseHash,
      ...(st.body !== undefined ? { body: st.body } : {}),
    };
    queue.push({ type: 'event', row: encodeEvent(event) });
  }

  async function limiterRelease(st: RequestState, rt: RouteRuntime) {
    await limiter.release(st.principal!.id, `${rt.name}:${st.endpoint}`, rt.config.limits, st.tokensOut);
  }

  function observe(st: RequestState, rt: RouteRuntime) {
    const id = `${st.principal!.id}|${rt.name}`;
    const vec = st.probe!.ood ? st.probe!.ood.vector : textVector(st.probe!.text ?? '');
    const signal = rt.extraction.observe(id, vec, st.probe!.ood?.bins);
    if (!signal) return;
    metrics.extractionAlarms.inc({ route: rt.name });
    const rule = GATEWAY_RULES[signal.rule];
    queue.push({
      type: 'finding',
      finding: makeFinding(rule, {
        asset: { kind: 'endpoint', name: rt.name },
        location: { requestId: st.requestId, url: st.endpoint },
        evidence: {
          client: st.principal!.id,
          route: rt.name,
          action: rt.config.extraction.action,
          ...signal,
        },
      }),
    });
  }

  /** Authentication, authorisation, throttling and limits: everything before the body is judged. */
  async function admit(
    req: FastifyRequest,
    st: RequestState,
    rt: RouteRuntime,
    tokens: () => number,
  ): Promise<void> {
    let principal: Principal;
    try {
      principal = await auth.authenticate(req.headers.authorization);
    } catch (e) {
      metrics.authFailures.inc({ route: st.route, status: '401' });
      throw new GatewayRefusal(401, 'auth', (e as Error).message, {
        code: 'invalid_api_key',
        bwCode: 'BW_ERR_UNAUTHENTICATED',
      });
    }
    st.principal = principal;
    const denied = authorise(principal, rt.config);
    if (denied) {
      metrics.authFailures.inc({ route: st.route, status: '403' });
      throw new GatewayRefusal(403, 'forbidden', denied, {
        code: 'permission_denied',
        bwCode: 'BW_ERR_FORBIDDEN',
      });
    }
    if (rt.config.extraction.action === 'throttle' && rt.extraction.throttled(`${principal.id}|${rt.name}`)) {
      metrics.limited.inc({ route: st.route, limit: 'extraction' });
      throw new GatewayRefusal(429, 'extraction-throttle', 'client throttled after an extraction alarm', {
        code: 'rate_limit_exceeded',
        bwCode: 'BW_ERR_RATE_LIMITED',
        headers: { 'retry-after': String(Math.ceil(rt.config.extraction.throttleMs / 1000)) },
      });
    }
    if (hasLimits(rt.config.limits)) {
      const needTokens = hasTokenLimits(rt);
      if (needTokens) st.tokensIn = tokens();
      // Counters unreachable (Redis down): refuse rather than serve without limits.
      const r = await limiter
        .acquire(principal.id, `${rt.name}:${st.endpoint}`, rt.config.limits, needTokens ? st.tokensIn : 0)
        .catch((e: unknown) => {
          metrics.upstreamErrors.inc({ route: st.route, kind: 'limiter' });
          throw new GatewayRefusal(
            503,
            'limits-unavailable',
            `limit counters unavailable: ${(e as Error).message}`,
            {
              code: 'service_unavailable',
              bwCode: 'BW_ERR_UPSTREAM',
            },
          );
        });
      if (!r.ok) {
        metrics.limited.inc({ route: st.route, limit: r.limit });
        throw new GatewayRefusal(429, `limit:${r.limit}`, `limit ${r.limit} reached for this key and route`, {
          code: 'rate_limit_exceeded',
          bwCode: 'BW_ERR_RATE_LIMITED',
          headers: { 'retry-after': String(r.retryAfterS) },
        });
      }
      st.limited = true;
    }
  }

  const newState = (req: FastifyRequest, rt: RouteRuntime, endpoint: string): RequestState => {
    const raw = (req as unknown as { rawBody?: string }).rawBody ?? '';
    return {
      requestId: `req_${ulid()}`,
      startNs: (req as unknown as { startNs: bigint }).startNs ?? process.hrtime.bigint(),
      route: rt.name,
      endpoint,
      method: req.method,
      status: 200,
      decision: 'allow',
      reason: '',
      scores: {},
      spans: [],
      upstreamNs: 0,
      ownNs: 0,
      streaming: false,
      tokensIn: 0,
      tokensOut: 0,
      model: '',
      requestHash: '',
      responseHash: '',
      hashRequest: raw || undefined,
      ...(rt.config.captureBodies && raw ? { body: raw.slice(0, 64 * 1024) } : {}),
      limited: false,
      finished: false,
    };
  };

  // A callback hook, not an async one: no promise per request for three assignments.
  app.addHook('onRequest', (req, reply, done) => {
    (req as unknown as { startNs: bigint }).startNs = process.hrtime.bigint();
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
    done();
  });

  const refuse = (reply: FastifyReply, st: RequestState, rt: RouteRuntime, e: unknown) => {
    const r =
      e instanceof GatewayRefusal
        ? e
        : e instanceof BulwarkError
          ? new GatewayRefusal(
              e.status,
              e.status === 413 ? 'too-large' : e.status >= 500 ? 'upstream' : 'invalid',
              e.message,
              {
                code:
                  e.status === 413
                    ? 'request_too_large'
                    : e.status >= 500
                      ? 'upstream_error'
                      : 'invalid_request',
                bwCode: e.code,
                param: e.field ?? null,
              },
            )
          : new GatewayRefusal(500, 'internal', 'internal error', {
              code: 'internal_error',
              bwCode: 'BW_ERR_INTERNAL',
            });
    if (!(e instanceof GatewayRefusal || e instanceof BulwarkError))
      app.log.error({ err: e }, 'gateway error');
    st.status = r.status;
    st.reason ||= r.reason;
    // Refused by Bulwark (auth, limits, policy, validation) is a block; an upstream failure is an error.
    st.decision = r.status >= 500 ? 'error' : 'block';
    reply.code(r.status).headers({ ...r.headers, 'x-request-id': st.requestId });
    if (rt.kind === 'openai') return reply.send(openAiError(r.status, r.message, r.code, r.param));
    return reply.send({
      error: { code: r.bwCode, message: r.message, ...(r.param ? { field: r.param } : {}) },
    });
  };

  for (const rt of runtimes) {
    const bodyLimit = rt.config.bodyLimit;
    const onEnd = (st: RequestState) => finish(st, rt);
    if (rt.kind === 'openai') {
      const prefix = rt.config.path.replace(/\/$/, '');
      for (const endpoint of ['/chat/completions', '/completions', '/embeddings'] as const) {
        app.post(`${prefix}${endpoint}`, { bodyLimit }, async (req, reply) => {
          const st = newState(req, rt, `${prefix}${endpoint}`);
          reply.raw.once('close', () => onEnd(st));
          try {
            await admit(req, st, rt, () => countTokens(inputText(req.body)));
            return await handleOpenAi({ req, reply, st, rt, shared, endpoint });
          } catch (e) {
            return refuse(reply, st, rt, e);
          }
        });
      }
      app.get(`${prefix}/models`, async (req, reply) => {
        const st = newState(req, rt, `${prefix}/models`);
        reply.raw.once('close', () => onEnd(st));
        try {
          await admit(req, st, rt, () => 0);
          return await handleOpenAi({ req, reply, st, rt, shared, endpoint: '/models' });
        } catch (e) {
          return refuse(reply, st, rt, e);
        }
      });
    } else {
      app.post(rt.config.path, { bodyLimit }, async (req, reply) => {
        const st = newState(req, rt, rt.config.path);
        reply.raw.once('close', () => onEnd(st));
        try {
          await admit(req, st, rt, () => 0);
          return await handlePredict({ req, reply, st, rt, shared });
        } catch (e) {
          return refuse(reply, st, rt, e);
        }
      });
    }
  }

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const open = runtimes.filter((r) => r.upstream.breaker.state === 'open').map((r) => r.name);
    reply.code(open.length === runtimes.length && runtimes.length > 0 ? 503 : 200);
    return { status: open.length ? 'degraded' : 'ready', openCircuits: open, queueDepth: queue.depth };
  });
  app.get('/metrics', async (req, reply) => {
    // Metrics need a credential too (zero trust); any role may read them.
    try {
      await auth.authenticate(req.headers.authorization);
    } catch (e) {
      return reply.code(401).send(openAiError(401, (e as Error).message, 'invalid_api_key'));
    }
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  app.setErrorHandler((err, req, reply) => {
    const e = err as { statusCode?: number; code?: string; message: string };
    const status =
      e.statusCode === 413 || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 413 : (e.statusCode ?? 500);
    const message =
      status === 413 ? 'request body exceeds the route limit' : status >= 500 ? 'internal error' : e.message;
    if (status >= 500) req.log.error({ err }, 'gateway error');
    const rt = runtimes.find((r) => req.url.startsWith(r.config.path));
    countRequest(rt?.name ?? 'unmatched', status, 'error');
    if (rt) {
      // Refused before the handler (oversize or unreadable body): still one event, with no client yet.
      const st = newState(req, rt, req.url.split('?')[0]!);
      st.status = status;
      st.decision = status >= 500 ? 'error' : 'block';
      st.reason = status === 413 ? 'too-large' : 'invalid-body';
      st.hashRequest = undefined;
      reply.header('x-request-id', st.requestId);
      reply.raw.once('close', () => finish(st, rt));
    }
    if (rt?.kind === 'predict')
      return reply.code(status).send({
        error: {
          code: status === 413 ? 'BW_ERR_PAYLOAD_TOO_LARGE' : 'BW_ERR_BAD_REQUEST',
          message,
          field: 'body',
        },
      });
    return reply
      .code(status)
      .send(openAiError(status, message, status === 413 ? 'request_too_large' : 'invalid_request', 'body'));
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(openAiError(404, `no route ${req.method} ${req.url.split('?')[0]}`, 'not_found'));
  });

  let closed = false;
  return {
    app,
    metrics,
    limiter,
    get queueDepth() {
      return queue.depth;
    },
    async close() {
      if (closed) return;
      closed = true;
      // Node closes idle keep-alive connections once, at close; requests still in flight leave theirs
      // idle afterwards, so keep closing idle ones until the server is done.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 25);
      try {
        await app.close();
      } finally {
        clearInterval(sweep);
      }
      // Let the post-response work (setImmediate, or the tokenizer's first load) enqueue the last events
      // before draining.
      await tokenizerLoading()?.catch(() => {});
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      await queue.drain();
      await thread?.close();
      await pool?.close();
      await Promise.all(runtimes.map((r) => r.upstream.close()));
      await limiter.close();
    },
  };
}
