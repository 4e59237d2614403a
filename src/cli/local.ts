import { userInfo } from 'node:os';
import type { LoadedConfig } from '../core/index.ts';
import { openConfiguredStore, type Store } from '../store/index.ts';
import type { CliContext } from './context.ts';

/** Who the audit log records for commands run on this machine. */
export function cliActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown';
  }
  return `cli:${user}`;
}

/** Opens the configured store for one command and always closes it. */
export async function withStore<T>(
  ctx: CliContext,
  options: { config?: string },
  fn: (store: Store, loaded: LoadedConfig) => Promise<T>,
): Promise<T> {
  const loaded = await ctx.config(options);
  const store = await openConfiguredStore(loaded);
  try {
    return await fn(store, loaded);
  } finally {
    await store.close();
  }
}
