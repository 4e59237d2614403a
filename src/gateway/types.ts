import type { Finding } from '../core/index.ts';
import type { Decision, Guard } from '../guard/index.ts';
import type { GatewayEvent } from '../store/events.ts';
import type { Principal } from './auth.ts';
import type { OpenAiRouteConfig, PredictRouteConfig } from './config.ts';
import type { ExtractionMonitor } from './extraction.ts';
import type { GuardPool } from './guard-pool.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { OodResult } from './predict.ts';
import type { Profile } from './profile.ts';
import type { Upstream } from './upstream.ts';

/** What the background writer receives: events and findings, one queue for both. */
/** What the gateway queues: an event as `encodeEvent` writes it (one string, see store/events.ts), or a finding. */
export type Recorded = { type: 'event'; row: string } | { type: 'finding'; finding: Finding };

/** One request in flight: what the event records once it ends. */
export interface RequestState {
  requestId: string;
  startNs: bigint;
  route: string;
  endpoint: string;
  method: string;
  principal?: Principal;
  status: number;
  decision: GatewayEvent['decision'];
  reason: string;
  scores: Record<string, number>;
  spans: GatewayEvent['spans'];
  upstreamNs: number;
  /** Time spent inside Bulwark while a stream flows (streams interleave upstream and our work). */
  ownNs: number;
  streaming: boolean;
  tokensIn: number;
  tokensOut: number;
  model: string;
  requestHash: string;
  responseHash: string;
  /** Bodies hashed after the response is sent (SHA-256 off the latency path), then dropped. */
  hashRequest?: string | undefined;
  hashResponse?: string | undefined;
  /**
   * Exact token counting left for after the response when no token limit needs it sooner (set by the
   * handler; `finish` runs it before releasing limits or writing the event).
   */
  countTokens?: (() => void) | undefined;
  body?: string;
  /** The text or vector the extraction monitor measures, set by the handler. */
  probe?: { text?: string; ood?: OodResult };
  /** Limits were acquired and must be released. */
  limited: boolean;
  finished: boolean;
}

export interface OpenAiRuntime {
  kind: 'openai';
  config: OpenAiRouteConfig;
  name: string;
  upstream: Upstream;
  /** Undefined for `policy: none`. A new guard per request when redaction uses pseudonyms. */
  guard: (() => Guard) | undefined;
  /** The policy's index in the guard pool, when its checks run there (not for pseudonyms: their vault
   * lives with the request). */
  pooled: number | undefined;
  extraction: ExtractionMonitor;
}

export interface PredictRuntime {
  kind: 'predict';
  config: PredictRouteConfig;
  name: string;
  upstream: Upstream;
  schema: import('./config.ts').InputSchema;
  profile: Profile | undefined;
  score: ((inst: Record<string, unknown>) => OodResult) | undefined;
  extraction: ExtractionMonitor;
}

export type RouteRuntime = OpenAiRuntime | PredictRuntime;

export interface Shared {
  metrics: GatewayMetrics;
  record(r: Recorded): void;
  /** Guard threads; absent when checks run on the request thread (`gateway.guard.threads: 0`). */
  pool: GuardPool | undefined;
}

export type { Decision };
