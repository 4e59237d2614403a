import type { Command } from 'commander';
import { configPath, type LoadedConfig } from '../core/index.ts';
import { type Io, reportError } from './output.ts';

export interface CliContext {
  io: Io;
  /** The exit code the process ends with; commands set 1 for findings or failed checks. */
  exitCode: number;
  /**
   * Loads and validates bulwark.yaml (or the built-in defaults). The loader and its schemas are
   * imported on first use: commands that need no configuration do not pay for them.
   */
  config(options: { config?: string }): Promise<LoadedConfig>;
  /** The config file that applies (`--config`, BULWARK_CONFIG, ./bulwark.yaml), or undefined; reads nothing. */
  configFile(options: { config?: string }): string | undefined;
}

/** A CLI command module: adds its commands to the program. One file per command under commands/. */
export type CommandModule = (program: Command, ctx: CliContext) => void;

export function createContext(io: Io, env: NodeJS.ProcessEnv = process.env): CliContext {
  return {
    io,
    exitCode: 0,
    config: async (options) =>
      (await import('../core/config.ts')).loadConfig({
        ...(options.config ? { path: options.config } : {}),
        env,
      }),
    configFile: (options) => configPath({ ...(options.config ? { path: options.config } : {}), env }),
  };
}

/** Adds the options every command takes: `--json` and `--config FILE`. */
export function common(cmd: Command): Command {
  return cmd
    .option('--json', 'print one JSON document on stdout')
    .option('--config <file>', 'path to bulwark.yaml');
}

/**
 * Wraps a command action: its return value (or a thrown error) becomes the exit code, so no action
 * calls process.exit and tests can run commands in-process.
 */
export function action<A extends unknown[]>(
  ctx: CliContext,
  fn: (...args: A) => Promise<number | undefined>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command | undefined;
    const json = Boolean((cmd?.opts?.() as { json?: boolean } | undefined)?.json);
    try {
      const code = await fn(...args);
      if (typeof code === 'number') ctx.exitCode = Math.max(ctx.exitCode, code);
    } catch (e) {
      ctx.exitCode = reportError(ctx.io, e, json);
    }
  };
}
