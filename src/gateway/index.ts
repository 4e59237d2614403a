// The data plane: Bulwark in front of OpenAI-compatible and classic ML endpoints, with auth, limits,
// guard policies, extraction defence, and one recorded event per request.
export { buildGateway, type Gateway, type GatewayOptions } from './server.ts';
export {
  GatewayConfig,
  Limits,
  type RouteConfig,
  type OpenAiRouteConfig,
  type PredictRouteConfig,
} from './config.ts';
export { createExtractionMonitor, textVector, type ExtractionSignal } from './extraction.ts';
export { memoryLimiter, redisLimiter, type Limiter, type LimitResult } from './limits.ts';
export { createBatchQueue } from './queue.ts';
export { profileDataset, createProfileBuilder, Profile } from './profile.ts';
export { createOodScorer, hardenOutput, validateInstances } from './predict.ts';
export { shapiroWilk, chiSquareCdf, normalCdf, normalQuantile } from './stats.ts';
export { createSseParser } from './sse.ts';
export { createCsvReader } from './csv.ts';
export { GATEWAY_RULES } from './rules.ts';
export type { Recorded } from './types.ts';
