import type { CommandModule } from '../context.ts';

interface CommandEntry {
  /** The top-level commands the module adds. */
  names: string[];
  load: () => Promise<CommandModule>;
}

/**
 * Every CLI command module, in the order `bulwark --help` lists them. Modules load only when their
 * command runs (or for `--help`), so `bulwark scan` does not pay for the gateway, the guard models or the
 * server. Add a command here: its names and one dynamic import.
 */
export const COMMANDS: CommandEntry[] = [
  { names: ['init'], load: async () => (await import('./init.ts')).initCommand },
  { names: ['serve'], load: async () => (await import('./serve.ts')).serveCommand },
  { names: ['gateway', 'profile'], load: async () => (await import('./gateway.ts')).gatewayCommand },
  { names: ['scan'], load: async () => (await import('./scan.ts')).scanCommand },
  { names: ['assets'], load: async () => (await import('./assets.ts')).assetsCommand },
  { names: ['discover'], load: async () => (await import('./discover.ts')).discoverCommand },
  { names: ['findings'], load: async () => (await import('./findings.ts')).findingsCommand },
  { names: ['keys'], load: async () => (await import('./keys.ts')).keysCommand },
  { names: ['audit'], load: async () => (await import('./audit.ts')).auditCommand },
  { names: ['registry'], load: async () => (await import('./registry.ts')).registryCommand },
  {
    names: ['sign', 'verify', 'encrypt', 'decrypt', 'bom'],
    load: async () => (await import('./sign.ts')).signCommands,
  },
  { names: ['check'], load: async () => (await import('./check.ts')).checkCommand },
];

/** The modules a command line needs: the named command's, or all of them (help, unknown commands). */
export async function commandsFor(argv: string[]): Promise<CommandModule[]> {
  if (argv[0] === '-V' || argv[0] === '--version') return [];
  const first = argv.find((a) => !a.startsWith('-'));
  const entry = first === undefined ? undefined : COMMANDS.find((c) => c.names.includes(first));
  const entries = entry ? [entry] : COMMANDS;
  return Promise.all(entries.map((e) => e.load()));
}
