import { z } from 'zod';

export const Engine = z.enum([
  'scan',
  'sign',
  'data',
  'guard',
  'gateway',
  'redteam',
  'monitor',
  'govern',
  'discover',
]);
export type Engine = z.infer<typeof Engine>;

export const RunStatus = z.enum(['running', 'succeeded', 'failed']);
export type RunStatus = z.infer<typeof RunStatus>;

/** One execution of an engine over an asset, with its findings (stored apart), timings and summary. */
export const Run = z
  .object({
    id: z.string(),
    engine: Engine,
    assetId: z.string().optional(),
    status: RunStatus,
    target: z.string().default(''),
    summary: z.record(z.string(), z.unknown()).default({}),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    durationMs: z.number().nonnegative().optional(),
  })
  .strict();
export type Run = z.infer<typeof Run>;
