import { type Command, Option } from 'commander';
import { atOrAbove, countBySeverity, SEVERITIES, type Severity } from '../../core/index.ts';
import { type DiscoveredAsset, DiscoverConfig, type DiscoverResult, discover } from '../../discover/index.ts';
import { action, type CliContext, type CommandModule, common } from '../context.ts';
import { cliActor, withStore } from '../local.ts';
import { EXIT, paint, paintSeverity, printJson, progress, table, UsageError } from '../output.ts';

interface DiscoverOpts {
  json?: boolean;
  config?: string;
  register?: boolean;
  server?: string;
  failOn?: string;
  maxFiles?: string;
  hash: boolean;
  ignore?: string[];
}

interface Registration {
  target: string;
  created: number;
  updated: number;
  /** Already registered on the server (HTTP 409). */
  existing: number;
  failed: number;
  errors: Array<{ name: string; error: string }>;
}

const SERVER_TIMEOUT_MS = 30_000;

function details(a: DiscoveredAsset): string {
  const tags = (prefix: string) =>
    a.tags.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length));
  if (a.kind === 'model' || a.kind === 'dataset') {
    const format = String(a.metadata.format ?? '');
    const fw = tags('framework:').filter((f) => f !== format);
    return [format, ...fw].join(', ') + (a.tags.includes('executes-code') ? ' (runs code on load)' : '');
  }
  if (a.kind === 'endpoint') return tags('provider:').join(', ');
  const models = tags('model:');
  return [
    ...tags('provider:'),
    ...tags('framework:'),
    ...(models.length ? [`models: ${models.join(' ')}`] : []),
  ].join(', ');
}

function findingDetail(e: Record<string, unknown>): string {
  if (typeof e.masked === 'string') return `${e.provider} ${e.masked}`;
  if (typeof e.error === 'string') return e.error;
  if (typeof e.expected === 'string') return `expected ${e.expected}`;
  if (typeof e.format === 'string') return `is ${e.format}`;
  if (typeof e.excerpt === 'string') return e.excerpt;
  return '';
}

function printHuman(ctx: CliContext, res: DiscoverResult): void {
  const io = ctx.io;
  const s = res.stats;
  io.out(
    `Discovered ${res.assets.length} AI asset(s) in ${res.root} (${s.filesSeen} files, ${s.artifacts} artifacts, ${s.textFilesScanned} source/config files, ${s.durationMs} ms)\n\n`,
  );
  if (res.assets.length > 0) {
    io.out(
      table(
        ['KIND', 'NAME', 'FORMAT / FRAMEWORK / PROVIDER', 'PATH'],
        res.assets.map((a) => [a.kind, a.name, details(a), a.uri]),
      ),
    );
  } else io.out('No AI assets found.\n');
  if (res.findings.length === 0) {
    io.out('\nNo findings.\n');
    return;
  }
  const c = countBySeverity(res.findings);
  const summary = SEVERITIES.filter((x) => c[x] > 0)
    .map((x) => `${c[x]} ${x}`)
    .join(', ');
  io.out(`\nFindings (${res.findings.length}): ${summary}\n`);
  io.out(
    table(
      ['SEVERITY', 'RULE', 'LOCATION', 'DETAIL'],
      res.findings.map((f) => [
        paintSeverity(io, f.severity),
        f.ruleId,
        `${f.location.path ?? ''}${f.location.line ? `:${f.location.line}` : ''}${f.location.member ? ` ${f.location.member}` : ''}`,
        findingDetail(f.evidence),
      ]),
      70,
    ),
  );
}

function serverBase(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`--server ${raw}: not a URL (expected http(s)://host:port)`, 'server');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UsageError(`--server ${raw}: only http and https are supported`, 'server');
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

async function registerRemote(server: string, assets: DiscoveredAsset[]): Promise<Registration> {
  const base = serverBase(server);
  const key = process.env.BULWARK_API_KEY;
  if (!key)
    throw new UsageError(
      '--server needs an API key in BULWARK_API_KEY (create one with `bulwark keys create`)',
    );
  const reg: Registration = { target: base, created: 0, updated: 0, existing: 0, failed: 0, errors: [] };
  for (const a of assets) {
    let res: Response;
    try {
      res = await fetch(`${base}/api/v1/assets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(a),
        signal: AbortSignal.timeout(SERVER_TIMEOUT_MS),
      });
    } catch (e) {
      reg.failed++;
      reg.errors.push({ name: a.name, error: `${base}: ${(e as Error).message}` });
      continue;
    }
    if (res.status === 201 || res.status === 200) reg.created++;
    else if (res.status === 409) reg.existing++;
    else {
      let message = `HTTP ${res.status}`;
      try {
        const body = (await res.json()) as { error?: { code?: string; message?: string } };
        if (body.error?.message)
          message += `: ${body.error.message}${body.error.code ? ` [${body.error.code}]` : ''}`;
      } catch {
        // a body that is not JSON: the status says enough
      }
      reg.failed++;
      reg.errors.push({ name: a.name, error: message });
      // Authentication and authorisation failures repeat for every asset: stop at the first.
      if (res.status === 401 || res.status === 403) break;
    }
    await res.body?.cancel().catch(() => {});
  }
  return reg;
}

export const discoverCommand: CommandModule = (program, ctx) => {
  common(program.command('discover'))
    .description(
      'inventory the AI assets of a repository or models folder: model files, datasets, AI SDK use, endpoints, plain-text keys',
    )
    .argument('<path>', 'folder (or file) to walk')
    .option('--register', 'register the assets in the local store (or on --server)')
    .option(
      '--server <url>',
      'register through a Bulwark server (implies --register; key in BULWARK_API_KEY)',
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 1 when a finding is at or above this (default: discover.failOn, high)',
      ).choices([...SEVERITIES, 'none']),
    )
    .option('--max-files <n>', 'stop after this many files (default 100000)')
    .option('--no-hash', 'do not SHA-256 artifacts (faster on folders of huge checkpoints)')
    .option('--ignore <name...>', 'more file or folder names (or relative paths) to skip')
    .addHelpText(
      'after',
      `
Examples:
  $ bulwark discover .                          print the inventory and findings
  $ bulwark discover ./models --json            one JSON document: {assets, findings, stats}
  $ bulwark discover . --register               upsert the assets into the local store
  $ BULWARK_API_KEY=bwk_… bulwark discover . --server http://127.0.0.1:8080
  $ bulwark discover . --fail-on critical       CI: exit 1 only on critical findings`,
    )
    .action(
      action(ctx, async (path: string, o: DiscoverOpts, cmd: Command) => {
        const loaded = await ctx.config(o.config ? { config: o.config } : {});
        const cfg = loaded.section('discover', DiscoverConfig);
        let maxFiles = cfg.maxFiles;
        if (o.maxFiles !== undefined) {
          maxFiles = Number(o.maxFiles);
          if (!Number.isInteger(maxFiles) || maxFiles < 1)
            throw new UsageError(`--max-files ${o.maxFiles}: expected a positive integer`, 'max-files');
        }
        const hash = cmd.getOptionValueSource('hash') === 'cli' ? o.hash : cfg.hash;
        const failOn = (o.failOn ?? cfg.failOn) as Severity | 'none';
        const bar = o.json ? undefined : progress(ctx.io, 'discover');
        const res = await discover(path, {
          maxFiles,
          maxDepth: cfg.maxDepth,
          maxCodeBytes: cfg.maxCodeBytes,
          concurrency: cfg.concurrency,
          hash,
          ignore: [...cfg.ignore, ...(o.ignore ?? [])],
          ...(bar
            ? { onProgress: (done: number, total: number, p: string) => bar.update(done, total, p) }
            : {}),
        });
        bar?.done();
        if (res.stats.filesSeen === 0 && res.assets.length === 0) {
          throw new UsageError(`${path}: nothing to scan (no files)`);
        }

        let registration: Registration | undefined;
        if (o.register || o.server) {
          if (o.server) registration = await registerRemote(o.server, res.assets);
          else {
            registration = await withStore(ctx, o, async (store) => {
              const reg: Registration = {
                target: loaded.databaseUrl.replace(/\/\/[^@/]*@/, '//***@'),
                created: 0,
                updated: 0,
                existing: 0,
                failed: 0,
                errors: [],
              };
              const actor = cliActor();
              for (const a of res.assets) {
                const { created } = await store.assets.upsert(a, actor);
                if (created) reg.created++;
                else reg.updated++;
              }
              return reg;
            });
          }
        }

        if (o.json) printJson(ctx.io, { ...res, ...(registration ? { registration } : {}) });
        else {
          printHuman(ctx, res);
          if (registration) {
            const r = registration;
            ctx.io.out(
              `\nRegistered on ${r.target}: ${r.created} created, ${r.updated} updated, ${r.existing} already registered${r.failed ? `, ${paint(ctx.io, 'red', `${r.failed} failed`)}` : ''}\n`,
            );
            for (const e of r.errors.slice(0, 10)) ctx.io.err(`error: ${e.name}: ${e.error}\n`);
          }
        }
        if (registration && registration.failed > 0) return EXIT.USAGE;
        const failing = failOn !== 'none' && res.findings.some((f) => atOrAbove(f.severity, failOn));
        return failing ? EXIT.FINDINGS : EXIT.OK;
      }),
    );
};
