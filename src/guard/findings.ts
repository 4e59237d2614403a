import { type Finding, makeFinding } from '../core/index.ts';
import type { Decision } from './pipeline.ts';
import { GUARD_RULES } from './rules.ts';

/** Turns a decision's triggered detectors into findings (gateway events, red-team results, data audits). */
export function decisionFindings(
  decision: Decision,
  where: { requestId?: string; path?: string; row?: number } = {},
): Finding[] {
  return decision.outcomes
    .filter((o) => o.triggered)
    .map((o) =>
      makeFinding(GUARD_RULES[o.ruleId], {
        location: {
          ...(where.requestId ? { requestId: where.requestId } : {}),
          ...(where.path ? { path: where.path } : {}),
          ...(where.row !== undefined ? { row: where.row } : {}),
          ...(o.spans[0] ? { offset: o.spans[0].start } : {}),
        },
        evidence: {
          detector: o.detector,
          score: o.score,
          threshold: o.threshold,
          action: o.action,
          explanation: o.explanation,
          spans: o.spans.map((s) => ({ start: s.start, end: s.end, label: s.label })),
        },
      }),
    );
}
