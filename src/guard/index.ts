// The guard engine: detectors for prompt injection, jailbreaks, harmful requests, PII, secrets and
// output leaks, run by policy. Synchronous so the gateway can call it inline on every request.
export { findPii, ibanValid, luhn, PII_ENTITIES, FORMAT_ENTITIES, type PiiEntity } from './detectors/pii.ts';
export { findSecrets, entropy } from './detectors/secrets.ts';
export { type AsyncDetector, createTransformerDetector, type TransformerOptions } from './detectors/onnx.ts';
export { refusalDetector } from './detectors/output.ts';
export { decisionFindings } from './findings.ts';
export { normalizeText, decodeLayers, prepareInput, rot13 } from './normalize.ts';
export {
  createGuard,
  detectorErrors,
  type ChatMessage,
  type Decision,
  type DetectorOutcome,
  type Guard,
  type GuardOptions,
  type StreamHandle,
} from './pipeline.ts';
// The policy schemas (zod) are in policy-schema.ts, imported directly where a policy arrives from
// outside: re-exported here they would load zod for every guard.
export {
  type AllowEntry,
  DEFAULT_POLICY,
  type DetectorRef,
  GUARD_ACTIONS,
  type GuardAction,
  type GuardPolicy,
  type GuardPolicyInput,
} from './policy.ts';
export { PseudonymVault, redact, type RedactionMode } from './redact.ts';
export { type Action, DETECTOR_IDS, DETECTORS, type DetectorId } from './registry.ts';
export { GUARD_RULES, type GuardRuleId } from './rules.ts';
export type * from './types.ts';
