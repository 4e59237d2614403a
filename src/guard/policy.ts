import type { RedactionMode } from './redact.ts';
import type { Action, DetectorId } from './registry.ts';

// Plain policy types and the default policy. Validating a policy from outside (bulwark.yaml,
// `check --policy`, createGuard with anything but DEFAULT_POLICY) is policy-schema.ts's job, so a guard
// on the default policy loads no schema library.

export const GUARD_ACTIONS = ['allow', 'flag', 'redact', 'block'] as const;
export type GuardAction = Action;

/** One detector in a policy: its id alone, or with a threshold, an action and options. */
export type DetectorRef =
  | DetectorId
  | {
      id: DetectorId;
      threshold?: number;
      action?: GuardAction;
      options?: Record<string, unknown>;
    };

/** A phrase, or a regular expression with its flags, whose matches no detector sees. */
export type AllowEntry = string | { pattern: string; flags?: string };

/** A guard policy, validated: what `policies.<name>` in bulwark.yaml becomes. */
export interface GuardPolicy {
  input: DetectorRef[];
  output: DetectorRef[];
  /** Overrides every detector's default action when set (`action: flag` turns a policy into monitor mode). */
  action?: GuardAction;
  /** Phrases or regular expressions whose matches no detector sees. */
  allowlist: AllowEntry[];
  /** A detector that throws blocks the request (true) or is skipped (false); it is counted either way. */
  failClosed: boolean;
  redaction: { mode: RedactionMode };
}

/** A guard policy as written: every field may be left out. */
export interface GuardPolicyInput {
  input?: DetectorRef[];
  output?: DetectorRef[];
  action?: GuardAction;
  allowlist?: AllowEntry[];
  failClosed?: boolean;
  redaction?: { mode?: RedactionMode };
}

/** The policy a guard uses when none is given; policy-schema.ts defaults each field from it. */
export const DEFAULT_POLICY: GuardPolicy = {
  input: ['injection', 'jailbreak', 'indirect', 'secret-probe', 'pii', 'secrets'],
  output: ['leak', 'pii', 'secrets', 'exfil-links'],
  allowlist: [],
  failClosed: true,
  redaction: { mode: 'mask' },
};
