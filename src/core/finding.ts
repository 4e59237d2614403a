import { z } from 'zod';
import { newId } from './ids.ts';
import { FrameworkRef } from './refs.ts';
import { Confidence, Severity } from './severity.ts';
import { AssetKind } from './asset.ts';

/** `<engine>.<area>.<rule>` in kebab case, e.g. `scan.pickle.dangerous-callable`. */
export const RuleId = z
  .string()
  .regex(/^[a-z][a-z0-9]*(\.[a-z0-9]+(-[a-z0-9]+)*){2,}$/, 'expected <engine>.<area>.<rule> in kebab case');

/** Free-form but JSON-safe facts that back a finding: the callable, the matched span, the score. */
export const Evidence = z.record(z.string(), z.unknown());
export type Evidence = z.infer<typeof Evidence>;

/** Where a finding was seen: a file (and member/offset/line), a dataset row, a gateway request. */
export const Location = z
  .object({
    path: z.string().optional(),
    member: z.string().optional(),
    offset: z.number().int().nonnegative().optional(),
    line: z.number().int().positive().optional(),
    column: z.number().int().positive().optional(),
    row: z.number().int().nonnegative().optional(),
    field: z.string().optional(),
    requestId: z.string().optional(),
    url: z.string().optional(),
  })
  .strict();
export type Location = z.infer<typeof Location>;

export const AssetRef = z
  .object({
    id: z.string().optional(),
    kind: AssetKind,
    name: z.string(),
    version: z.string().optional(),
  })
  .strict();
export type AssetRef = z.infer<typeof AssetRef>;

export const Finding = z
  .object({
    id: z.string(),
    runId: z.string().optional(),
    ruleId: RuleId,
    title: z.string().min(1),
    severity: Severity,
    confidence: Confidence,
    asset: AssetRef.optional(),
    location: Location.default({}),
    evidence: Evidence.default({}),
    remediation: z.string().default(''),
    refs: z.array(FrameworkRef).default([]),
    createdAt: z.string().optional(),
  })
  .strict();
export type Finding = z.infer<typeof Finding>;

/** A rule, declared once in its engine's registry, with the defaults its findings inherit. */
export interface RuleDef {
  id: string;
  title: string;
  severity: Severity;
  confidence?: Confidence;
  description: string;
  remediation: string;
  refs: string[];
}

/** Declares an engine's rules in one typed registry; ids are checked at load time. */
export function defineRules<const T extends Record<string, Omit<RuleDef, 'id'>>>(
  rules: T,
): { [K in keyof T]: RuleDef & { id: K & string } } {
  const out: Record<string, RuleDef> = {};
  for (const [id, def] of Object.entries(rules)) {
    RuleId.parse(id);
    for (const r of def.refs) FrameworkRef.parse(r);
    out[id] = { id, ...def };
  }
  return out as { [K in keyof T]: RuleDef & { id: K & string } };
}

export interface FindingInput {
  title?: string;
  severity?: Severity;
  confidence?: Confidence;
  asset?: AssetRef;
  location?: Location;
  evidence?: Evidence;
  remediation?: string;
  refs?: string[];
  runId?: string;
}

/** Builds a finding from a rule's defaults and the specifics of one occurrence. */
export function makeFinding(rule: RuleDef, input: FindingInput = {}): Finding {
  const refs = [...new Set([...rule.refs, ...(input.refs ?? [])])];
  return {
    id: newId('f'),
    ...(input.runId ? { runId: input.runId } : {}),
    ruleId: rule.id,
    title: input.title ?? rule.title,
    severity: input.severity ?? rule.severity,
    confidence: input.confidence ?? rule.confidence ?? 'high',
    ...(input.asset ? { asset: input.asset } : {}),
    location: input.location ?? {},
    evidence: input.evidence ?? {},
    remediation: input.remediation ?? rule.remediation,
    refs,
  };
}
