import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openConfiguredStore } from '../../store/index.ts';
import { action, type CommandModule, common } from '../context.ts';
import { printJson, table, UsageError } from '../output.ts';

export const gatewayCommand: CommandModule = (program, ctx) => {
  common(program.command('gateway'))
    .description('run the inference gateway: Bulwark in front of OpenAI-compatible and ML endpoints')
    .option('--host <host>', 'address to listen on (default from gateway.host: 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default from gateway.port: 8787)')
    .option(
      '--upstream <url>',
      'an OpenAI-compatible base URL to serve at /v1 (when bulwark.yaml names no routes)',
    )
    .option(
      '--policy <name>',
      'guard policy for --upstream: a name under policies:, default, or none',
      'default',
    )
    .option('--shadow', 'decide and record, never block (rollout)')
    .addHelpText(
      'after',
      '\nEvery request needs a key (`bulwark keys create --name app --role service`).\n\nExamples:\n  $ bulwark gateway --upstream http://127.0.0.1:11434/v1\n  $ REDIS_URL=redis://127.0.0.1:6379 bulwark gateway --config bulwark.yaml',
    )
    .action(
      action(
        ctx,
        async (opts: {
          json?: boolean;
          config?: string;
          host?: string;
          port?: string;
          upstream?: string;
          policy: string;
          shadow?: boolean;
        }) => {
          // The engine (Fastify, the guard and its models) loads only when the gateway runs: ~600 ms.
          const { buildGateway, GatewayConfig } = await import('../../gateway/index.ts');
          const loaded = await ctx.config(opts);
          const config = loaded.section('gateway', GatewayConfig);
          if (opts.upstream) {
            const route = GatewayConfig.safeParse({
              routes: [
                {
                  path: '/v1',
                  kind: 'openai',
                  upstream: opts.upstream,
                  policy: opts.policy,
                  shadow: Boolean(opts.shadow),
                },
              ],
            });
            if (!route.success)
              throw new UsageError(`--upstream: ${route.error.issues[0]!.message}`, 'upstream');
            config.routes = [...config.routes.filter((r) => r.path !== '/v1'), ...route.data.routes];
          }
          if (config.routes.length === 0)
            throw new UsageError(
              'no routes: pass --upstream URL or add gateway.routes to bulwark.yaml',
              'upstream',
            );
          const port = opts.port === undefined ? config.port : Number(opts.port);
          if (!Number.isInteger(port) || port < 0 || port > 65535)
            throw new UsageError(`--port: expected 0-65535, got ${opts.port}`, 'port');
          const store = await openConfiguredStore(loaded);
          const gw = await buildGateway({
            config,
            policies: loaded.config.policies,
            store,
            redisUrl: loaded.redisUrl,
            baseDir: loaded.file ? dirname(loaded.file) : process.cwd(),
          });
          const url = await gw.app.listen({ host: opts.host ?? config.host, port });
          const routes = config.routes.map((r) => ({ path: r.path, kind: r.kind, upstream: r.upstream }));
          if (opts.json) ctx.io.out(`${JSON.stringify({ url, limits: gw.limiter.backend, routes })}\n`);
          else {
            ctx.io.out(`Bulwark gateway ${url}  (limits in ${gw.limiter.backend}; metrics at /metrics)\n`);
            ctx.io.out(
              `${table(
                ['path', 'kind', 'upstream'],
                routes.map((r) => [r.path, r.kind, r.upstream]),
              )}\n`,
            );
          }
          // Graceful shutdown: stop accepting, finish in-flight requests, write every queued event.
          await new Promise<void>((resolve) => {
            let stopping = false;
            const stop = async (signal: string) => {
              if (stopping) return;
              stopping = true;
              if (!opts.json) ctx.io.err(`${signal}: draining…\n`);
              const force = setTimeout(() => process.exit(1), 15_000);
              force.unref();
              await gw.close();
              await store.close();
              resolve();
            };
            process.once('SIGTERM', () => void stop('SIGTERM'));
            process.once('SIGINT', () => void stop('SIGINT'));
          });
          return 0;
        },
      ),
    );

  common(program.command('profile'))
    .description('build a reference profile of a dataset (CSV with a header, or JSONL) for predict routes')
    .argument('<dataset>', 'a .csv, .jsonl or .ndjson file')
    .option('--out <file>', 'where to write the profile (default: <dataset>.profile.json)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ bulwark profile churn.csv\n  $ bulwark profile events.jsonl --out events.profile.json --json',
    )
    .action(
      action(ctx, async (dataset: string, opts: { json?: boolean; out?: string }) => {
        const { profileDataset } = await import('../../gateway/index.ts');
        const profile = await profileDataset(dataset);
        const out = opts.out ?? `${dataset.replace(/\.(csv|jsonl|ndjson)$/i, '')}.profile.json`;
        writeFileSync(out, `${JSON.stringify(profile, null, 2)}\n`);
        if (opts.json) printJson(ctx.io, { out, profile });
        else {
          const rows = Object.entries(profile.features).map(([name, f]) =>
            f.type === 'number'
              ? [
                  name,
                  'number',
                  String(f.count),
                  `${fmt(f.mean)} ± ${fmt(f.std)}`,
                  `${fmt(f.min)} … ${fmt(f.max)}`,
                ]
              : [name, 'category', String(f.count), `${Object.keys(f.counts).length} values`, ''],
          );
          ctx.io.out(`${table(['feature', 'type', 'count', 'centre', 'range'], rows)}\n`);
          ctx.io.out(`${profile.source.rows} rows → ${out}\n`);
        }
        return 0;
      }),
    );
};

const fmt = (x: number) =>
  Math.abs(x) >= 1000 || Number.isInteger(x) ? String(Math.round(x * 100) / 100) : x.toPrecision(4);
