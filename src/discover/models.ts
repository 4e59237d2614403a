/**
 * Model names and endpoint URLs in code and config. Names are matched as whole tokens against the
 * families providers publish (gpt-4o, claude-…, llama-…, mistral-…, gemini-…); endpoints are URLs
 * whose host or path belongs to a model API.
 */

export interface ModelHit {
  name: string;
  provider: string;
  column: number;
}

export interface EndpointHit {
  /** scheme://host[:port]/path, without credentials, query or fragment. */
  url: string;
  provider: string;
  column: number;
}

const FAMILIES: Array<[RegExp, string]> = [
  [
    /^(?:gpt-(?:3\.5|4|4o|4\.1|4\.5|5|5\.\d|oss)(?:-[a-z0-9.]+)*|chatgpt-4o-latest|text-embedding-(?:3-small|3-large|ada-002)|text-davinci-00\d|dall-e-[23]|whisper-1|tts-1(?:-hd)?|gpt-image-1|o[134]-(?:mini|preview|pro)(?:-[a-z0-9]+)*)$/i,
    'openai',
  ],
  [/^(?:anthropic\.)?claude-[a-z0-9.-]*\d[a-z0-9.-]*(?::\d+)?$/i, 'anthropic'],
  [/^(?:meta-llama\/)?(?:meta-)?(?:code)?llama-?\d[\w.:-]*$/i, 'meta'],
  [
    /^(?:mistralai\/)?(?:open-)?(?:mistral|mixtral|codestral|ministral|magistral|devstral|pixtral)-(?:[\w.]+-)*(?:\d[\w.]*|large|medium|small|tiny|latest|nemo|embed|saba|instruct)(?:-[\w.]+)*$/i,
    'mistral',
  ],
  [/^(?:models\/)?gemini-(?:\d(?:\.\d)?|pro|ultra|nano|flash|exp)[\w.-]*$/i, 'google'],
  [/^(?:google\/)?gemma-?\d[\w.:-]*$/i, 'google'],
  [
    /^command-(?:r|r-plus|a|light|nightly)(?:-[\w.]+)*$|^embed-(?:english|multilingual)-(?:light-)?v\d\.\d$/i,
    'cohere',
  ],
  [/^(?:deepseek-ai\/)?deepseek-(?:chat|coder|reasoner|r1|v\d)[\w.:-]*$/i, 'deepseek'],
  [/^(?:qwen\/)?qwen\d?(?:\.\d)?[-:][\w.:-]+$/i, 'qwen'],
  [/^(?:microsoft\/)?phi-?\d[\w.:-]*$/i, 'microsoft'],
];

/** Every family and loader below needs one of these words; most lines have none. */
const MAYBE_MODEL =
  /gpt|o[134]-|dall-e|whisper|tts-1|text-|davinci|babbage|moderation|claude|llama|stral|mixtral|pixtral|gemini|gemma|command-|embed-|deepseek|qwen|phi|pretrained|SentenceTransformer|hf_hub|snapshot_download|pipeline/i;

// Tokens that can hold a model id: letters, digits and . _ : / - (HF ids, Ollama tags, Bedrock ids).
const TOKEN = /[A-Za-z0-9][\w.:/-]*/g;
// Hugging Face repository ids passed to the usual loaders.
const HF_REF =
  /\b(?:from_pretrained|SentenceTransformer|hf_hub_download|snapshot_download|pipeline)\(\s*(?:[^)]*?\b(?:repo_id|model)\s*=\s*)?["']([\w.-]+\/[\w.-]+|[\w.-]+)["']/g;

export function findModelNames(line: string): ModelHit[] {
  if (!MAYBE_MODEL.test(line)) return [];
  const out: ModelHit[] = [];
  for (const m of line.matchAll(TOKEN)) {
    const tok = m[0].replace(/[.:/-]+$/, '');
    if (tok.length < 4 || tok.length > 100 || tok.includes('://')) continue;
    const fam = FAMILIES.find(([re]) => re.test(tok));
    if (fam) out.push({ name: tok.toLowerCase(), provider: fam[1], column: m.index + 1 });
  }
  for (const m of line.matchAll(HF_REF)) {
    const id = m[1]!;
    // a task name such as pipeline("text-generation") is not a model id
    if (!id.includes('/') && /^pipeline/.test(m[0])) continue;
    if (out.some((o) => o.name === id.toLowerCase())) continue;
    out.push({ name: id.toLowerCase(), provider: 'huggingface', column: m.index + 1 });
  }
  return out;
}

const HOSTS: Array<[RegExp, string]> = [
  [/^api\.openai\.com$/, 'openai'],
  [/\.openai\.azure\.com$/, 'azure-openai'],
  [/\.(cognitiveservices\.azure\.com|services\.ai\.azure\.com|inference\.ai\.azure\.com)$/, 'azure-ai'],
  [/^api\.anthropic\.com$/, 'anthropic'],
  [/^generativelanguage\.googleapis\.com$/, 'google'],
  [/aiplatform\.googleapis\.com$/, 'google-vertex'],
  [/^api\.cohere\.(ai|com)$/, 'cohere'],
  [/^api\.mistral\.ai$/, 'mistral'],
  [/^api\.groq\.com$/, 'groq'],
  [/^api\.together\.(xyz|ai)$/, 'together'],
  [/^api\.replicate\.com$/, 'replicate'],
  [/^(api-inference|router)\.huggingface\.co$/, 'huggingface'],
  [/\.endpoints\.huggingface\.cloud$/, 'huggingface'],
  [/^bedrock(-runtime|-agent-runtime)?\.[a-z0-9-]+\.amazonaws\.com$/, 'aws-bedrock'],
  [/^api\.deepseek\.com$/, 'deepseek'],
  [/^openrouter\.ai$/, 'openrouter'],
  [/^api\.fireworks\.ai$/, 'fireworks'],
  [/^api\.perplexity\.ai$/, 'perplexity'],
  [/^api\.x\.ai$/, 'xai'],
];

/** Paths of model APIs, so that self-hosted and proxied endpoints are found too. */
export const API_PATH =
  /\/v1\/(?:chat\/completions|completions|embeddings|messages|responses)\b|\/api\/(?:generate|chat|embeddings|embed)\b|\/v1beta\/models\b/;

const URL_RE = /\b(?:https?|wss?):\/\/[^\s'"`<>\\)]+/g;
const OLLAMA_BARE = /\b(?:localhost|127\.0\.0\.1|0\.0\.0\.0):11434\b/g;
const URL_PARTS = /^(\w+):\/\/(?:[^@/?#]*@)?([^/:?#]+)(?::(\d{1,5}))?([^?#]*)/;

/** Classifies a URL as a model endpoint; returns undefined for every other URL. */
export function classifyUrl(raw: string): { url: string; provider: string } | undefined {
  const m = URL_PARTS.exec(raw.replace(/[.,;:]+$/, ''));
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  const host = m[2]!.toLowerCase();
  const port = m[3];
  const path = m[4]!.replace(/\/+$/, '');
  const url = `${scheme}://${host}${port ? `:${port}` : ''}${path}`.slice(0, 500);
  const known = HOSTS.find(([re]) => re.test(host));
  if (known) return { url, provider: known[1] };
  if (port === '11434') return { url, provider: 'ollama' };
  if (API_PATH.test(path)) return { url, provider: 'openai-compatible' };
  return undefined;
}

export function findEndpoints(line: string): EndpointHit[] {
  const out: EndpointHit[] = [];
  for (const m of line.matchAll(URL_RE)) {
    const c = classifyUrl(m[0]);
    if (c) out.push({ ...c, column: m.index + 1 });
  }
  for (const m of line.matchAll(OLLAMA_BARE)) {
    const before = line.slice(Math.max(0, m.index - 3), m.index);
    if (before.endsWith('//')) continue; // already seen as a URL
    out.push({ url: `http://${m[0]}`, provider: 'ollama', column: m.index + 1 });
  }
  return out;
}
