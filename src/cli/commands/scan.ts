import type { Command } from 'commander';
import { atOrAbove, type Severity, SEVERITIES, severityRank, toSarif } from '../../core/index.ts';
import { BUILTIN_POLICY, type Policy, SCAN_RULES, type ScanReport, scanPaths } from '../../scan/index.ts';
import { action, type CliContext, type CommandModule, common } from '../context.ts';
import { EXIT, paint, paintSeverity, printJson, progress, table, UsageError } from '../output.ts';
import { VERSION } from '../version.ts';

interface ScanOpts {
  format?: string;
  failOn?: string;
  policy?: string;
  jobs?: string;
  hash?: boolean;
  json?: boolean;
  config?: string;
}

/** The `scan:` section of bulwark.yaml. */
interface ScanSettings {
  policy: string;
  failOn: Severity;
  jobs?: number;
}

const SCAN_DEFAULTS: ScanSettings = { policy: 'builtin', failOn: 'high' };

/**
 * The `scan:` settings: the defaults when no config file applies, so that the usual CI run (no
 * bulwark.yaml) loads neither the config loader nor zod; else the file's section, validated with
 * errors that name file:line:field.
 */
async function scanSettings(ctx: CliContext, opts: ScanOpts): Promise<ScanSettings> {
  const options = opts.config ? { config: opts.config } : {};
  if (ctx.configFile(options) === undefined) return SCAN_DEFAULTS;
  const [{ z }, loaded] = await Promise.all([import('zod'), ctx.config(options)]);
  const section = z
    .object({
      policy: z.string().default(SCAN_DEFAULTS.policy),
      failOn: z.enum(SEVERITIES).default(SCAN_DEFAULTS.failOn),
      jobs: z.number().int().min(1).max(64).optional(),
    })
    .loose();
  return loaded.section('scan', section);
}

const FAIL_ON = ['low', 'medium', 'high', 'critical'] as const;

/**
 * `--format json`: each finding once, in the flat `findings` list (its `location.path` names the file);
 * each file carries `findingCount`. Listing findings under their file as well doubled a large report.
 */
export function jsonReport(report: ScanReport) {
  return {
    summary: report.summary,
    files: report.files.map(({ findings, ...file }) => ({ ...file, findingCount: findings.length })),
    findings: report.findings,
  };
}

function render(ctx: CliContext, report: ScanReport, failOn: Severity): void {
  const io = ctx.io;
  const rows = [...report.findings]
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
    .map((f) => [
      paintSeverity(io, f.severity),
      f.ruleId,
      `${f.location.path ?? ''}${f.location.member ? `!/${f.location.member}` : ''}${f.location.offset !== undefined ? `@${f.location.offset}` : ''}`,
      f.title,
    ]);
  if (rows.length > 0) io.out(table(['severity', 'rule', 'where', 'finding'], rows, 70));
  const s = report.summary;
  const counts = SEVERITIES.filter((k) => s.bySeverity[k] > 0)
    .map((k) => `${s.bySeverity[k]} ${k}`)
    .join(', ');
  io.out(
    `${rows.length > 0 ? '\n' : ''}${s.files} file(s), ${s.scanned} scanned as models, ${s.unscannable} not fully scannable; ` +
      `${counts || 'no findings'} (policy ${s.policy}, fail on ${failOn}, ${s.durationMs} ms)\n`,
  );
  if (s.scanned === 0)
    io.out(paint(io, 'yellow', 'nothing scannable: no file was a model format Bulwark knows\n'));
}

export const scanCommand: CommandModule = (program: Command, ctx: CliContext) => {
  common(
    program
      .command('scan')
      .description('scan model files, directories and archives for code-execution payloads and tampering')
      .argument('<paths...>', 'files, directories (recursive) or archives')
      .option('--format <format>', 'table, json or sarif')
      .option('--fail-on <severity>', 'exit 1 when a finding is at or above: low, medium, high, critical')
      .option(
        '--policy <file>',
        'pickle policy JSON (see src/scan/policy/builtin.json); "extends": "builtin" adds to the default',
      )
      .option(
        '--jobs <n>',
        'threads scanning files in parallel (default: one per core, at most 4, one per 200 files)',
      )
      .option('--hash', "add each file's SHA-256 to the report (reads every byte, tensor data included)")
      .addHelpText(
        'after',
        `
Examples:
  $ bulwark scan model.pt                      scan one checkpoint
  $ bulwark scan ./models --fail-on medium     a directory, stricter threshold
  $ bulwark scan hub-download/ --format sarif > scan.sarif

Exit codes: 0 nothing at or above --fail-on (default high), 1 findings at or above it,
2 usage or I/O error, or nothing scannable.`,
      ),
  ).action(
    action(ctx, async (paths: string[], opts: ScanOpts) => {
      const format = opts.json ? 'json' : (opts.format ?? 'table');
      if (!['table', 'json', 'sarif'].includes(format))
        throw new UsageError(
          `--format must be table, json or sarif, not ${JSON.stringify(format)}`,
          'format',
        );
      const cfg = await scanSettings(ctx, opts);
      const failOn = (opts.failOn ?? cfg.failOn) as Severity;
      if (!(FAIL_ON as readonly string[]).includes(failOn))
        throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}`, 'fail-on');
      let jobs = cfg.jobs;
      if (opts.jobs !== undefined) {
        jobs = Number(opts.jobs);
        if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64)
          throw new UsageError('--jobs must be an integer from 1 to 64', 'jobs');
      }
      const policyPath = opts.policy ?? (cfg.policy !== 'builtin' ? cfg.policy : undefined);
      const policy: Policy = policyPath
        ? (await import('../../scan/policy-file.ts')).loadPolicyFile(policyPath)
        : BUILTIN_POLICY;
      const bar = progress(ctx.io, 'scan');
      const report = await scanPaths(paths, {
        policy,
        ...(jobs !== undefined ? { threads: jobs } : {}),
        hash: Boolean(opts.hash),
        onProgress: (done, total, path) => bar.update(done, total, path),
      });
      bar.done();
      if (format === 'json') printJson(ctx.io, jsonReport(report));
      else if (format === 'sarif')
        printJson(
          ctx.io,
          toSarif(report.findings, {
            name: 'bulwark-scan',
            version: VERSION,
            rules: Object.values(SCAN_RULES),
          }),
        );
      else render(ctx, report, failOn);
      if (report.findings.some((f) => atOrAbove(f.severity, failOn))) return EXIT.FINDINGS;
      if (report.summary.scanned === 0) {
        if (format !== 'table') ctx.io.err('nothing scannable: no file was a model format Bulwark knows\n');
        return EXIT.USAGE;
      }
      return EXIT.OK;
    }),
  );
};
