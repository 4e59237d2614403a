// Plain types and functions only: importing core loads no schema library. The zod schemas are in
// schemas.ts and the config loader in config.ts; import those directly where data crosses an edge.
export * from './asset.ts';
export * from './config-path.ts';
export type { Config, LoadConfigOptions, LoadedConfig } from './config.ts';
export * from './entropy.ts';
export * from './errors.ts';
export * from './finding.ts';
export * from './hash.ts';
export * from './ids.ts';
export * from './refs.ts';
export * from './run.ts';
export * from './severity.ts';
export * from './sarif.ts';
