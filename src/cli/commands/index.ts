import type { CommandModule } from '../context.ts';

/** Every CLI command module, in the order `bulwark --help` lists them. Add new commands here. */
export const registerCommands: CommandModule[] = [];
