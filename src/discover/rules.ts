import { defineRules } from '../core/index.ts';

/** Every finding `discover` can report, declared once with its defaults and framework references. */
export const DISCOVER_RULES = defineRules({
  'discover.secret.plaintext-api-key': {
    title: 'API key in plain text',
    severity: 'critical',
    confidence: 'high',
    description:
      'A credential for an AI provider or a code host is written in a source or config file, where anyone with read access to the repository (or its history) can use it.',
    remediation:
      'Revoke the key at the provider now, remove it from the file and from git history, and load it from a secret manager or an environment variable that is not committed.',
    refs: ['owasp:llm:02', 'atlas:AML.T0055', 'cwe:798'],
  },
  'discover.code.trust-remote-code': {
    title: 'Model loaded with trust_remote_code',
    severity: 'medium',
    confidence: 'high',
    description:
      'trust_remote_code=True (or --trust-remote-code) makes transformers/vLLM download and run Python from the model repository on every load: whoever controls that repository runs code here.',
    remediation:
      'Pin the model to a reviewed commit (revision=…), vendor the modelling code, or use a model whose architecture ships with the library.',
    refs: ['atlas:AML.T0010.003', 'owasp:llm:03', 'cwe:494'],
  },
  'discover.artifact.disguised-pickle': {
    title: 'Pickle data behind a safe-looking extension',
    severity: 'high',
    confidence: 'high',
    description:
      'The file name promises a format that cannot run code (safetensors, ONNX, NumPy, GGUF, CSV …) but the bytes are a Python pickle, which executes code when loaded.',
    remediation:
      'Do not load this file. Run `bulwark scan` on it and obtain the model from a trusted source in a safe format.',
    refs: ['atlas:AML.T0010.003', 'atlas:AML.T0011.000', 'owasp:llm:03', 'cwe:502'],
  },
  'discover.artifact.unrecognized-content': {
    title: 'Extension names a model or data format but the bytes do not match it',
    severity: 'info',
    confidence: 'medium',
    description:
      'The file extension claims a known model or dataset format, but none of the format signatures matched; it may be truncated, a Git LFS pointer, or something else renamed.',
    remediation: 'Check where the file came from; fetch the real artifact if this is an LFS pointer.',
    refs: ['owasp:llm:03'],
  },
  'discover.io.unreadable': {
    title: 'File or directory could not be read',
    severity: 'info',
    confidence: 'high',
    description: 'Discovery could not read this path (permissions, a race with a deletion, an I/O error).',
    remediation: 'Run discovery with permission to read the whole tree, or exclude the path.',
    refs: [],
  },
  'discover.limit.max-files': {
    title: 'File limit reached: the inventory is incomplete',
    severity: 'info',
    confidence: 'high',
    description: 'Discovery stopped walking after the configured number of files.',
    remediation: 'Raise --max-files (or discover.maxFiles) or point discovery at a narrower folder.',
    refs: [],
  },
});
