import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './errors.ts';

export interface ConfigPathOptions {
  /** Explicit `--config` path. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Which bulwark.yaml applies: `--config`, else BULWARK_CONFIG, else ./bulwark.yaml when it exists;
 * undefined means the built-in defaults. Kept apart from the loader (and its schema library) so a
 * command with no file to read can use its defaults without loading either.
 */
export function configPath(options: ConfigPathOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.path || env.BULWARK_CONFIG;
  if (explicit) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) throw new ConfigError(file, undefined, undefined, 'config file not found');
    return file;
  }
  const local = resolve(cwd, 'bulwark.yaml');
  return existsSync(local) ? local : undefined;
}
