import { z } from 'zod';
import type { RouteDef } from './route.ts';

const ERROR = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
};

function schema(s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

/** The OpenAPI 3.1 document, generated from the same route declarations that serve requests. */
export function openApiDocument(routes: RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, s] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!s) continue;
      const js = schema(s, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, p] of Object.entries(js.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          schema: p,
        });
      }
    }
    const status = String(r.status ?? 200);
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${path
        .replace(/[{}]/g, '')
        .replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())
        .replace(/\W/g, '')}`,
      ...(r.access === 'public' ? { security: [] } : {}),
      'x-bulwark-access': r.access,
      parameters,
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schema(r.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [status]:
          status === '204'
            ? { description: 'No content' }
            : {
                description: 'OK',
                content: { 'application/json': { schema: r.response ? schema(r.response, 'output') : {} } },
              },
        ...(r.body || r.query || r.params
          ? {
              '400': {
                description: 'Invalid input; the error names the field',
                content: { 'application/json': { schema: ERROR } },
              },
            }
          : {}),
        ...(r.access !== 'public'
          ? {
              '401': {
                description: 'Missing or invalid API key',
                content: { 'application/json': { schema: ERROR } },
              },
              '403': { description: 'Role not allowed', content: { 'application/json': { schema: ERROR } } },
            }
          : {}),
      },
    };
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Bulwark API',
      version,
      description: 'Control-plane API of Bulwark. Authenticate with `Authorization: Bearer <API key>`.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A Bulwark API key (bwk_…)' },
      },
    },
    paths,
  };
}
