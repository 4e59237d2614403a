import type { Finding, RuleDef } from './finding.ts';
import type { Severity } from './severity.ts';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note' | 'none'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'none',
};

// GitHub code scanning ranks alerts by this property (0.0–10.0).
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

/** Findings as a SARIF 2.1.0 log, the format CI systems (GitHub, GitLab) ingest. */
export function toSarif(
  findings: Finding[],
  tool: { name: string; version: string; rules?: RuleDef[] },
): Record<string, unknown> {
  const ruleIds = [...new Set(findings.map((f) => f.ruleId))];
  const known = new Map((tool.rules ?? []).map((r) => [r.id, r]));
  const rules = ruleIds.map((id) => {
    const def = known.get(id);
    const sample = findings.find((f) => f.ruleId === id)!;
    return {
      id,
      name: id,
      shortDescription: { text: def?.title ?? sample.title },
      fullDescription: { text: def?.description ?? sample.title },
      help: { text: def?.remediation ?? sample.remediation },
      properties: {
        tags: ['security', ...(def?.refs ?? sample.refs)],
        'security-severity': SECURITY_SEVERITY[def?.severity ?? sample.severity],
      },
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: tool.name, version: tool.version, rules } },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIds.indexOf(f.ruleId),
          level: LEVEL[f.severity],
          message: { text: f.title },
          locations: f.location.path
            ? [
                {
                  physicalLocation: {
                    artifactLocation: { uri: f.location.path },
                    ...(f.location.line
                      ? { region: { startLine: f.location.line } }
                      : f.location.offset !== undefined
                        ? { region: { byteOffset: f.location.offset } }
                        : {}),
                  },
                  ...(f.location.member
                    ? { logicalLocations: [{ name: f.location.member, kind: 'member' }] }
                    : {}),
                },
              ]
            : [],
          partialFingerprints: {
            bulwarkFinding: `${f.ruleId}:${f.location.path ?? ''}:${f.location.member ?? ''}:${f.location.offset ?? f.location.line ?? ''}`,
          },
          properties: { severity: f.severity, confidence: f.confidence, refs: f.refs, evidence: f.evidence },
        })),
      },
    ],
  };
}
