/**
 * Which imports and dependencies mean "this code uses AI", and the tags each one earns. Python modules
 * and npm packages are matched on the import specifier; PyPI and npm dependency names on manifests
 * are first mapped to the same module names.
 */

interface LibraryRule {
  re: RegExp;
  /** Display name of the library, used in evidence. */
  lib: string;
  tags: string[];
}

const PY: LibraryRule[] = [
  { re: /^openai(\.|$)/, lib: 'openai', tags: ['provider:openai'] },
  { re: /^anthropic(\.|$)/, lib: 'anthropic', tags: ['provider:anthropic'] },
  {
    re: /^langchain_openai(\.|$)/,
    lib: 'langchain-openai',
    tags: ['framework:langchain', 'provider:openai'],
  },
  {
    re: /^langchain_anthropic(\.|$)/,
    lib: 'langchain-anthropic',
    tags: ['framework:langchain', 'provider:anthropic'],
  },
  { re: /^langchain(_\w+)?(\.|$)/, lib: 'langchain', tags: ['framework:langchain'] },
  { re: /^langgraph(\.|$)/, lib: 'langgraph', tags: ['framework:langgraph'] },
  { re: /^llama_index(\.|$)/, lib: 'llama-index', tags: ['framework:llamaindex'] },
  { re: /^transformers(\.|$)/, lib: 'transformers', tags: ['framework:transformers'] },
  {
    re: /^sentence_transformers(\.|$)/,
    lib: 'sentence-transformers',
    tags: ['framework:sentence-transformers'],
  },
  { re: /^diffusers(\.|$)/, lib: 'diffusers', tags: ['framework:diffusers'] },
  { re: /^torch(vision|audio)?(\.|$)/, lib: 'torch', tags: ['framework:torch'] },
  { re: /^tensorflow(\.|$)/, lib: 'tensorflow', tags: ['framework:tensorflow'] },
  { re: /^keras(\.|$)/, lib: 'keras', tags: ['framework:keras'] },
  { re: /^sklearn(\.|$)/, lib: 'scikit-learn', tags: ['framework:sklearn'] },
  { re: /^xgboost(\.|$)/, lib: 'xgboost', tags: ['framework:xgboost'] },
  { re: /^lightgbm(\.|$)/, lib: 'lightgbm', tags: ['framework:lightgbm'] },
  { re: /^catboost(\.|$)/, lib: 'catboost', tags: ['framework:catboost'] },
  { re: /^onnxruntime(\.|$)/, lib: 'onnxruntime', tags: ['framework:onnx'] },
  { re: /^huggingface_hub(\.|$)/, lib: 'huggingface-hub', tags: ['provider:huggingface'] },
  { re: /^cohere(\.|$)/, lib: 'cohere', tags: ['provider:cohere'] },
  { re: /^mistralai(\.|$)/, lib: 'mistralai', tags: ['provider:mistral'] },
  { re: /^google\.(generativeai|genai)(\.|$)/, lib: 'google-genai', tags: ['provider:google'] },
  { re: /^(vertexai|google\.cloud\.aiplatform)(\.|$)/, lib: 'vertexai', tags: ['provider:google-vertex'] },
  { re: /^ollama(\.|$)/, lib: 'ollama', tags: ['provider:ollama'] },
  { re: /^groq(\.|$)/, lib: 'groq', tags: ['provider:groq'] },
  { re: /^replicate(\.|$)/, lib: 'replicate', tags: ['provider:replicate'] },
  { re: /^together(\.|$)/, lib: 'together', tags: ['provider:together'] },
  { re: /^litellm(\.|$)/, lib: 'litellm', tags: ['framework:litellm'] },
  { re: /^vllm(\.|$)/, lib: 'vllm', tags: ['framework:vllm'] },
  { re: /^dspy(\.|$)/, lib: 'dspy', tags: ['framework:dspy'] },
  { re: /^crewai(\.|$)/, lib: 'crewai', tags: ['framework:crewai'] },
  { re: /^(autogen|autogen_\w+)(\.|$)/, lib: 'autogen', tags: ['framework:autogen'] },
];

const JS: LibraryRule[] = [
  { re: /^openai$/, lib: 'openai', tags: ['provider:openai'] },
  { re: /^@azure\/openai$/, lib: '@azure/openai', tags: ['provider:azure-openai'] },
  { re: /^@anthropic-ai\/sdk$/, lib: '@anthropic-ai/sdk', tags: ['provider:anthropic'] },
  { re: /^@langchain\/openai$/, lib: '@langchain/openai', tags: ['framework:langchain', 'provider:openai'] },
  {
    re: /^@langchain\/anthropic$/,
    lib: '@langchain/anthropic',
    tags: ['framework:langchain', 'provider:anthropic'],
  },
  { re: /^(langchain|@langchain\/[\w.-]+)$/, lib: 'langchain', tags: ['framework:langchain'] },
  { re: /^llamaindex$/, lib: 'llamaindex', tags: ['framework:llamaindex'] },
  { re: /^ai$/, lib: 'ai', tags: ['framework:vercel-ai'] },
  { re: /^@ai-sdk\/openai$/, lib: '@ai-sdk/openai', tags: ['framework:vercel-ai', 'provider:openai'] },
  {
    re: /^@ai-sdk\/anthropic$/,
    lib: '@ai-sdk/anthropic',
    tags: ['framework:vercel-ai', 'provider:anthropic'],
  },
  { re: /^@ai-sdk\/google$/, lib: '@ai-sdk/google', tags: ['framework:vercel-ai', 'provider:google'] },
  { re: /^@ai-sdk\/mistral$/, lib: '@ai-sdk/mistral', tags: ['framework:vercel-ai', 'provider:mistral'] },
  { re: /^@ai-sdk\/[\w.-]+$/, lib: '@ai-sdk', tags: ['framework:vercel-ai'] },
  { re: /^cohere-ai$/, lib: 'cohere-ai', tags: ['provider:cohere'] },
  { re: /^@mistralai\/mistralai$/, lib: '@mistralai/mistralai', tags: ['provider:mistral'] },
  { re: /^@google\/(generative-ai|genai)$/, lib: '@google/genai', tags: ['provider:google'] },
  { re: /^@google-cloud\/vertexai$/, lib: '@google-cloud/vertexai', tags: ['provider:google-vertex'] },
  { re: /^ollama$/, lib: 'ollama', tags: ['provider:ollama'] },
  { re: /^groq-sdk$/, lib: 'groq-sdk', tags: ['provider:groq'] },
  { re: /^replicate$/, lib: 'replicate', tags: ['provider:replicate'] },
  { re: /^@huggingface\/inference$/, lib: '@huggingface/inference', tags: ['provider:huggingface'] },
  {
    re: /^(@huggingface|@xenova)\/transformers$/,
    lib: '@huggingface/transformers',
    tags: ['framework:transformers'],
  },
  { re: /^@tensorflow\/tfjs(-[\w-]+)?$/, lib: '@tensorflow/tfjs', tags: ['framework:tensorflow'] },
  { re: /^onnxruntime-(node|web)$/, lib: 'onnxruntime', tags: ['framework:onnx'] },
];

export interface LibraryHit {
  lib: string;
  tags: string[];
}

export function matchPythonModule(module: string): LibraryHit | undefined {
  const r = PY.find((x) => x.re.test(module));
  return r ? { lib: r.lib, tags: r.tags } : undefined;
}

/** Matches an npm import specifier (`openai`, `@ai-sdk/openai/internal`, `openai/resources`). */
export function matchJsPackage(specifier: string): LibraryHit | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:'))
    return undefined;
  const parts = specifier.split('/');
  const pkg = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const r = JS.find((x) => x.re.test(pkg));
  return r ? { lib: r.lib, tags: r.tags } : undefined;
}

const PYPI_ALIASES: Record<string, string> = {
  scikit_learn: 'sklearn',
  google_generativeai: 'google.generativeai',
  google_genai: 'google.genai',
  google_cloud_aiplatform: 'google.cloud.aiplatform',
  tensorflow_cpu: 'tensorflow',
  tensorflow_gpu: 'tensorflow',
  tf_keras: 'keras',
  onnxruntime_gpu: 'onnxruntime',
  pyautogen: 'autogen',
  ag2: 'autogen',
};

/** Maps a PyPI distribution name (`scikit-learn`, `llama-index-core`) to the module it provides. */
export function matchPypiPackage(name: string): LibraryHit | undefined {
  const norm = name.toLowerCase().replace(/[-.]/g, '_');
  const module = PYPI_ALIASES[norm] ?? (norm.startsWith('llama_index') ? 'llama_index' : norm);
  return matchPythonModule(module);
}
