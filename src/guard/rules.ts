import { defineRules } from '../core/index.ts';

/** Every guard rule, declared once: a decision's triggered detectors become findings with these ids. */
export const GUARD_RULES = defineRules({
  'guard.injection.direct': {
    title: 'Prompt injection in a user prompt',
    severity: 'high',
    description: 'The prompt tries to override the application instructions or extract the system prompt.',
    remediation: 'Block the request; keep privileged instructions out of reach of user text.',
    refs: ['owasp:llm:01', 'atlas:AML.T0051.000'],
  },
  'guard.injection.jailbreak': {
    title: 'Jailbreak attempt',
    severity: 'high',
    description:
      'The prompt uses a jailbreak template (persona, "no restrictions", developer mode) to defeat safety behaviour.',
    remediation: 'Block the request and watch the client for repeated attempts.',
    refs: ['owasp:llm:01', 'atlas:AML.T0054'],
  },
  'guard.injection.indirect': {
    title: 'Indirect prompt injection in retrieved content',
    severity: 'high',
    description: 'A document or tool output contains instructions aimed at the model (indirect injection).',
    remediation:
      'Drop or quarantine the content before it reaches the model; treat third-party text as data.',
    refs: ['owasp:llm:01', 'atlas:AML.T0051.001'],
  },
  'guard.injection.secret-probe': {
    title: 'Request for content the system prompt protects',
    severity: 'medium',
    confidence: 'medium',
    description:
      'The prompt asks for a secret or personal data that the system prompt says to keep confidential.',
    remediation: 'Do not put secrets in system prompts; block or answer without the protected content.',
    refs: ['owasp:llm:07', 'atlas:AML.T0056'],
  },
  'guard.injection.transformer': {
    title: 'Prompt injection (transformer model)',
    severity: 'high',
    description: 'A local ONNX transformer classifier scored the text as prompt injection.',
    remediation: 'Block the request.',
    refs: ['owasp:llm:01', 'atlas:AML.T0051'],
  },
  'guard.content.harmful-request': {
    title: 'Request for clearly harmful content',
    severity: 'high',
    confidence: 'medium',
    description: 'The prompt asks for content such as weapons, malware or abuse instructions.',
    remediation: 'Refuse the request.',
    refs: ['owasp:llm:01', 'atlas:AML.T0054'],
  },
  'guard.pii.personal-data': {
    title: 'Personal data in text',
    severity: 'medium',
    description: 'E-mail addresses, phone numbers, payment cards, IBANs, SSNs, addresses or names.',
    remediation: 'Redact or pseudonymise personal data before it leaves the trust boundary.',
    refs: ['owasp:llm:02', 'atlas:AML.T0057'],
  },
  'guard.secrets.credential': {
    title: 'Secret or credential in text',
    severity: 'critical',
    description: 'An API key, token, private key or connection string.',
    remediation: 'Redact it, then revoke and rotate the credential.',
    refs: ['owasp:llm:02', 'atlas:AML.T0055', 'cwe:798'],
  },
  'guard.leak.system-prompt': {
    title: 'System prompt leaked in output',
    severity: 'high',
    description: 'The output contains a canary token, a secret of the system prompt, or much of its text.',
    remediation: 'Block the response; move secrets out of the system prompt.',
    refs: ['owasp:llm:07', 'atlas:AML.T0056'],
  },
  'guard.output.exfil-link': {
    title: 'Link or image to a host outside the allowlist',
    severity: 'high',
    description: 'Markdown images load automatically and can carry conversation data to an attacker host.',
    remediation: 'Strip the link or restrict rendered images to allowlisted hosts.',
    refs: ['owasp:llm:05', 'atlas:AML.T0057'],
  },
  'guard.output.refusal': {
    title: 'Model refused',
    severity: 'info',
    description: 'The response is a refusal (the red-team harness reads this as a failed attack).',
    remediation: 'None needed.',
    refs: ['owasp:llm:01'],
  },
  'guard.output.json-schema': {
    title: 'Output does not conform to the JSON schema',
    severity: 'medium',
    description: 'The response is not JSON or fails the configured schema.',
    remediation: 'Reject or retry the response; do not pass it to downstream parsers.',
    refs: ['owasp:llm:05'],
  },
  'guard.engine.detector-error': {
    title: 'Guard detector failed',
    severity: 'high',
    description: 'A detector threw; the decision failed closed (or open, where the policy says so).',
    remediation: 'Check the detector configuration and model files.',
    refs: ['owasp:llm:10'],
  },
});
export type GuardRuleId = keyof typeof GUARD_RULES;
