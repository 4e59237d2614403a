import { Option } from 'commander';
import { ASSET_KINDS, RISK_TIERS } from '../../core/index.ts';
import { action, type CommandModule, common } from '../context.ts';
import { cliActor, withStore } from '../local.ts';
import { printJson, table, UsageError } from '../output.ts';

const kinds = ASSET_KINDS;
const tiers = RISK_TIERS;

export const assetsCommand: CommandModule = (program, ctx) => {
  const assets = program
    .command('assets')
    .description('the AI asset inventory: models, datasets, endpoints, applications');

  common(assets.command('add'))
    .description('register an asset')
    .addOption(new Option('--kind <kind>', 'asset kind').choices(kinds).makeOptionMandatory())
    .requiredOption('--name <name>', 'unique name within its kind')
    .option('--owner <owner>', 'owning team or person', '')
    .option('--tag <tag...>', 'tags (repeatable)', [])
    .addOption(new Option('--risk <tier>', 'risk tier').choices(tiers).default('medium'))
    .option('--uri <uri>', 'where it lives: path, URL, registry reference', '')
    .option('--description <text>', 'free text', '')
    .addHelpText(
      'after',
      '\nExamples:\n  $ bulwark assets add --kind model --name churn-xgb --owner ds-team --tag prod --risk high',
    )
    .action(
      action(
        ctx,
        async (o: {
          json?: boolean;
          config?: string;
          kind: string;
          name: string;
          owner: string;
          tag: string[];
          risk: string;
          uri: string;
          description: string;
        }) =>
          withStore(ctx, o, async (store) => {
            const a = await store.assets.create(
              {
                kind: o.kind as never,
                name: o.name,
                owner: o.owner,
                tags: o.tag,
                riskTier: o.risk as never,
                uri: o.uri,
                description: o.description,
              },
              cliActor(),
            );
            if (o.json) printJson(ctx.io, a);
            else ctx.io.out(`Registered ${a.kind} ${a.name} (${a.id})\n`);
            return 0;
          }),
      ),
    );

  common(assets.command('list'))
    .description('list assets')
    .addOption(new Option('--kind <kind>', 'only this kind').choices(kinds))
    .option('--tag <tag>', 'only assets with this tag')
    .option('--owner <owner>', 'only this owner')
    .option('--search <text>', 'name contains')
    .option('--limit <n>', 'page size (max 500)', '100')
    .option('--offset <n>', 'skip this many', '0')
    .addHelpText(
      'after',
      '\nExamples:\n  $ bulwark assets list --kind model\n  $ bulwark assets list --tag prod --json',
    )
    .action(
      action(
        ctx,
        async (o: {
          json?: boolean;
          config?: string;
          kind?: string;
          tag?: string;
          owner?: string;
          search?: string;
          limit: string;
          offset: string;
        }) =>
          withStore(ctx, o, async (store) => {
            const limit = Number(o.limit);
            const offset = Number(o.offset);
            if (!Number.isInteger(limit) || limit < 1)
              throw new UsageError(`--limit: expected a positive integer, got ${o.limit}`, 'limit');
            if (!Number.isInteger(offset) || offset < 0)
              throw new UsageError(`--offset: expected a non-negative integer, got ${o.offset}`, 'offset');
            const page = await store.assets.list({
              ...(o.kind ? { kind: o.kind as never } : {}),
              ...(o.tag ? { tag: o.tag } : {}),
              ...(o.owner ? { owner: o.owner } : {}),
              ...(o.search ? { q: o.search } : {}),
              limit,
              offset,
            });
            if (o.json) {
              printJson(ctx.io, page);
              return 0;
            }
            if (page.total === 0) {
              ctx.io.out(
                'No assets. Add one with `bulwark assets add` or find them with `bulwark discover PATH --register`.\n',
              );
              return 0;
            }
            ctx.io.out(
              table(
                ['ID', 'KIND', 'NAME', 'OWNER', 'RISK', 'TAGS'],
                page.items.map((a) => [a.id, a.kind, a.name, a.owner, a.riskTier, a.tags.join(',')]),
              ),
            );
            if (page.total > page.items.length)
              ctx.io.out(`${page.items.length} of ${page.total} (use --offset for more)\n`);
            return 0;
          }),
      ),
    );

  common(assets.command('show'))
    .description('show one asset (by id, or by name with --kind)')
    .argument('<id-or-name>')
    .addOption(new Option('--kind <kind>', 'look the name up in this kind').choices(kinds))
    .action(
      action(ctx, async (ref: string, o: { json?: boolean; config?: string; kind?: string }) =>
        withStore(ctx, o, async (store) => {
          const a = await resolveAsset(store, ref, o.kind);
          const versions = await store.assets.listVersions(a.id);
          const findings = await store.findings.countBySeverity({ assetId: a.id });
          if (o.json) {
            printJson(ctx.io, { ...a, versions, findings });
            return 0;
          }
          const rows: [string, string][] = [
            ['id', a.id],
            ['kind', a.kind],
            ['name', a.name],
            ['owner', a.owner],
            ['risk tier', a.riskTier],
            ['tags', a.tags.join(', ')],
            ['uri', a.uri],
            ['description', a.description],
            ['versions', versions.map((v) => v.version).join(', ') || '-'],
            [
              'findings',
              Object.entries(findings)
                .map(([s, n]) => `${s} ${n}`)
                .join(', '),
            ],
            ['created', a.createdAt],
          ];
          for (const [k, v] of rows) ctx.io.out(`${k.padEnd(12)} ${v}\n`);
          return 0;
        }),
      ),
    );

  common(assets.command('rm'))
    .description('delete an asset (by id, or by name with --kind)')
    .argument('<id-or-name>')
    .addOption(new Option('--kind <kind>', 'look the name up in this kind').choices(kinds))
    .action(
      action(ctx, async (ref: string, o: { json?: boolean; config?: string; kind?: string }) =>
        withStore(ctx, o, async (store) => {
          const a = await resolveAsset(store, ref, o.kind);
          await store.assets.delete(a.id, cliActor());
          if (o.json) printJson(ctx.io, { deleted: a.id });
          else ctx.io.out(`Deleted ${a.kind} ${a.name} (${a.id})\n`);
          return 0;
        }),
      ),
    );
};

async function resolveAsset(
  store: Parameters<Parameters<typeof withStore>[2]>[0],
  ref: string,
  kind?: string,
) {
  if (/^a_[0-9A-Z]{26}$/.test(ref)) return store.assets.get(ref);
  if (!kind) throw new UsageError(`"${ref}" is not an asset id; give --kind to look it up by name`, 'kind');
  const a = await store.assets.getByName(kind as never, ref);
  if (!a) throw new UsageError(`no ${kind} asset named "${ref}"`, 'name');
  return a;
}
