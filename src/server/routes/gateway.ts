import { z } from 'zod';
import { createEventStore } from '../../store/events.ts';
import { defineRoute } from '../route.ts';

const Decision = z.enum(['allow', 'flag', 'redact', 'block', 'error']);

/** What the console's gateway page reads: recent events (live traffic, blocks) and per-client usage. */
export const gatewayRoutes = [
  defineRoute({
    method: 'GET',
    url: '/api/v1/gateway/events',
    access: 'read',
    tag: 'gateway',
    summary:
      'Gateway events (one per request), newest first: decision, detector scores, spans, latency, tokens',
    query: z
      .object({
        decision: Decision.optional(),
        keyId: z.string().max(100).optional(),
        route: z.string().max(200).optional(),
        since: z.iso.datetime().optional(),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    handler: async ({ query, deps }) => ({ items: await createEventStore(deps.store.db).list(query) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/gateway/usage',
    access: 'read',
    tag: 'gateway',
    summary: 'Requests, blocks and tokens per client since a time (default: the last 24 hours)',
    query: z.object({ since: z.iso.datetime().optional() }).strict(),
    handler: async ({ query, deps }) => {
      const since = query.since ?? new Date(Date.now() - 86_400_000).toISOString();
      return { since, items: await createEventStore(deps.store.db).usage(since) };
    },
  }),
];
