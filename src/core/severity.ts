export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CONFIDENCES = ['high', 'medium', 'low'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export function isSeverity(s: unknown): s is Severity {
  return typeof s === 'string' && Object.hasOwn(RANK, s);
}

export function severityRank(s: Severity): number {
  return RANK[s];
}

/** True when `s` is at or above `threshold` (e.g. `--fail-on high`). */
export function atOrAbove(s: Severity, threshold: Severity): boolean {
  return RANK[s] >= RANK[threshold];
}

export function maxSeverity(list: Iterable<Severity>): Severity | undefined {
  let best: Severity | undefined;
  for (const s of list) if (best === undefined || RANK[s] > RANK[best]) best = s;
  return best;
}

export function countBySeverity(list: Iterable<{ severity: Severity }>): Record<Severity, number> {
  const out: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of list) out[f.severity]++;
  return out;
}
