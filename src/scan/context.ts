import { type Finding, makeFinding, type Severity } from '../core/index.ts';
import type { Policy } from './policy.ts';
import { SCAN_RULES, type ScanRuleId } from './rules.ts';

/** Per-file bounds: every parser checks them, and reaching one is a finding (fail closed). */
export interface ScanLimits {
  /** Largest member or stream read into memory (pickles, headers, compressed payloads). */
  maxInMemoryBytes: number;
  /** Largest total of decompressed bytes per file (zip bombs, nested archives). */
  maxExpandedBytes: number;
  /** Archive nesting depth (zip in zip in tar …). */
  maxDepth: number;
  maxMembers: number;
  /** Wall-clock budget per top-level file. */
  timeMs: number;
  /** Largest JSON/protobuf header (safetensors, GGUF metadata, ONNX graph). */
  maxHeaderBytes: number;
}

export const DEFAULT_LIMITS: ScanLimits = {
  maxInMemoryBytes: 256 * 1024 * 1024,
  maxExpandedBytes: 1024 * 1024 * 1024,
  maxDepth: 8,
  maxMembers: 100_000,
  timeMs: 60_000,
  maxHeaderBytes: 32 * 1024 * 1024,
};

export interface Hit {
  member?: string;
  offset?: number;
  title?: string;
  severity?: Severity;
  evidence?: Record<string, unknown>;
}

/** Thrown by a decoder's tick once the file's time budget is spent: the caller reports a limit finding. */
export class TimeLimit extends Error {}

/** Collects the findings of one top-level file and carries its budget. */
export class ScanContext {
  readonly findings: Finding[] = [];
  readonly formats = new Set<string>();
  expanded = 0;
  /** True once any part of the file was recognised as a model format. */
  recognised = false;
  readonly deadline: number;

  readonly path: string;
  readonly policy: Policy;
  readonly limits: ScanLimits;

  constructor(path: string, policy: Policy, limits: ScanLimits) {
    this.path = path;
    this.policy = policy;
    this.limits = limits;
    this.deadline = Date.now() + limits.timeMs;
  }

  add(rule: ScanRuleId, hit: Hit = {}): void {
    if (this.findings.length >= 2000) return;
    this.findings.push(
      makeFinding(SCAN_RULES[rule], {
        ...(hit.title ? { title: hit.title } : {}),
        ...(hit.severity ? { severity: hit.severity } : {}),
        location: {
          path: this.path,
          ...(hit.member ? { member: hit.member } : {}),
          ...(hit.offset !== undefined && hit.offset >= 0 ? { offset: hit.offset } : {}),
        },
        evidence: hit.evidence ?? {},
      }),
    );
  }

  /** Accounts for decompressed bytes; false (and a finding) once the per-file budget is spent. */
  expand(n: number, member: string): boolean {
    this.expanded += n;
    if (this.expanded > this.limits.maxExpandedBytes) {
      this.add('scan.file.limit-reached', {
        member,
        title: `Decompressed size limit (${this.limits.maxExpandedBytes} bytes) reached`,
        evidence: { limit: 'maxExpandedBytes' },
      });
      return false;
    }
    return true;
  }

  /** For long-running decoders: throws TimeLimit once the deadline has passed. */
  readonly tick = (): void => {
    if (Date.now() > this.deadline) throw new TimeLimit(`time limit (${this.limits.timeMs} ms) reached`);
  };

  /** The limit finding for a TimeLimit caught at `member`. */
  timeLimitReached(member: string | undefined, what: string): void {
    this.add('scan.file.limit-reached', {
      member,
      title: `${what} did not decode within the time limit (${this.limits.timeMs} ms)`,
      evidence: { limit: 'timeMs' },
    });
  }

  timeLeft(member: string): boolean {
    if (Date.now() <= this.deadline) return true;
    this.add('scan.file.limit-reached', {
      member,
      title: `Time limit (${this.limits.timeMs} ms) reached`,
      evidence: { limit: 'timeMs' },
    });
    return false;
  }
}

export function joinMember(parent: string | undefined, child: string): string {
  return parent ? `${parent}!/${child}` : child;
}
