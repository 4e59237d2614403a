import { buildServer } from '../../server/app.ts';
import { SCAN_QUEUE } from '../../server/routes/scans.ts';
import { startWorker } from '../../server/worker.ts';
import { scanAndRecord } from '../../services/scans.ts';
import { openConfiguredStore } from '../../store/index.ts';
import { action, type CommandModule, common } from '../context.ts';
import { UsageError } from '../output.ts';
import { ensureInitialised } from './init.ts';
import { registryFor } from './registry.ts';

export const serveCommand: CommandModule = (program, ctx) => {
  common(program.command('serve'))
    .description('start the control plane: REST API under /api/v1 and the web console at /')
    .option('--host <host>', 'address to listen on (default from config: 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default from config: 8080)')
    .addHelpText(
      'after',
      '\nThe first run initialises ./.bulwark and prints an admin key once.\n\nExamples:\n  $ bulwark serve\n  $ DATABASE_URL=postgres://127.0.0.1/bulwark bulwark serve --port 9000',
    )
    .action(
      action(ctx, async (opts: { json?: boolean; config?: string; host?: string; port?: string }) => {
        const loaded = await ctx.config(opts);
        const port = opts.port === undefined ? loaded.config.server.port : Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new UsageError(`--port: expected 0-65535, got ${opts.port}`, 'port');
        const host = opts.host ?? loaded.config.server.host;
        const store = await openConfiguredStore(loaded);
        const key = await ensureInitialised(store, loaded);
        const registry = registryFor(store, loaded);
        let worker: ReturnType<typeof startWorker> | undefined;
        const app = await buildServer({
          registry,
          uploadLimit: loaded.config.server.uploadLimit,
          poke: () => worker?.poke(),
          allowedPaths: loaded.config.server.allowedPaths,
          store,
          bodyLimit: loaded.config.server.bodyLimit,
          requestTimeoutMs: loaded.config.server.requestTimeoutMs,
          trustProxy: loaded.config.server.trustProxy,
          logger: opts.json ? { level: 'info' } : { level: process.env.BULWARK_LOG_LEVEL ?? 'warn' },
          ...(loaded.config.server.console ? {} : { consoleDir: false as const }),
        });
        const address = await app.listen({ host, port });
        // Background jobs: queued server-side scans and scheduled re-verification of registered artifacts
        // (one run per period across every server process sharing the database).
        const everyMs = registry.config.verifyEveryMinutes * 60_000;
        worker = loaded.config.server.worker
          ? startWorker({
              store,
              handlers: {
                'registry.reverify': async () => ({
                  results: (await registry.verify({ actor: 'system:scheduler' })).length,
                }),
                [SCAN_QUEUE]: async (p) => {
                  const r = await scanAndRecord(store, {
                    paths: p.paths as string[],
                    actor: String(p.actor),
                    runId: String(p.runId),
                    ...(p.model ? { model: String(p.model) } : {}),
                  });
                  return { runId: r.run.id, findings: r.report.findings.length };
                },
              },
              schedules: everyMs > 0 ? [{ queue: 'registry.reverify', everyMs }] : [],
              onError: (e) => app.log.error({ err: e }, 'background job failed'),
            })
          : undefined;
        const db = loaded.databaseUrl.startsWith('sqlite:')
          ? loaded.databaseUrl
          : loaded.databaseUrl.replace(/\/\/[^@/]*@/, '//***@');
        if (opts.json) {
          ctx.io.out(`${JSON.stringify({ url: address, database: db, adminKey: key ?? null })}\n`);
        } else {
          ctx.io.out(`Bulwark ${address}  (console at /, API at /api/v1, database ${db})\n`);
          if (key)
            ctx.io.out(
              `\nFirst run: admin API key (shown once; sign in to the console with it):\n\n  ${key}\n\n`,
            );
        }
        // Graceful shutdown: stop accepting, finish in-flight requests, then close the database.
        await new Promise<void>((resolve) => {
          let stopping = false;
          const stop = async (signal: string) => {
            if (stopping) return;
            stopping = true;
            if (!opts.json) ctx.io.err(`\n${signal}: shutting down…\n`);
            const force = setTimeout(() => process.exit(1), 10_000);
            force.unref();
            await app.close();
            await worker?.stop();
            await store.close();
            resolve();
          };
          process.once('SIGTERM', () => void stop('SIGTERM'));
          process.once('SIGINT', () => void stop('SIGINT'));
        });
        return 0;
      }),
    );
};
