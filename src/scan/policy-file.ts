import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Assert, Equals } from '../core/type-checks.ts';
import { BulwarkError } from '../core/index.ts';
import {
  BUILTIN_POLICY_FILE,
  compilePolicy,
  type Policy,
  type PolicyFile as PolicyFileType,
  type PolicyFileInput as PolicyFileInputType,
} from './policy.ts';

/**
 * Validation of policy documents from outside (`--policy FILE`, a policy sent to the scan worker):
 * the zod schema lives here, apart from the compiler, so a scan with the built-in policy does not load
 * zod. Import this module directly; scan/index.ts does not re-export it.
 */
export const PolicyFile = z
  .object({
    $schema: z.string().optional(),
    name: z.string(),
    version: z.string(),
    description: z.string().optional(),
    /** `builtin` to add to the default policy instead of replacing it. */
    extends: z.literal('builtin').optional(),
    allow: z.array(z.string()).default([]),
    denyWithinAllowed: z.array(z.string()).default([]),
    /** Names never covered by a module-wide allow (`sklearn.*` must not allow a re-exported `load`). */
    prefixAllowExcept: z.array(z.string()).default([]),
    dangerous: z.record(z.string(), z.array(z.string())).default({}),
    strictPackages: z.array(z.string()).default([]),
    aliases: z.record(z.string(), z.string()).default({}),
    nestedLoaders: z.record(z.string(), z.object({ arg: z.number().int().nonnegative() })).default({}),
    suspiciousArgumentPatterns: z.array(z.string()).default([]),
  })
  .strict();
export type PolicyFile = PolicyFileType;
export type PolicyFileInput = PolicyFileInputType;

/** Compile-time check that the schema and the plain types in policy.ts describe the same documents. */
export type PolicyFileTypesMatch = [
  Assert<Equals<z.output<typeof PolicyFile>, PolicyFile>>,
  Assert<Equals<z.input<typeof PolicyFile>, PolicyFileInput>>,
];

function merge(base: PolicyFile, over: PolicyFile): PolicyFile {
  const dangerous: Record<string, string[]> = { ...base.dangerous };
  for (const [k, v] of Object.entries(over.dangerous)) dangerous[k] = [...(dangerous[k] ?? []), ...v];
  return {
    ...base,
    name: over.name,
    version: over.version,
    allow: [...base.allow, ...over.allow],
    denyWithinAllowed: [...base.denyWithinAllowed, ...over.denyWithinAllowed],
    prefixAllowExcept: [...base.prefixAllowExcept, ...over.prefixAllowExcept],
    dangerous,
    strictPackages: [...base.strictPackages, ...over.strictPackages],
    aliases: { ...base.aliases, ...over.aliases },
    nestedLoaders: { ...base.nestedLoaders, ...over.nestedLoaders },
    suspiciousArgumentPatterns: [...base.suspiciousArgumentPatterns, ...over.suspiciousArgumentPatterns],
  };
}

/** Parses a policy document; `extends: builtin` adds to the default policy. */
export function parsePolicy(value: unknown, where = '<policy>'): Policy {
  const parsed = PolicyFile.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BulwarkError(
      'BW_ERR_CONFIG_INVALID',
      `${where}: ${issue.path.join('.') || '(top)'}: ${issue.message}`,
      {
        field: issue.path.join('.'),
        status: 400,
      },
    );
  }
  for (const p of parsed.data.suspiciousArgumentPatterns) {
    try {
      new RegExp(p);
    } catch {
      throw new BulwarkError(
        'BW_ERR_CONFIG_INVALID',
        `${where}: suspiciousArgumentPatterns: invalid regular expression ${JSON.stringify(p)}`,
      );
    }
  }
  const file = parsed.data.extends === 'builtin' ? merge(BUILTIN_POLICY_FILE, parsed.data) : parsed.data;
  return compilePolicy(file);
}

export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BulwarkError('BW_ERR_IO', `${path}: cannot read policy (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BulwarkError(
      'BW_ERR_CONFIG_INVALID',
      `${path}: policy is not valid JSON (${(e as Error).message})`,
    );
  }
  return parsePolicy(json, path);
}
