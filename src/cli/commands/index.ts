import type { CommandModule } from '../context.ts';
import { assetsCommand } from './assets.ts';
import { auditCommand } from './audit.ts';
import { checkCommand } from './check.ts';
import { discoverCommand } from './discover.ts';
import { findingsCommand } from './findings.ts';
import { gatewayCommand } from './gateway.ts';
import { initCommand } from './init.ts';
import { keysCommand } from './keys.ts';
import { scanCommand } from './scan.ts';
import { registryCommand } from './registry.ts';
import { serveCommand } from './serve.ts';
import { signCommands } from './sign.ts';

/** Every CLI command module, in the order `bulwark --help` lists them. Add new commands here. */
export const registerCommands: CommandModule[] = [
  initCommand,
  serveCommand,
  gatewayCommand,
  scanCommand,
  assetsCommand,
  discoverCommand,
  findingsCommand,
  keysCommand,
  auditCommand,
  registryCommand,
  signCommands,
  checkCommand,
];
