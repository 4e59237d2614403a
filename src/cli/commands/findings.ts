import { Option } from 'commander';
import { atOrAbove, SEVERITIES, type Severity } from '../../core/index.ts';
import { action, type CommandModule, common } from '../context.ts';
import { withStore } from '../local.ts';
import { paintSeverity, printJson, table } from '../output.ts';

export const findingsCommand: CommandModule = (program, ctx) => {
  const findings = program
    .command('findings')
    .description('findings from every engine (scans, audits, red team, gateway)');
  common(findings.command('list'))
    .description('list stored findings, most severe first')
    .addOption(new Option('--severity <s...>', 'only these severities').choices(SEVERITIES))
    .addOption(new Option('--min-severity <s>', 'at or above this severity').choices(SEVERITIES))
    .option('--asset <id>', 'only this asset id')
    .option('--rule <id>', 'only this rule id')
    .option('--run <id>', 'only this run id')
    .addOption(
      new Option('--fail-on <s>', 'exit 1 when a listed finding is at or above this severity').choices(
        SEVERITIES,
      ),
    )
    .option('--limit <n>', 'page size (max 500)', '100')
    .option('--offset <n>', 'skip this many', '0')
    .addHelpText(
      'after',
      '\nExamples:\n  $ bulwark findings list --min-severity high\n  $ bulwark findings list --rule scan.pickle.dangerous-callable --json',
    )
    .action(
      action(
        ctx,
        async (o: {
          json?: boolean;
          config?: string;
          severity?: Severity[];
          minSeverity?: Severity;
          asset?: string;
          rule?: string;
          run?: string;
          failOn?: Severity;
          limit: string;
          offset: string;
        }) =>
          withStore(ctx, o, async (store) => {
            const page = await store.findings.list({
              ...(o.severity ? { severity: o.severity } : {}),
              ...(o.minSeverity ? { minSeverity: o.minSeverity } : {}),
              ...(o.asset ? { assetId: o.asset } : {}),
              ...(o.rule ? { ruleId: o.rule } : {}),
              ...(o.run ? { runId: o.run } : {}),
              limit: Number(o.limit) || 100,
              offset: Number(o.offset) || 0,
            });
            const failed = o.failOn ? page.items.some((f) => atOrAbove(f.severity, o.failOn!)) : false;
            if (o.json) printJson(ctx.io, page);
            else if (page.total === 0) ctx.io.out('No findings.\n');
            else {
              ctx.io.out(
                table(
                  ['SEVERITY', 'RULE', 'TITLE', 'LOCATION', 'ID'],
                  page.items.map((f) => [
                    paintSeverity(ctx.io, f.severity),
                    f.ruleId,
                    f.title,
                    [f.location.path, f.location.member, f.location.offset ?? f.location.line]
                      .filter((x) => x !== undefined && x !== '')
                      .join(':'),
                    f.id,
                  ]),
                ),
              );
              if (page.total > page.items.length)
                ctx.io.out(`${page.items.length} of ${page.total} (use --offset for more)\n`);
            }
            return failed ? 1 : 0;
          }),
      ),
    );
};
