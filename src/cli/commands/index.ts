import type { CommandModule } from '../context.ts';
import { signCommands } from './sign.ts';

/** Every CLI command module, in the order `bulwark --help` lists them. Add new commands here. */
export const registerCommands: CommandModule[] = [signCommands];
