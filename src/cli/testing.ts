import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from './output.ts';
import { main } from './main.ts';

/** Runs the CLI in-process with captured output (no TTY: no colour, no progress bars). */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    color: false,
    isTTY: false,
  };
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const code = await main(argv, io);
    return { code, out, err };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** A fresh Bulwark home in a temp dir, with every variable that could point elsewhere cleared. */
export function isolatedHome(prefix = 'bw-cli-'): {
  dir: string;
  env: { BULWARK_HOME: string } & Record<string, string | undefined>;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    env: {
      BULWARK_HOME: join(dir, '.bulwark'),
      BULWARK_CONFIG: undefined,
      DATABASE_URL: undefined,
      BULWARK_AUDIT_KEY: undefined,
      BULWARK_API_KEY: undefined,
    },
  };
}
