import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LoadedConfig } from '../../core/index.ts';
import { openConfiguredStore, type Store } from '../../store/index.ts';
import { action, type CommandModule, common } from '../context.ts';
import { cliActor } from '../local.ts';
import { paint, printJson } from '../output.ts';

const STARTER_CONFIG = `# Bulwark configuration. Every field is optional; see docs/configuration.md.
version: 1
server:
  host: 127.0.0.1
  port: 8080
# store:
#   url: postgres://bulwark@127.0.0.1:5432/bulwark   # default: SQLite under .bulwark/
`;

/**
 * Creates the home directory and the first admin key when the store has no key yet. Shared by
 * `bulwark init` and the first run of `bulwark serve`. Returns the key once, or undefined.
 */
export async function ensureInitialised(store: Store, loaded: LoadedConfig): Promise<string | undefined> {
  mkdirSync(loaded.home, { recursive: true, mode: 0o700 });
  if ((await store.keys.count()) > 0) return undefined;
  const { key } = await store.keys.create({ name: 'initial-admin', role: 'admin' }, cliActor());
  return key;
}

export const initCommand: CommandModule = (program, ctx) => {
  common(program.command('init'))
    .description(
      'create the Bulwark home (./.bulwark), a starter bulwark.yaml and the first admin key (printed once)',
    )
    .option('--no-config-file', 'do not write ./bulwark.yaml')
    .addHelpText(
      'after',
      '\nExamples:\n  $ bulwark init\n  $ BULWARK_HOME=/var/lib/bulwark bulwark init --json',
    )
    .action(
      action(ctx, async (opts: { json?: boolean; config?: string; configFile: boolean }) => {
        const loaded = await ctx.config(opts);
        const cfgPath = resolve('bulwark.yaml');
        let wroteConfig = false;
        if (opts.configFile && !loaded.file && !existsSync(cfgPath)) {
          writeFileSync(cfgPath, STARTER_CONFIG, { flag: 'wx' });
          wroteConfig = true;
        }
        mkdirSync(loaded.home, { recursive: true, mode: 0o700 });
        const store = await openConfiguredStore(loaded);
        let key: string | undefined;
        try {
          key = await ensureInitialised(store, loaded);
        } finally {
          await store.close();
        }
        if (opts.json) {
          printJson(ctx.io, {
            home: loaded.home,
            adminKey: key ?? null,
            config: wroteConfig ? cfgPath : (loaded.file ?? null),
          });
          return 0;
        }
        ctx.io.out(`Bulwark home: ${loaded.home}\n`);
        if (wroteConfig) ctx.io.out(`Wrote ${cfgPath}\n`);
        if (key) {
          ctx.io.out(
            `\nAdmin API key (shown once; store it in a secret manager):\n\n  ${paint(ctx.io, 'bold', key)}\n\n`,
          );
        } else {
          ctx.io.out('Already initialised: an API key exists. Create more with `bulwark keys create`.\n');
        }
        return 0;
      }),
    );
};
