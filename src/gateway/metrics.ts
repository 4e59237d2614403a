import client from 'prom-client';

const FAST = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];
const SLOW = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The gateway's Prometheus metrics, one registry per gateway instance. */
export function createGatewayMetrics(queueDepth: () => number = () => 0) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'bulwark_gateway_' });
  const c = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new client.Counter({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    requests: c('bulwark_gateway_requests_total', 'Requests by route, status and decision', [
      'route',
      'status',
      'decision',
    ] as const),
    decisions: c('bulwark_gateway_decisions_total', 'Policy decisions by detector, route and action', [
      'route',
      'detector',
      'action',
    ] as const),
    detectorErrors: c(
      'bulwark_gateway_detector_errors_total',
      'Detectors that threw (the decision failed closed or open as configured)',
      ['route', 'detector'] as const,
    ),
    upstreamErrors: c('bulwark_gateway_upstream_errors_total', 'Upstream failures by route and kind', [
      'route',
      'kind',
    ] as const),
    limited: c('bulwark_gateway_rate_limited_total', 'Requests refused by a limit', [
      'route',
      'limit',
    ] as const),
    authFailures: c(
      'bulwark_gateway_auth_failures_total',
      'Requests refused by authentication or authorisation',
      ['route', 'status'] as const,
    ),
    extractionAlarms: c('bulwark_gateway_extraction_alarms_total', 'Extraction alarms raised', [
      'route',
    ] as const),
    droppedEvents: new client.Counter({
      name: 'bulwark_gateway_events_dropped_total',
      help: 'Events dropped because the queue was full',
      registers: [registry],
    }),
    eventWriteErrors: new client.Counter({
      name: 'bulwark_gateway_event_write_errors_total',
      help: 'Failed batch writes (retried)',
      registers: [registry],
    }),
    queueDepth: new client.Gauge({
      name: 'bulwark_gateway_event_queue_depth',
      help: 'Events waiting to be written',
      registers: [registry],
      collect() {
        this.set(queueDepth());
      },
    }),
    latency: new client.Histogram({
      name: 'bulwark_gateway_request_duration_seconds',
      help: 'Total request latency',
      labelNames: ['route'] as const,
      buckets: SLOW,
      registers: [registry],
    }),
    added: new client.Histogram({
      name: 'bulwark_gateway_added_latency_seconds',
      help: 'Latency added by Bulwark (total minus upstream time)',
      labelNames: ['route'] as const,
      buckets: FAST,
      registers: [registry],
    }),
  };
}
export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
