import client from 'prom-client';

/** One registry per server instance, so tests that build several servers do not collide. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'bulwark_' });
  const requests = new client.Counter({
    name: 'bulwark_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'bulwark_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const authFailures = new client.Counter({
    name: 'bulwark_auth_failures_total',
    help: 'Requests refused by authentication (401) or authorisation (403)',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  return { registry, requests, duration, authFailures };
}

export type Metrics = ReturnType<typeof createMetrics>;
