import { z } from 'zod';
import { DETECTOR_IDS, DETECTORS, type DetectorId } from './registry.ts';

export const GuardAction = z.enum(['allow', 'flag', 'redact', 'block']);

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
export type DetectorRef = z.infer<typeof DetectorRef>;

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

/** A guard policy, as it appears under `policies.<name>` in bulwark.yaml. */
export const GuardPolicy = z
  .object({
    input: z
      .array(DetectorRef)
      .default(['injection', 'jailbreak', 'indirect', 'secret-probe', 'pii', 'secrets']),
    output: z.array(DetectorRef).default(['leak', 'pii', 'secrets', 'exfil-links']),
    /** Overrides every detector's default action when set (`action: flag` turns a policy into monitor mode). */
    action: GuardAction.optional(),
    /** Phrases or regular expressions whose matches no detector sees. */
    allowlist: z.array(AllowEntry).default([]),
    /** A detector that throws blocks the request (true) or is skipped (false); it is counted either way. */
    failClosed: z.boolean().default(true),
    redaction: z
      .object({ mode: z.enum(['mask', 'hash', 'pseudonym']).default('mask') })
      .strict()
      .default({ mode: 'mask' }),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const key of ['input', 'output'] as const) {
      p[key].forEach((ref, i) => {
        if (typeof ref === 'string' || !ref.options) {
          if ((typeof ref === 'string' ? ref : ref.id) === 'transformer') {
            ctx.addIssue({
              code: 'custom',
              path: [key, i],
              message: 'transformer needs options.model and options.vocab',
            });
          }
          return;
        }
        const r = DETECTORS[ref.id].options.safeParse(ref.options);
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
export type GuardPolicy = z.infer<typeof GuardPolicy>;
export type GuardPolicyInput = z.input<typeof GuardPolicy>;

/** The `policies:` section of bulwark.yaml: named policies. */
export const GuardPolicies = z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), GuardPolicy);

export const DEFAULT_POLICY: GuardPolicy = GuardPolicy.parse({});
