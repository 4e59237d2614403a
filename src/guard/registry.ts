import type { z as Z } from 'zod';
import { harmfulDetector } from './detectors/harmful.ts';
import { type AsyncDetector, createTransformerDetector } from './detectors/onnx.ts';
import {
  indirectDetector,
  injectionDetector,
  jailbreakDetector,
  secretProbeDetector,
} from './detectors/injection.ts';
import {
  createExfilDetector,
  createJsonSchemaDetector,
  createLeakDetector,
  refusalDetector,
} from './detectors/output.ts';
import { createPiiDetector, PII_ENTITIES } from './detectors/pii.ts';
import { secretsDetector } from './detectors/secrets.ts';
import type { GuardRuleId } from './rules.ts';
import type { Detector, Role } from './types.ts';

export type Action = 'allow' | 'flag' | 'redact' | 'block';

/** zod itself, handed to an options builder by the code that validates a policy. */
type Zod = typeof Z;

interface DetectorDef<O extends Z.ZodType> {
  ruleId: GuardRuleId;
  description: string;
  /** Roles whose text the detector judges when a policy lists it. */
  roles: Role[];
  defaultThreshold: number;
  defaultAction: Action;
  /**
   * Builds the options schema from the zod it is given: the registry loads no schema library, so a
   * guard on the default policy (`bulwark check`) starts without zod. policy-schema.ts validates a
   * policy's options with it; `create` receives options already validated.
   */
  options: (z: Zod) => O;
  create?(options: Z.infer<O>): Detector;
  /** Detectors that can only run asynchronously (ONNX models): used by `checkInputAsync`. */
  createAsync?(options: Z.infer<O>): Promise<AsyncDetector>;
}

function def<O extends Z.ZodType>(d: DetectorDef<O>): DetectorDef<O> {
  return d;
}

const none = (z: Zod) => z.object({}).strict();
const INPUT_ROLES: Role[] = ['user'];
const CONTENT_ROLES: Role[] = ['document', 'tool'];
const OUTPUT_ROLES: Role[] = ['assistant'];
const ANY: Role[] = ['user', 'assistant', 'tool', 'document', 'system'];

/** Every detector, declared once: its rule, default threshold and action, and its options schema. */
export const DETECTORS = {
  injection: def({
    ruleId: 'guard.injection.direct',
    description: 'direct prompt injection (classifier + multilingual phrase rules)',
    roles: INPUT_ROLES,
    defaultThreshold: 0.5,
    defaultAction: 'block',
    options: none,
    create: () => injectionDetector,
  }),
  jailbreak: def({
    ruleId: 'guard.injection.jailbreak',
    description: 'jailbreak templates (shares the injection classifier)',
    roles: INPUT_ROLES,
    defaultThreshold: 0.5,
    defaultAction: 'block',
    options: none,
    create: () => jailbreakDetector,
  }),
  indirect: def({
    ruleId: 'guard.injection.indirect',
    description: 'instructions hidden in documents and tool output (chunked, worst chunk wins)',
    roles: CONTENT_ROLES,
    defaultThreshold: 0.5,
    defaultAction: 'block',
    options: none,
    create: () => indirectDetector,
  }),
  'secret-probe': def({
    ruleId: 'guard.injection.secret-probe',
    description: 'asks for what the system prompt keeps confidential (needs the system prompt)',
    roles: INPUT_ROLES,
    defaultThreshold: 0.5,
    // Flag, not block, by default: benign questions about e-mail or addresses also match when the
    // system prompt holds such data (about 5% of benign prompts in bench:guard's pairing).
    defaultAction: 'flag',
    options: none,
    create: () => secretProbeDetector,
  }),
  harmful: def({
    ruleId: 'guard.content.harmful-request',
    description: 'requests for clearly harmful content',
    roles: INPUT_ROLES,
    defaultThreshold: 0.5,
    defaultAction: 'block',
    options: none,
    create: () => harmfulDetector,
  }),
  pii: def({
    ruleId: 'guard.pii.personal-data',
    description: 'personal data (checksummed formats by default; names and places with entities)',
    roles: ANY,
    defaultThreshold: 0.5,
    defaultAction: 'redact',
    options: (z) =>
      z
        .object({
          entities: z.array(z.enum(PII_ENTITIES)).optional(),
          region: z.string().length(2).optional(),
        })
        .strict(),
    create: (o) => createPiiDetector(o),
  }),
  secrets: def({
    ruleId: 'guard.secrets.credential',
    description: 'API keys, tokens, private keys, connection strings (secretlint rules + entropy)',
    roles: ANY,
    defaultThreshold: 0.5,
    defaultAction: 'redact',
    options: none,
    create: () => secretsDetector,
  }),
  leak: def({
    ruleId: 'guard.leak.system-prompt',
    description: 'system-prompt leakage: canaries, planted secrets, overlap with the system prompt',
    roles: OUTPUT_ROLES,
    defaultThreshold: 0.5,
    defaultAction: 'block',
    options: (z) =>
      z
        .object({
          canaries: z.array(z.string().min(4)).optional(),
          secrets: z.array(z.string()).optional(),
          systemPrompt: z.string().optional(),
          minOverlap: z.number().gt(0).max(1).optional(),
        })
        .strict(),
    create: (o) => createLeakDetector(o),
  }),
  'exfil-links': def({
    ruleId: 'guard.output.exfil-link',
    description: 'markdown images and links to hosts outside the allowlist',
    roles: OUTPUT_ROLES,
    defaultThreshold: 0.5,
    defaultAction: 'block',
    options: (z) =>
      z.object({ allowDomains: z.array(z.string()).optional(), links: z.boolean().optional() }).strict(),
    create: (o) => createExfilDetector(o),
  }),
  refusal: def({
    ruleId: 'guard.output.refusal',
    description: 'the response refuses (for red-team judging)',
    roles: OUTPUT_ROLES,
    defaultThreshold: 0.5,
    defaultAction: 'flag',
    options: none,
    create: () => refusalDetector,
  }),
  'json-schema': def({
    ruleId: 'guard.output.json-schema',
    description: 'the response must be JSON conforming to a schema',
    roles: OUTPUT_ROLES,
    defaultThreshold: 0.5,
    defaultAction: 'block',
    options: (z) => z.object({ schema: z.record(z.string(), z.unknown()) }).strict(),
    create: (o) => createJsonSchemaDetector(o),
  }),
  transformer: def({
    ruleId: 'guard.injection.transformer',
    description: 'a local ONNX transformer classifier (asynchronous: checkInputAsync)',
    roles: [...INPUT_ROLES, ...CONTENT_ROLES],
    defaultThreshold: 0.5,
    defaultAction: 'block',
    options: (z) =>
      z
        .object({
          model: z.string().min(1),
          vocab: z.string().min(1),
          maxLength: z.number().int().min(8).max(4096).optional(),
          positiveIndex: z.number().int().min(0).optional(),
          lowercase: z.boolean().optional(),
          maxChunks: z.number().int().min(1).max(64).optional(),
        })
        .strict(),
    createAsync: (o) => createTransformerDetector(o),
  }),
} as const;

export type DetectorId = keyof typeof DETECTORS;
export const DETECTOR_IDS = Object.keys(DETECTORS) as DetectorId[];
