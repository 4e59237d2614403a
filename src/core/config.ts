import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { z } from 'zod';
import { type ConfigPathOptions, configPath } from './config-path.ts';
import { ConfigError } from './errors.ts';

/*
 * The config file's schema and loader: the one edge where bulwark.yaml is validated (errors name
 * file:line:field). core/index.ts re-exports only its types; callers import it directly, or load it
 * with import() only when `configPath` says a file applies.
 */

/**
 * The YAML parser loads only when a config file is parsed: most CLI runs (a `bulwark scan` in CI) have
 * none, and loading it is tens of milliseconds of every process's start-up.
 */
function yaml(): typeof import('yaml') {
  return createRequire(import.meta.url)('yaml') as typeof import('yaml');
}

/** A section that an engine validates with its own schema (see `LoadedConfig.section`). */
const EngineSection = z.looseObject({});

export const ServerConfig = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Largest request body in bytes. */
    bodyLimit: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    /** Largest model upload to POST /api/v1/scans, in bytes. */
    uploadLimit: z
      .number()
      .int()
      .positive()
      .default(256 * 1024 * 1024),
    requestTimeoutMs: z.number().int().positive().default(30_000),
    trustProxy: z.boolean().default(false),
    /** Serve the web console from the same port. */
    console: z.boolean().default(true),
    /**
     * Directories the server may read when an API call names a path (server-side scans, registry
     * pushes). Empty: only uploads are accepted.
     */
    allowedPaths: z.array(z.string()).default([]),
    /** Run background jobs (scheduled re-verification, queued scans) in this process. */
    worker: z.boolean().default(true),
  })
  .strict();

export const Config = z
  .object({
    version: z.literal(1).default(1),
    home: z.string().optional(),
    server: ServerConfig.default(ServerConfig.parse({})),
    store: z.object({ url: z.string().optional() }).strict().default({}),
    redis: z.object({ url: z.string().optional() }).strict().default({}),
    scan: EngineSection.optional(),
    policies: z.record(z.string(), z.unknown()).optional(),
    gateway: EngineSection.optional(),
    sign: EngineSection.optional(),
    registry: EngineSection.optional(),
    data: EngineSection.optional(),
    monitor: EngineSection.optional(),
    govern: EngineSection.optional(),
    redteam: EngineSection.optional(),
    discover: EngineSection.optional(),
  })
  .strict();
export type Config = z.infer<typeof Config>;

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read, or undefined when built-in defaults are used. */
  file: string | undefined;
  /** Resolved home directory (BULWARK_HOME, `home:` in the file, else ./.bulwark). */
  home: string;
  /** Database URL (DATABASE_URL, else `store.url`, else the SQLite file under home). */
  databaseUrl: string;
  redisUrl: string | undefined;
  /** Validates an engine's section with its schema; errors name file:line:field like the core schema. */
  section<T extends z.ZodType>(name: string, schema: T): z.infer<T>;
}

interface Located {
  doc: Document | undefined;
  lines: LineCounter | undefined;
  file: string;
}

function lineOf(src: Located, path: PropertyKey[]): number | undefined {
  if (!src.doc || !src.lines) return undefined;
  // Walk up until a node exists: a missing required key is reported at its parent.
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? src.doc.contents : src.doc.getIn(path.slice(0, n) as unknown[], true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return src.lines.linePos(range[0]).line;
  }
  return undefined;
}

function fieldName(path: PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
}

function toConfigError(src: Located, error: z.ZodError, prefix: PropertyKey[] = []): ConfigError {
  const issue = error.issues[0]!;
  let path = [...prefix, ...issue.path];
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path = [...path, issue.keys[0]!];
    message = `unknown field (allowed fields are listed in docs/configuration.md)`;
  }
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  return new ConfigError(src.file, lineOf(src, path), fieldName(path), message + more);
}

export type LoadConfigOptions = ConfigPathOptions;

/** Parses and validates YAML text; exported for tests and for `bulwark config check`. */
export function parseConfigText(text: string, file: string): { config: Config; located: Located } {
  const { isDocument, LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const line = err.linePos?.[0]?.line ?? lines.linePos(err.pos[0]).line;
    throw new ConfigError(file, line, undefined, `YAML syntax error: ${err.message.split('\n')[0]}`);
  }
  const located: Located = { doc: isDocument(doc) ? doc : undefined, lines, file };
  const raw = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(file, 1, undefined, 'the top level must be a mapping of sections');
  }
  const parsed = Config.safeParse(raw);
  if (!parsed.success) throw toConfigError(located, parsed.error);
  return { config: parsed.data, located };
}

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = configPath(options);
  let config: Config;
  let located: Located = { doc: undefined, lines: undefined, file: file ?? '<defaults>' };
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(file, undefined, undefined, `cannot read: ${(e as Error).message}`);
    }
    ({ config, located } = parseConfigText(text, file));
  } else {
    config = Config.parse({});
  }
  const home = resolve(cwd, env.BULWARK_HOME || config.home || '.bulwark');
  const databaseUrl = env.DATABASE_URL || config.store.url || `sqlite:${resolve(home, 'bulwark.db')}`;
  const redisUrl = env.REDIS_URL || config.redis.url;
  return {
    config,
    file,
    home,
    databaseUrl,
    redisUrl,
    section(name, schema) {
      const value = (config as Record<string, unknown>)[name];
      const parsed = schema.safeParse(value ?? {});
      if (!parsed.success) throw toConfigError(located, parsed.error, [name]);
      return parsed.data;
    },
  };
}
