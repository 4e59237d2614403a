import { defineRules } from '../core/index.ts';

const SUPPLY = ['atlas:AML.T0010.003', 'atlas:AML.T0011', 'owasp:llm:03'];
const EXEC = [...SUPPLY, 'cwe:502'];
const DO_NOT_LOAD =
  'Do not load this file. Obtain the model from a trusted source, or in a format that cannot run code (safetensors, GGUF, ONNX without custom ops).';
const CANNOT_PROVE =
  'Treat the file as unsafe until it can be scanned: re-export it in a supported, unencrypted format, or raise the limit with --policy if the file is trusted.';

/** Every rule of the model scanner, declared once. */
export const SCAN_RULES = defineRules({
  'scan.pickle.dangerous-callable': {
    title: 'Pickle calls a dangerous callable',
    severity: 'critical',
    description:
      'The pickle resolves a global on the policy’s dangerous list (code execution, commands, imports, nested loaders, network or file access); loading it runs that callable.',
    remediation: DO_NOT_LOAD,
    refs: EXEC,
  },
  'scan.pickle.dynamic-global': {
    title: 'Pickle resolves a global computed at run time',
    severity: 'critical',
    description:
      'STACK_GLOBAL operands are not string literals (a call result, memo type confusion), so the callable is unknown until load time: a way to defeat any list.',
    remediation: DO_NOT_LOAD,
    refs: EXEC,
  },
  'scan.pickle.unsafe-global': {
    title: 'Pickle references a global outside the allowlist in a sensitive package',
    severity: 'high',
    description:
      'A global from the standard library or an ML framework that benign artifacts do not use, or an attribute path reached through a module: default deny.',
    remediation: DO_NOT_LOAD,
    refs: EXEC,
  },
  'scan.pickle.unknown-global': {
    title: 'Pickle references a global outside the allowlist',
    severity: 'medium',
    description:
      'Default deny: the global is not on the allowlist of benign ML artifacts. Review it, and add it to a project policy if it is expected (for example a custom model class).',
    remediation:
      'Check that the class is your own or a trusted library’s, then allow it in a policy file (--policy), or re-export the model as safetensors.',
    refs: EXEC,
  },
  'scan.pickle.suspicious-argument': {
    title: 'Pickle passes code or a command to a callable',
    severity: 'high',
    description: 'A call in the pickle receives a string that looks like code, a shell command or a URL.',
    remediation: DO_NOT_LOAD,
    refs: EXEC,
  },
  'scan.pickle.extension-opcode': {
    title: 'Pickle uses the copyreg extension registry (EXT1/EXT2/EXT4)',
    severity: 'high',
    description:
      'Extension codes resolve to callables registered at run time, which a static scan cannot see.',
    remediation: DO_NOT_LOAD,
    refs: EXEC,
  },
  'scan.pickle.attribute-overwrite': {
    title: 'Pickle overwrites attributes of a module or class',
    severity: 'high',
    description:
      'BUILD sets attributes on a global (module or class) or dunder attributes on an object: a way to patch allowed functions, the loader or the scanner.',
    remediation: DO_NOT_LOAD,
    refs: EXEC,
  },
  'scan.pickle.name-anomaly': {
    title: 'Pickle global name is malformed',
    severity: 'medium',
    description:
      'A GLOBAL/INST name with unusual line terminators, whitespace or invalid UTF-8: a parser-confusion trick.',
    remediation: DO_NOT_LOAD,
    refs: EXEC,
  },
  'scan.pickle.malformed': {
    title: 'Pickle stream is malformed',
    severity: 'medium',
    description:
      'The stream breaks (unknown opcode, truncation, missing memo key). A loader executes everything before the break, so earlier calls are still reported.',
    remediation: DO_NOT_LOAD,
    refs: EXEC,
  },
  'scan.pickle.trailing-data': {
    title: 'Data after the last pickle',
    severity: 'low',
    description:
      'Bytes follow the final STOP opcode; they are not loaded by pickle.load but may hide content.',
    remediation: 'Check where the file came from; re-save it with the original library.',
    refs: SUPPLY,
  },
  'scan.file.unparseable': {
    title: 'Model file could not be parsed',
    severity: 'high',
    description:
      'The file looks like a model format but could not be parsed, so it cannot be proven safe (fail closed).',
    remediation: CANNOT_PROVE,
    refs: SUPPLY,
  },
  'scan.file.limit-reached': {
    title: 'Scan limit reached',
    severity: 'high',
    description:
      'A size, depth, time or count limit stopped the scan before the whole file was analysed (fail closed).',
    remediation: CANNOT_PROVE,
    refs: [...SUPPLY, 'owasp:llm:10'],
  },
  'scan.file.not-a-model': {
    title: 'File is not a recognised model format',
    severity: 'low',
    description: 'The content matches no model format Bulwark knows, whatever its extension.',
    remediation: 'Check the file: it is not a model the scanner can vouch for.',
    refs: SUPPLY,
  },
  'scan.archive.encrypted': {
    title: 'Archive member is encrypted',
    severity: 'high',
    description: 'An encrypted member cannot be read, so it cannot be proven safe (fail closed).',
    remediation: CANNOT_PROVE,
    refs: SUPPLY,
  },
  'scan.archive.name-mismatch': {
    title: 'Zip local header name differs from the central directory',
    severity: 'high',
    description:
      'Loaders that read local headers (PyTorch) and scanners that read the central directory see different members.',
    remediation: DO_NOT_LOAD,
    refs: SUPPLY,
  },
  'scan.archive.irregular': {
    title: 'Zip member is irregular',
    severity: 'low',
    description:
      'CRC mismatch or unusual flag bits: Python’s zipfile refuses the member, PyTorch reads it anyway.',
    remediation: 'Re-save the archive with a standard tool; do not trust a scanner that skipped it.',
    refs: SUPPLY,
  },
  'scan.archive.path-traversal': {
    title: 'Archive member path escapes the extraction directory',
    severity: 'high',
    description:
      'Absolute paths, `..` components or links in an archive write outside the target directory when extracted.',
    remediation: 'Do not extract this archive; obtain the model from a trusted source.',
    refs: [...SUPPLY, 'cwe:22'],
  },
  'scan.numpy.object-array': {
    title: 'NumPy array of Python objects',
    severity: 'info',
    description: 'An object array is stored as a pickle; its pickle is scanned like any other.',
    remediation: 'Prefer plain numeric arrays; load with allow_pickle=False where possible.',
    refs: SUPPLY,
  },
  'scan.keras.lambda-layer': {
    title: 'Keras Lambda layer with serialized code',
    severity: 'critical',
    description:
      'A Lambda layer carries marshalled Python bytecode or source that runs when the model loads.',
    remediation: DO_NOT_LOAD,
    refs: EXEC,
  },
  'scan.keras.unsafe-reference': {
    title: 'Keras config references an unsafe module or function',
    severity: 'critical',
    description:
      'A layer or object config names a module/function outside Keras (or a known gadget such as get_file or TorchModuleWrapper), or turns safe mode off.',
    remediation: DO_NOT_LOAD,
    refs: EXEC,
  },
  'scan.tf.dangerous-op': {
    title: 'TensorFlow graph uses an op that runs Python or touches files',
    severity: 'critical',
    description:
      'PyFunc/EagerPyFunc run Python; ReadFile/WriteFile/MatchingFiles and similar read or write the host.',
    remediation: DO_NOT_LOAD,
    refs: EXEC,
  },
  'scan.onnx.external-data-traversal': {
    title: 'ONNX external data path escapes the model directory',
    severity: 'critical',
    description:
      'An external-data location is absolute or climbs with `..`, so loading reads arbitrary files.',
    remediation: DO_NOT_LOAD,
    refs: [...SUPPLY, 'cwe:22'],
  },
  'scan.onnx.custom-op': {
    title: 'ONNX model uses a custom operator domain',
    severity: 'medium',
    description:
      'Nodes in a non-standard domain need a custom runtime library; Python-op domains run Python code.',
    remediation: 'Check the custom operator library; prefer models with standard ops only.',
    refs: SUPPLY,
  },
  'scan.onnx.control-flow': {
    title: 'ONNX graph contains control-flow subgraphs',
    severity: 'low',
    description: 'If/Loop/Scan subgraphs can hide trigger logic (a graph backdoor); review them.',
    remediation: 'Review the subgraphs, or compare the model against a trusted export.',
    refs: ['atlas:AML.T0010.003', 'owasp:llm:04'],
  },
  'scan.gguf.template-injection': {
    title: 'GGUF chat template can escape the Jinja sandbox',
    severity: 'critical',
    description:
      'tokenizer.chat_template uses attribute chains (__class__, __subclasses__, __globals__, …) that reach Python internals when rendered.',
    remediation: DO_NOT_LOAD,
    refs: [...EXEC, 'cwe:1336'],
  },
  'scan.gguf.template-hidden-instruction': {
    title: 'GGUF chat template injects conditional instructions',
    severity: 'medium',
    description: 'The template adds hidden text to prompts under conditions (a prompt backdoor).',
    remediation: 'Review the chat template, or replace it with the upstream one.',
    refs: ['atlas:AML.T0010.003', 'atlas:AML.T0051', 'owasp:llm:01'],
  },
  'scan.gguf.header': {
    title: 'GGUF header is inconsistent',
    severity: 'high',
    description:
      'Bad alignment, huge counts or dimensions, tensor offsets out of order or past the end of the file.',
    remediation: CANNOT_PROVE,
    refs: SUPPLY,
  },
  'scan.safetensors.header': {
    title: 'safetensors header is inconsistent',
    severity: 'high',
    description:
      'Header past the end of file, offsets out of bounds, overlaps, gaps, trailing bytes or size ≠ dtype × shape.',
    remediation: CANNOT_PROVE,
    refs: SUPPLY,
  },
  'scan.safetensors.metadata': {
    title: 'safetensors metadata contains code or URLs',
    severity: 'medium',
    description: 'The __metadata__ strings carry code, commands or URLs.',
    remediation: 'Review the metadata; strip it before publishing.',
    refs: SUPPLY,
  },
  'scan.config.unsafe-target': {
    title: 'Model config instantiates an arbitrary callable',
    severity: 'high',
    description:
      'A Hydra `_target_` (NeMo) or similar names a callable outside the model library, run on load.',
    remediation: DO_NOT_LOAD,
    refs: EXEC,
  },
});

export type ScanRuleId = keyof typeof SCAN_RULES;
