import { action, type CommandModule, common } from '../context.ts';
import { withStore } from '../local.ts';
import { paint, printJson, table } from '../output.ts';

export const auditCommand: CommandModule = (program, ctx) => {
  const audit = program.command('audit').description('the hash-chained audit log of administrative changes');

  common(audit.command('verify'))
    .description('check the chain; exit 1 and name the first entry that was edited, deleted or reordered')
    .addHelpText('after', '\nExamples:\n  $ bulwark audit verify\n  $ bulwark audit verify --json')
    .action(
      action(ctx, async (o: { json?: boolean; config?: string }) =>
        withStore(ctx, o, async (store) => {
          const r = await store.audit.verify();
          if (o.json) printJson(ctx.io, r);
          else if (r.ok)
            ctx.io.out(
              `${paint(ctx.io, 'green', 'ok')}: ${r.entries} entries, chain intact (head ${r.headHash.slice(0, 16)}…)\n`,
            );
          else
            ctx.io.out(
              `${paint(ctx.io, 'red', 'TAMPERED')}: entry ${r.firstBad!.seq} (${r.firstBad!.id}) was ${r.firstBad!.problem}: ${r.firstBad!.detail}\n`,
            );
          return r.ok ? 0 : 1;
        }),
      ),
    );

  common(audit.command('list'))
    .description('list audit entries, newest first')
    .option('--limit <n>', 'how many', '50')
    .option('--action <action>', 'only this action (e.g. key.create)')
    .action(
      action(ctx, async (o: { json?: boolean; config?: string; limit: string; action?: string }) =>
        withStore(ctx, o, async (store) => {
          const page = await store.audit.list({
            limit: Number(o.limit) || 50,
            ...(o.action ? { action: o.action } : {}),
          });
          if (o.json) printJson(ctx.io, page);
          else
            ctx.io.out(
              table(
                ['SEQ', 'TIME', 'ACTOR', 'ACTION', 'TARGET'],
                page.items.map((e) => [String(e.seq), e.ts.slice(0, 19), e.actor, e.action, e.target]),
              ),
            );
          return 0;
        }),
      ),
    );
};
