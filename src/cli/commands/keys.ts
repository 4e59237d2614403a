import { Option } from 'commander';
import { ROLES } from '../../store/index.ts';
import { action, type CommandModule, common } from '../context.ts';
import { cliActor, withStore } from '../local.ts';
import { printJson, table, UsageError } from '../output.ts';
import { genSigningCommand } from './sign.ts';

export const keysCommand: CommandModule = (program, ctx) => {
  const keys = program.command('keys').description('API keys (stored only as hashes) and signing keys');

  common(keys.command('create'))
    .description('create an API key; it is printed once')
    .requiredOption('--name <name>', 'what the key is for (e.g. ci, gateway, alice)')
    .addOption(
      new Option('--role <role>', 'admin | analyst | service | viewer').choices(ROLES).makeOptionMandatory(),
    )
    .option('--expires <iso-date>', 'expiry date-time, e.g. 2027-01-01T00:00:00Z')
    .addHelpText(
      'after',
      '\nExamples:\n  $ bulwark keys create --name ci --role service\n  $ bulwark keys create --name auditor --role viewer --expires 2027-01-01T00:00:00Z --json',
    )
    .action(
      action(
        ctx,
        async (o: {
          json?: boolean;
          config?: string;
          name: string;
          role: (typeof ROLES)[number];
          expires?: string;
        }) =>
          withStore(ctx, o, async (store) => {
            if (o.expires !== undefined && Number.isNaN(Date.parse(o.expires))) {
              throw new UsageError(`--expires: not a date-time: ${o.expires}`, 'expires');
            }
            const { key, info } = await store.keys.create(
              {
                name: o.name,
                role: o.role,
                ...(o.expires ? { expiresAt: new Date(o.expires).toISOString() } : {}),
              },
              cliActor(),
            );
            if (o.json) printJson(ctx.io, { key, ...info });
            else
              ctx.io.out(`Created ${info.role} key ${info.id} (${info.name}). Shown once:\n\n  ${key}\n\n`);
            return 0;
          }),
      ),
    );

  common(keys.command('list'))
    .description('list API keys (never their secrets)')
    .action(
      action(ctx, async (o: { json?: boolean; config?: string }) =>
        withStore(ctx, o, async (store) => {
          const list = await store.keys.list();
          if (o.json) printJson(ctx.io, { items: list });
          else
            ctx.io.out(
              table(
                ['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED', 'STATUS'],
                list.map((k) => [
                  k.id,
                  k.name,
                  k.role,
                  k.createdAt.slice(0, 19),
                  k.lastUsedAt?.slice(0, 19) ?? '-',
                  k.revokedAt
                    ? 'revoked'
                    : k.expiresAt && Date.parse(k.expiresAt) <= Date.now()
                      ? 'expired'
                      : 'active',
                ]),
              ),
            );
          return 0;
        }),
      ),
    );

  common(keys.command('revoke'))
    .description('revoke an API key by id')
    .argument('<id>', 'key id (k_…)')
    .action(
      action(ctx, async (id: string, o: { json?: boolean; config?: string }) =>
        withStore(ctx, o, async (store) => {
          const info = await store.keys.revoke(id, cliActor());
          if (o.json) printJson(ctx.io, info);
          else ctx.io.out(`Revoked ${info.id} (${info.name})\n`);
          return 0;
        }),
      ),
    );

  keys.addCommand(genSigningCommand(ctx));
};
