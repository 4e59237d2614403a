// Plain types; the zod schema for runs is in schemas.ts.

export const ENGINES = [
  'scan',
  'sign',
  'data',
  'guard',
  'gateway',
  'redteam',
  'monitor',
  'govern',
  'discover',
] as const;
export type Engine = (typeof ENGINES)[number];

export const RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One execution of an engine over an asset, with its findings (stored apart), timings and summary. */
export interface Run {
  id: string;
  engine: Engine;
  assetId?: string;
  status: RunStatus;
  target: string;
  summary: Record<string, unknown>;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
}
