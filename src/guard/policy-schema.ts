import { z } from 'zod';
import type { Assert, Equals } from '../core/type-checks.ts';
import type { RedactionMode } from './redact.ts';
import {
  type AllowEntry as AllowEntryType,
  DEFAULT_POLICY,
  type DetectorRef as DetectorRefType,
  GUARD_ACTIONS,
  type GuardAction as GuardActionType,
  type GuardPolicy as GuardPolicyType,
  type GuardPolicyInput as GuardPolicyInputType,
} from './policy.ts';
import { DETECTOR_IDS, DETECTORS, type DetectorId } from './registry.ts';

/**
 * The zod schemas for guard policies from outside: `policies:` in bulwark.yaml, `bulwark check
 * --policy`, the gateway's routes, createGuard given anything but DEFAULT_POLICY. Kept out of
 * guard/index.ts so that a guard on the default policy loads no zod; import this module directly.
 */
export const GuardAction = z.enum(GUARD_ACTIONS);
export type GuardAction = GuardActionType;

const DetectorIdSchema = z.enum(DETECTOR_IDS as [DetectorId, ...DetectorId[]]);

/** One detector in a policy: its id alone, or with a threshold, an action and options. */
export const DetectorRef = z.union([
  DetectorIdSchema,
  z
    .object({
      id: DetectorIdSchema,
      threshold: z.number().min(0).max(1).optional(),
      action: GuardAction.optional(),
      options: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
]);
export type DetectorRef = DetectorRefType;

const AllowEntry = z.union([
  z.string().min(1),
  z
    .object({
      pattern: z.string().min(1),
      flags: z
        .string()
        .regex(/^[imsu]*$/)
        .optional(),
    })
    .strict(),
]);

const RedactionModeSchema = z.enum(['mask', 'hash', 'pseudonym']);

/** A guard policy, as it appears under `policies.<name>` in bulwark.yaml. */
export const GuardPolicy = z
  .object({
    input: z.array(DetectorRef).default(() => [...DEFAULT_POLICY.input]),
    output: z.array(DetectorRef).default(() => [...DEFAULT_POLICY.output]),
    /** Overrides every detector's default action when set (`action: flag` turns a policy into monitor mode). */
    action: GuardAction.optional(),
    /** Phrases or regular expressions whose matches no detector sees. */
    allowlist: z.array(AllowEntry).default(() => [...DEFAULT_POLICY.allowlist]),
    /** A detector that throws blocks the request (true) or is skipped (false); it is counted either way. */
    failClosed: z.boolean().default(DEFAULT_POLICY.failClosed),
    redaction: z
      .object({ mode: RedactionModeSchema.default(DEFAULT_POLICY.redaction.mode) })
      .strict()
      .default(() => ({ ...DEFAULT_POLICY.redaction })),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const key of ['input', 'output'] as const) {
      p[key].forEach((ref, i) => {
        const id = typeof ref === 'string' ? ref : ref.id;
        const options = typeof ref === 'string' ? undefined : ref.options;
        if (!options && id === 'transformer') {
          ctx.addIssue({
            code: 'custom',
            path: [key, i],
            message: 'transformer needs options.model and options.vocab',
          });
          return;
        }
        // Listed without options, a detector gets `{}`: checked here too (json-schema needs a schema), so
        // createGuard hands every detector options its schema accepts.
        const r = DETECTORS[id].options(z).safeParse(options ?? {});
        if (!r.success) {
          ctx.addIssue({
            code: 'custom',
            path: [key, i, 'options', ...(r.error.issues[0]?.path ?? [])],
            message: r.error.issues[0]?.message ?? 'invalid options',
          });
        }
      });
      for (const [i, entry] of p.allowlist.entries()) {
        if (typeof entry === 'string') continue;
        try {
          new RegExp(entry.pattern, entry.flags);
        } catch (e) {
          ctx.addIssue({ code: 'custom', path: ['allowlist', i, 'pattern'], message: (e as Error).message });
        }
      }
    }
  });
export type GuardPolicy = GuardPolicyType;
export type GuardPolicyInput = GuardPolicyInputType;

/** The `policies:` section of bulwark.yaml: named policies. */
export const GuardPolicies = z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), GuardPolicy);

/** Compile-time check that the schemas and the plain types in policy.ts describe the same policies. */
export type GuardPolicyTypesMatch = [
  Assert<Equals<z.output<typeof GuardAction>, GuardAction>>,
  Assert<Equals<z.output<typeof DetectorRef>, DetectorRef>>,
  Assert<Equals<z.output<typeof AllowEntry>, AllowEntryType>>,
  Assert<Equals<z.output<typeof RedactionModeSchema>, RedactionMode>>,
  Assert<Equals<z.output<typeof GuardPolicy>, GuardPolicy>>,
  Assert<Equals<z.input<typeof GuardPolicy>, GuardPolicyInput>>,
];
