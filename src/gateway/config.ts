import { z } from 'zod';

const Url = z
  .string()
  .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'expected an http(s) URL such as http://127.0.0.1:11434/v1');

export const Limits = z
  .object({
    requestsPerMinute: z.number().int().positive().optional(),
    tokensPerMinute: z.number().int().positive().optional(),
    concurrency: z.number().int().positive().optional(),
    monthlyRequests: z.number().int().positive().optional(),
    monthlyTokens: z.number().int().positive().optional(),
  })
  .strict();
export type Limits = z.infer<typeof Limits>;

export const ExtractionConfig = z
  .object({
    enabled: z.boolean().default(true),
    /** On alarm: `flag` records and raises a finding; `throttle` also refuses the client's requests for a while. */
    action: z.enum(['flag', 'throttle']).default('flag'),
    throttleMs: z.number().int().positive().default(60_000),
    /** Queries kept per client (the distance set grows with them). */
    window: z.number().int().min(10).max(5000).default(200),
    /** Distances needed before the normality test runs. */
    minSamples: z.number().int().min(8).max(5000).default(40),
    /** Shapiro–Wilk W below this raises the alarm (PRADA's δ); default 0.8 on predict routes, 0.7 on LLM routes. */
    threshold: z.number().gt(0).lt(1).optional(),
    /** Count exact repeats of earlier queries in the distance set; default true on predict routes, false on LLM routes. */
    countRepeats: z.boolean().optional(),
  })
  .strict();
export type ExtractionConfig = z.infer<typeof ExtractionConfig>;

/** The monitor's settings for a route kind (calibration in docs/gateway.md). */
export interface ExtractionSettings extends Omit<ExtractionConfig, 'threshold' | 'countRepeats'> {
  threshold: number;
  /**
   * Leave exact repeats out of the distance set. Chat clients repeat prompts (retries, cached system
   * prompts) and those zeros alone would fail the test; on predict routes a repeat is part of the
   * pattern PRADA looks for (lattice sweeps revisit points), so it counts there.
   */
  skipRepeats: boolean;
}

export function extractionSettings(c: ExtractionConfig, kind: 'openai' | 'predict'): ExtractionSettings {
  const { countRepeats, ...rest } = c;
  return {
    ...rest,
    threshold: c.threshold ?? (kind === 'openai' ? 0.7 : 0.8),
    skipRepeats: !(countRepeats ?? kind === 'predict'),
  };
}

const Common = {
  /** Name in metrics, events and limits; defaults to the path. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.:/-]+$/)
    .optional(),
  path: z.string().regex(/^\/[A-Za-z0-9_./-]*$/, 'expected an absolute path such as /v1'),
  upstream: Url,
  /** Extra headers sent upstream (e.g. the provider key); values `${ENV}` are read from the environment. */
  headers: z.record(z.string(), z.string()).default({}),
  roles: z.array(z.enum(['admin', 'analyst', 'service', 'viewer'])).default(['admin', 'service']),
  /** When set, the key (or token) must carry one of these scopes, or `*`. */
  scopes: z.array(z.string().min(1)).default([]),
  limits: Limits.default({}),
  timeoutMs: z.number().int().positive().default(60_000),
  connectTimeoutMs: z.number().int().positive().default(5_000),
  /** Retries for idempotent calls (GET, and POSTs that never reached the upstream). */
  retries: z.number().int().min(0).max(5).default(2),
  breaker: z
    .object({
      failures: z.number().int().positive().default(5),
      resetMs: z.number().int().positive().default(10_000),
    })
    .strict()
    .default({ failures: 5, resetMs: 10_000 }),
  bodyLimit: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  responseLimit: z
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024),
  /** Decide and record, never block or rewrite. */
  shadow: z.boolean().default(false),
  /** A detector that throws blocks the request (true) or lets it through, counted (false). */
  failClosed: z.boolean().default(true),
  extraction: ExtractionConfig.default(ExtractionConfig.parse({})),
  /** Keep request bodies in events (off: hashes only). */
  captureBodies: z.boolean().default(false),
};

export const OpenAiRoute = z
  .object({
    ...Common,
    kind: z.literal('openai'),
    /** A policy name from `policies:`, `default` (the built-in default policy), or `none`. */
    policy: z.string().default('default'),
    /** Characters held back from a stream so that a violation is caught before any of it is sent. */
    holdbackChars: z.number().int().min(0).max(4096).default(96),
  })
  .strict();

const Feature = z.union([
  z
    .object({
      type: z.literal('number'),
      min: z.number().optional(),
      max: z.number().optional(),
      integer: z.boolean().default(false),
    })
    .strict(),
  z.object({ type: z.literal('category'), values: z.array(z.string()).min(1) }).strict(),
  z.object({ type: z.literal('boolean') }).strict(),
]);
export const InputSchema = z
  .object({
    features: z.record(z.string(), Feature),
    /** Reject fields the schema does not name. */
    strict: z.boolean().default(true),
    /** Largest batch (`instances` array) per request. */
    maxInstances: z.number().int().positive().default(256),
  })
  .strict();
export type InputSchema = z.infer<typeof InputSchema>;

export const PredictRoute = z
  .object({
    ...Common,
    kind: z.literal('predict'),
    /** Inline schema, or a path to a JSON file holding one. */
    schema: z.union([InputSchema, z.string()]),
    /** Reference profile from `bulwark profile DATASET`. */
    profile: z.string().optional(),
    ood: z
      .object({
        /** OOD score (0..1) at or above which the input is off-manifold. */
        threshold: z.number().gt(0).max(1).default(0.999),
        action: z.enum(['flag', 'block']).default('flag'),
      })
      .strict()
      .default({ threshold: 0.999, action: 'flag' }),
    output: z
      .object({
        /** The response field holding class probabilities (object label → p, or [{label, score}]). */
        field: z.string().default('probabilities'),
        round: z.number().int().min(0).max(8).optional(),
        topK: z.number().int().positive().optional(),
        labelOnly: z.boolean().default(false),
      })
      .strict()
      .default({ field: 'probabilities', labelOnly: false }),
  })
  .strict();

export const Route = z.discriminatedUnion('kind', [OpenAiRoute, PredictRoute]);
export type OpenAiRouteConfig = z.infer<typeof OpenAiRoute>;
export type PredictRouteConfig = z.infer<typeof PredictRoute>;
export type RouteConfig = z.infer<typeof Route>;

export const GatewayConfig = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8787),
    auth: z
      .object({
        /** Bulwark API keys (`bwk_…`, from `bulwark keys create`). */
        apiKeys: z.boolean().default(true),
        /** How long a verified key is trusted before the store is asked again. */
        cacheTtlMs: z.number().int().min(0).default(30_000),
        jwt: z
          .object({
            jwks: z.string().describe('path to a JWKS file'),
            issuer: z.string().optional(),
            audience: z.string().optional(),
            roleClaim: z.string().default('role'),
            scopeClaim: z.string().default('scope'),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ apiKeys: true, cacheTtlMs: 30_000 }),
    guard: z
      .object({
        /** Threads that run guard checks beside the request thread; 0 runs them on it. `auto`: none below
         * 4 cores, else the cores left after the request thread, at most 4. */
        threads: z
          .union([z.literal('auto'), z.number().int().min(0).max(64)], {
            error: 'expected auto or a whole number from 0 to 64',
          })
          .default('auto'),
        /** A check that takes longer fails (the route fails closed unless `failClosed: false`). */
        timeoutMs: z.number().int().positive().max(60_000).default(2000),
        /** Shorter texts are checked on the request thread: for them the trip to a thread costs more. */
        minChars: z.number().int().min(0).default(512),
      })
      .strict()
      .default({ threads: 'auto', timeoutMs: 2000, minChars: 512 }),
    /** `memory` (one process) or `redis` (shared); `auto` picks Redis when a URL is configured. */
    limitsBackend: z.enum(['auto', 'memory', 'redis']).default('auto'),
    events: z
      .object({
        queueSize: z.number().int().positive().default(20_000),
        /**
         * Events per write. A commit costs more than a row (WAL frames for every index's last page): 500
         * per batch took the SQLite writer from 16 to 10.5 µs per event at saturation (docs/gateway.md).
         */
        batchSize: z.number().int().positive().max(5000).default(500),
        flushIntervalMs: z.number().int().positive().default(250),
        /** With SQLite, write events from a thread of their own (node:sqlite blocks the thread it runs on). */
        thread: z.boolean().default(true),
      })
      .strict()
      .default({ queueSize: 20_000, batchSize: 500, flushIntervalMs: 250, thread: true }),
    routes: z.array(Route).default([]),
  })
  .strict()
  .superRefine((g, ctx) => {
    const seen = new Set<string>();
    g.routes.forEach((r, i) => {
      if (seen.has(r.path))
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'path'], message: 'duplicate path' });
      seen.add(r.path);
    });
  });
export type GatewayConfig = z.infer<typeof GatewayConfig>;

/** Resolves `${NAME}` in configured header values from the environment (secrets stay out of the file). */
export function expandEnv(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => env[name] ?? '');
}
