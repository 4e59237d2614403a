import { Command, CommanderError } from 'commander';
import { createContext, type CommandModule } from './context.ts';
import { EXIT, type Io, processIo } from './output.ts';
import { VERSION } from './version.ts';
import { commandsFor } from './commands/index.ts';

export function buildProgram(io: Io, modules: CommandModule[]) {
  const ctx = createContext(io);
  const program = new Command('bulwark')
    .description(
      'Bulwark: security for AI systems — scan models, guard LLM traffic, sign, audit, red-team, govern.',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(add --help for usage and examples)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    // Root options (--version) only before the subcommand, so `registry push --version 3` is the push's.
    .enablePositionalOptions();
  program.addHelpText(
    'after',
    `
Examples:
  $ bulwark init                      create ./.bulwark, a config and the first admin key
  $ bulwark serve                     start the API and console on http://127.0.0.1:8080
  $ bulwark discover . --register     inventory the AI assets of a repository
  $ bulwark assets list --json        list registered assets as JSON

Exit codes: 0 ok, 1 findings at or above the threshold or a failed check, 2 usage or input error.`,
  );
  for (const register of modules) register(program, ctx);
  return { program, ctx };
}

/** Runs the CLI in-process and returns the exit code (tests call this directly). */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const { program, ctx } = buildProgram(io, await commandsFor(argv));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return EXIT.OK;
      return EXIT.USAGE;
    }
    throw e;
  }
  return ctx.exitCode;
}
