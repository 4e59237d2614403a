import { Option } from 'commander';
import type { LoadedConfig } from '../../core/index.ts';
import { defaultRegistryEngines } from '../../services/engines.ts';
import { createRegistryService, GateError, RegistryConfig } from '../../services/registry.ts';
import { STAGES } from '../../sign/index.ts';
import type { Store } from '../../store/index.ts';
import { action, type CliContext, type CommandModule, common } from '../context.ts';
import { cliActor, withStore } from '../local.ts';
import { paint, printJson, table } from '../output.ts';

export function registryFor(store: Store, loaded: LoadedConfig) {
  return createRegistryService({
    store,
    home: loaded.home,
    config: loaded.section('registry', RegistryConfig),
    engines: defaultRegistryEngines(),
  });
}

function withRegistry<T>(
  ctx: CliContext,
  o: { config?: string },
  fn: (r: ReturnType<typeof registryFor>) => Promise<T>,
) {
  return withStore(ctx, o, (store, loaded) => fn(registryFor(store, loaded)));
}

type O = { json?: boolean; config?: string };

export const registryCommand: CommandModule = (program, ctx) => {
  const registry = program
    .command('registry')
    .description(
      'model registry: versions, promotion gates (candidate → approved → production → retired), rollback, re-verification',
    );

  common(registry.command('push'))
    .description('register a model version: hash every file, check its signature, scan it, build its AI-BOM')
    .argument('<path>', 'model file or directory')
    .requiredOption('--name <name>', 'model name')
    .requiredOption('--version <version>', 'version label (unique per model)')
    .option(
      '--signature <file>',
      'signature bundle (default: model.sig in the directory, FILE.sig beside a file)',
    )
    .option('--requirements <file...>', 'requirements.txt / pyproject.toml / package.json for the AI-BOM')
    .option('--owner <owner>', 'owning team')
    .option('--store', 'copy the artifact into the registry blob store')
    .addHelpText(
      'after',
      '\nExamples:\n  $ bulwark registry push ./models/sentiment --name sentiment --version 4 --store',
    )
    .action(
      action(
        ctx,
        async (
          path: string,
          o: O & {
            name: string;
            version: string;
            signature?: string;
            requirements?: string[];
            owner?: string;
            store?: boolean;
          },
        ) =>
          withRegistry(ctx, o, async (r) => {
            const v = await r.push({
              path,
              name: o.name,
              version: o.version,
              actor: cliActor(),
              ...(o.signature ? { signaturePath: o.signature } : {}),
              ...(o.requirements ? { requirements: o.requirements } : {}),
              ...(o.owner ? { owner: o.owner } : {}),
              ...(o.store ? { storeArtifact: true } : {}),
            });
            if (o.json) printJson(ctx.io, v);
            else
              ctx.io.out(
                `Pushed ${o.name}@${v.version} (${v.digest.slice(0, 23)}…, ${v.manifest.length} files) as candidate\n` +
                  `  signature: ${v.signature.status}${v.signature.detail ? ` (${v.signature.detail})` : ''}\n` +
                  `  scan:      ${v.scan.status}${v.scan.maxSeverity ? ` (worst: ${v.scan.maxSeverity})` : ''}\n` +
                  `  AI-BOM:    ${v.bom ? 'built' : 'none'}\n`,
              );
            return 0;
          }),
      ),
    );

  common(registry.command('list'))
    .description('list registered models and versions')
    .argument('[name]', 'only this model')
    .action(
      action(ctx, async (name: string | undefined, o: O) =>
        withRegistry(ctx, o, async (r) => {
          const models = await r.list(name);
          if (o.json) {
            printJson(ctx.io, { items: models });
            return 0;
          }
          const rows = models.flatMap((m) =>
            m.versions.map((v) => [
              m.asset.name,
              v.version,
              v.stage,
              v.signature.status,
              v.scan.maxSeverity ? `${v.scan.status} (${v.scan.maxSeverity})` : v.scan.status,
              v.bom ? 'yes' : 'no',
              v.integrity.ok === false ? 'CHANGED' : v.integrity.ok ? 'ok' : '-',
              v.digest.slice(7, 19),
            ]),
          );
          if (rows.length === 0)
            ctx.io.out('No models in the registry. Add one with `bulwark registry push`.\n');
          else
            ctx.io.out(
              table(['MODEL', 'VERSION', 'STAGE', 'SIGNATURE', 'SCAN', 'BOM', 'INTEGRITY', 'DIGEST'], rows),
            );
          return 0;
        }),
      ),
    );

  common(registry.command('promote'))
    .description('move a version to a stage through its gates; exit 1 naming the failed gates')
    .argument('<name>')
    .argument('<version>')
    .addOption(new Option('--to <stage>', 'target stage').choices(STAGES).makeOptionMandatory())
    .option('--reason <text>', 'why (kept in the history and audit log)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ bulwark registry promote sentiment 4 --to approved\n  $ bulwark registry promote sentiment 4 --to production --reason "Q3 release"',
    )
    .action(
      action(
        ctx,
        async (name: string, version: string, o: O & { to: (typeof STAGES)[number]; reason?: string }) =>
          withRegistry(ctx, o, async (r) => {
            try {
              const res = await r.promote({
                name,
                version,
                to: o.to,
                actor: cliActor(),
                ...(o.reason ? { reason: o.reason } : {}),
              });
              if (o.json) printJson(ctx.io, res);
              else {
                for (const g of res.gates)
                  ctx.io.out(`  ${paint(ctx.io, 'green', 'pass')} ${g.gate}: ${g.reason}\n`);
                ctx.io.out(`${name}@${version} is now ${res.version.stage}\n`);
              }
              return 0;
            } catch (e) {
              if (!(e instanceof GateError)) throw e;
              if (o.json) printJson(ctx.io, { refused: true, message: e.message, gates: e.gates });
              else {
                for (const g of e.gates)
                  ctx.io.out(
                    `  ${g.passed ? paint(ctx.io, 'green', 'pass') : paint(ctx.io, 'red', 'FAIL')} ${g.gate}: ${g.reason}\n`,
                  );
                ctx.io.err(`refused: ${e.message}\n`);
              }
              return 1;
            }
          }),
      ),
    );

  common(registry.command('rollback'))
    .description('return production to the previous production version (re-verified first)')
    .argument('<name>')
    .requiredOption('--reason <text>', 'why (required; kept in the audit log)')
    .action(
      action(ctx, async (name: string, o: O & { reason: string }) =>
        withRegistry(ctx, o, async (r) => {
          try {
            const res = await r.rollback({ name, actor: cliActor(), reason: o.reason });
            if (o.json) printJson(ctx.io, res);
            else ctx.io.out(`Rolled ${name} back: production is ${res.to} (was ${res.from})\n`);
            return 0;
          } catch (e) {
            if (!(e instanceof GateError)) throw e;
            if (o.json) printJson(ctx.io, { refused: true, message: e.message, gates: e.gates });
            else ctx.io.err(`refused: ${e.message}\n`);
            return 1;
          }
        }),
      ),
    );

  common(registry.command('verify'))
    .description('re-hash registered artifacts against their digests; exit 1 naming every changed file')
    .argument('[name]', 'only this model')
    .option('--version <version>', 'only this version')
    .action(
      action(ctx, async (name: string | undefined, o: O & { version?: string }) =>
        withRegistry(ctx, o, async (r) => {
          const res = await r.verify({
            actor: cliActor(),
            ...(name ? { name } : {}),
            ...(o.version ? { version: o.version } : {}),
          });
          const bad = res.filter((x) => !x.ok);
          if (o.json) printJson(ctx.io, { ok: bad.length === 0, results: res });
          else {
            for (const x of res) {
              const what = x.ok ? paint(ctx.io, 'green', 'ok') : paint(ctx.io, 'red', 'CHANGED');
              ctx.io.out(`${what} ${x.name}@${x.version} (${x.stage})\n`);
              for (const p of x.changed) ctx.io.out(`    changed: ${p}\n`);
              for (const p of x.missing) ctx.io.out(`    missing: ${p}\n`);
              for (const p of x.added) ctx.io.out(`    added:   ${p}\n`);
            }
            if (res.length === 0) ctx.io.out('Nothing registered.\n');
          }
          return bad.length ? 1 : 0;
        }),
      ),
    );
};
