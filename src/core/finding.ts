import type { AssetKind } from './asset.ts';
import { ValidationError } from './errors.ts';
import { newId } from './ids.ts';
import { FRAMEWORK_REF_MESSAGE, isFrameworkRef } from './refs.ts';
import type { Confidence, Severity } from './severity.ts';

// Plain types: engines build and read findings without a schema library; the zod schemas that validate
// findings arriving from outside (API bodies, stored rows) live in schemas.ts, checked equal to these.

/** `<engine>.<area>.<rule>` in kebab case, e.g. `scan.pickle.dangerous-callable`. */
export const RULE_ID_PATTERN = /^[a-z][a-z0-9]*(\.[a-z0-9]+(-[a-z0-9]+)*){2,}$/;
export const RULE_ID_MESSAGE = 'expected <engine>.<area>.<rule> in kebab case';
export type RuleId = string;

export function isRuleId(id: unknown): id is RuleId {
  return typeof id === 'string' && RULE_ID_PATTERN.test(id);
}

/** Free-form but JSON-safe facts that back a finding: the callable, the matched span, the score. */
export type Evidence = Record<string, unknown>;

/** Where a finding was seen: a file (and member/offset/line), a dataset row, a gateway request. */
export interface Location {
  path?: string;
  member?: string;
  offset?: number;
  line?: number;
  column?: number;
  row?: number;
  field?: string;
  requestId?: string;
  url?: string;
}

export interface AssetRef {
  id?: string;
  kind: AssetKind;
  name: string;
  version?: string;
}

export interface Finding {
  id: string;
  runId?: string;
  ruleId: RuleId;
  title: string;
  severity: Severity;
  confidence: Confidence;
  asset?: AssetRef;
  location: Location;
  evidence: Evidence;
  remediation: string;
  refs: string[];
  createdAt?: string;
}

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
    if (!isRuleId(id)) throw new ValidationError(`rules.${id}`, RULE_ID_MESSAGE);
    for (const [i, r] of def.refs.entries())
      if (!isFrameworkRef(r)) throw new ValidationError(`rules.${id}.refs[${i}]`, FRAMEWORK_REF_MESSAGE);
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
