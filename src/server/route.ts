import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { BulwarkError } from '../core/index.ts';
import type { RegistryService } from '../services/registry.ts';
import type { Store } from '../store/index.ts';
import { type Access, authenticate, type Principal } from './auth.ts';

export interface RouteDeps {
  store: Store;
  registry?: RegistryService;
  /** Directories API calls may name (server.allowedPaths). */
  allowedPaths?: string[];
  /** Wakes this process's job worker after an enqueue. */
  poke?: () => void;
  /** Largest upload (bytes) on routes that take raw bodies. */
  uploadLimit?: number;
}

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal | undefined;
  /** The audit actor for administrative changes (the key id). */
  actor: string;
  deps: RouteDeps;
  req: FastifyRequest;
  reply: FastifyReply;
}

/**
 * A route declared once: its method, path, who may call it, its zod schemas and its handler. The same
 * declaration registers the Fastify route, validates input and produces the OpenAPI document.
 */
export interface RouteDef<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  access: Access;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Response schema for the OpenAPI document (successful status). */
  response?: z.ZodType;
  status?: number;
  /** Accept a raw body (uploads) instead of JSON. */
  rawBody?: boolean;
  handler: (ctx: RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<unknown>;
}

export function defineRoute<
  P extends z.ZodType = z.ZodNever,
  Q extends z.ZodType = z.ZodNever,
  B extends z.ZodType = z.ZodNever,
>(def: RouteDef<P, Q, B>): RouteDef {
  return def as unknown as RouteDef;
}

function validate<T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  where: 'params' | 'query' | 'body',
): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = [where, ...path.map(String)].join('.');
  const message = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
  throw new BulwarkError('BW_ERR_VALIDATION', `${field}: ${message}`, { field, status: 400 });
}

export function registerRoutes(app: FastifyInstance, routes: RouteDef[], deps: RouteDeps): void {
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.url,
      config: { access: r.access },
      ...(r.rawBody ? { bodyLimit: deps.uploadLimit ?? 256 * 1024 * 1024 } : {}),
      handler: async (req, reply) => {
        const principal = await authenticate(req, deps.store, r.access);
        const ctx: RouteContext<unknown, unknown, unknown> = {
          params: validate(r.params, req.params, 'params'),
          query: validate(r.query, req.query, 'query'),
          body: validate(r.body, req.body, 'body'),
          principal,
          actor: principal?.actor ?? 'anonymous',
          deps,
          req,
          reply,
        };
        const out = await r.handler(ctx);
        if (r.status) reply.code(r.status);
        if (out === undefined) return reply.code(r.status ?? 204).send();
        return out;
      },
    });
  }
}

/** Query-string helpers: numbers and lists arrive as strings. */
export const q = {
  int: (min: number, max: number) => z.coerce.number().int().min(min).max(max),
  list: <T extends z.ZodType>(item: T) =>
    z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item)),
};

export const Pagination = z.object({
  limit: q.int(1, 500).optional(),
  offset: q.int(0, 1_000_000_000).optional(),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number(), limit: z.number(), offset: z.number() });
}
