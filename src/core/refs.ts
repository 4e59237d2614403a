/**
 * Framework references are namespaced strings (`atlas:AML.T0051`, `owasp:llm:01`, `cwe:502`),
 * so one field carries every framework and new ones need no schema change.
 */
const PATTERNS: Record<string, RegExp> = {
  atlas: /^atlas:AML\.(T|TA|M)\d{4}(\.\d{3})?$/,
  'owasp-llm': /^owasp:llm:(0[1-9]|10)$/,
  'owasp-ml': /^owasp:ml:(0[1-9]|10)$/,
  cwe: /^cwe:\d{1,5}$/,
  nist: /^nist:ai-rmf:(GOVERN|MAP|MEASURE|MANAGE)-\d+(\.\d+)?$/,
  iso: /^iso42001:[A-Z](\.\d+)+$/,
  euaiact: /^eu-ai-act:art-\d+(\.\d+)?$/,
};

/** A namespaced framework reference; `isFrameworkRef` (and the schema in schemas.ts) check the form. */
export type FrameworkRef = string;

export const FRAMEWORK_REF_MESSAGE =
  'expected a namespaced framework reference such as atlas:AML.T0051, owasp:llm:01 or cwe:502';

export function isFrameworkRef(ref: unknown): ref is FrameworkRef {
  return typeof ref === 'string' && Object.values(PATTERNS).some((p) => p.test(ref));
}

/** OWASP Top 10 for LLM Applications, 2025 edition. */
export const OWASP_LLM_2025: Record<string, string> = {
  'owasp:llm:01': 'Prompt Injection',
  'owasp:llm:02': 'Sensitive Information Disclosure',
  'owasp:llm:03': 'Supply Chain',
  'owasp:llm:04': 'Data and Model Poisoning',
  'owasp:llm:05': 'Improper Output Handling',
  'owasp:llm:06': 'Excessive Agency',
  'owasp:llm:07': 'System Prompt Leakage',
  'owasp:llm:08': 'Vector and Embedding Weaknesses',
  'owasp:llm:09': 'Misinformation',
  'owasp:llm:10': 'Unbounded Consumption',
};

/** The MITRE ATLAS techniques Bulwark's engines cite most; the full matrix lives in govern. */
export const ATLAS_TECHNIQUES: Record<string, string> = {
  'atlas:AML.T0010': 'AI Supply Chain Compromise',
  'atlas:AML.T0010.003': 'AI Supply Chain Compromise: Model',
  'atlas:AML.T0011': 'User Execution',
  'atlas:AML.T0011.000': 'User Execution: Unsafe AI Artifacts',
  'atlas:AML.T0015': 'Evade AI Model',
  'atlas:AML.T0020': 'Poison Training Data',
  'atlas:AML.T0024': 'Exfiltration via AI Inference API',
  'atlas:AML.T0024.000': 'Infer Training Data Membership',
  'atlas:AML.T0024.001': 'Invert AI Model',
  'atlas:AML.T0024.002': 'Extract AI Model',
  'atlas:AML.T0029': 'Denial of AI Service',
  'atlas:AML.T0040': 'AI Model Inference API Access',
  'atlas:AML.T0043': 'Craft Adversarial Data',
  'atlas:AML.T0051': 'LLM Prompt Injection',
  'atlas:AML.T0051.000': 'LLM Prompt Injection: Direct',
  'atlas:AML.T0051.001': 'LLM Prompt Injection: Indirect',
  'atlas:AML.T0054': 'LLM Jailbreak',
  'atlas:AML.T0055': 'Unsecured Credentials',
  'atlas:AML.T0056': 'Extract LLM System Prompt',
  'atlas:AML.T0057': 'LLM Data Leakage',
};

export function describeRef(ref: string): string | undefined {
  return OWASP_LLM_2025[ref] ?? ATLAS_TECHNIQUES[ref];
}
