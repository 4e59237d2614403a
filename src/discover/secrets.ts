/**
 * Finds credentials written in plain text. Provider keys are recognised by their documented prefixes;
 * anything else only when a `*_API_KEY`-like name is assigned a literal that looks random (entropy),
 * so that placeholders and environment lookups are not reported. The secret itself never leaves this
 * module: callers get a masked form and a short fingerprint.
 */
import { entropy, sha256Hex } from '../core/index.ts';

export interface SecretMatch {
  /** Which credential: `openai`, `anthropic`, `huggingface`, `aws`, `generic` … */
  provider: string;
  severity: 'critical' | 'high';
  confidence: 'high' | 'medium';
  /** 0-based index in the line and length of the secret. */
  index: number;
  length: number;
  masked: string;
  /** First 16 hex digits of SHA-256 of the secret: tells repeats apart without revealing it. */
  fingerprint: string;
  /** The variable or key it was assigned to, when there was one. */
  name?: string;
}

interface Pattern {
  provider: string;
  severity: 'critical' | 'high';
  /** The visible prefix kept when masking. */
  prefix: RegExp;
  re: RegExp;
}

// Ordered: the first pattern that claims a span wins (sk-ant- before OpenAI's sk-).
const PATTERNS: Pattern[] = [
  {
    provider: 'anthropic',
    severity: 'critical',
    prefix: /^sk-ant-[a-z]+\d\d-/,
    re: /\bsk-ant-(?:api|admin|sid)\d\d-[A-Za-z0-9_-]{32,}/g,
  },
  {
    provider: 'openai',
    severity: 'critical',
    prefix: /^sk-(?:proj|svcacct|admin|None)-/,
    re: /\bsk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{32,}/g,
  },
  {
    provider: 'openai',
    severity: 'critical',
    prefix: /^sk-/,
    re: /\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b/g,
  },
  { provider: 'openai', severity: 'critical', prefix: /^sk-/, re: /\bsk-[A-Za-z0-9]{48}\b/g },
  { provider: 'huggingface', severity: 'critical', prefix: /^hf_/, re: /\bhf_[A-Za-z0-9]{30,40}\b/g },
  { provider: 'replicate', severity: 'critical', prefix: /^r8_/, re: /\br8_[A-Za-z0-9]{30,40}\b/g },
  { provider: 'groq', severity: 'critical', prefix: /^gsk_/, re: /\bgsk_[A-Za-z0-9]{40,60}\b/g },
  {
    provider: 'github',
    severity: 'critical',
    prefix: /^gh[pousr]_/,
    re: /\bgh[pousr]_[A-Za-z0-9]{36,40}\b/g,
  },
  {
    provider: 'github',
    severity: 'critical',
    prefix: /^github_pat_/,
    re: /\bgithub_pat_[A-Za-z0-9_]{50,100}\b/g,
  },
  { provider: 'aws', severity: 'high', prefix: /^(AKIA|ASIA)/, re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
  { provider: 'google', severity: 'high', prefix: /^AIza/, re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
];

/** Every pattern below needs one of these substrings (prefixes, or the assignment's name part). */
const MAYBE_SECRET = /sk-|hf_|r8_|gsk_|gh[pousr]_|github_pat_|AKIA|ASIA|AIza|key|token|secret/i;

/** `OPENAI_API_KEY=…`, `api_key: "…"`, `"anthropicApiKey": "…"`, `aws_secret_access_key = …`. */
const ASSIGNMENT =
  /(?<name>(?:[A-Za-z_][\w.-]{0,64}?)?(?:api[_-]?key|apikey|api[_-]?token|secret[_-]?key|secret[_-]?access[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret))["']?\s*(?::=|[:=]|=>)\s*(?:(?<q>["'`])(?<qv>[^"'`\s]{16,256})\k<q>|(?<uv>[A-Za-z0-9_\-+/=]{16,256})(?![\w.([]))/gi;

const PLACEHOLDER =
  /your|xxxx|\*\*\*|<|>|\$\{|\{\{|changeme|example|placeholder|dummy|redacted|insert|replace|process\.env|os\.environ|getenv/i;

export { entropy };

/** Keeps a known prefix and the last 4 characters; everything else becomes `*`. Short secrets show nothing. */
export function maskSecret(secret: string, prefix = ''): string {
  if (secret.length < 12) return '*'.repeat(8);
  const keep = prefix.length > 0 && prefix.length <= secret.length - 12 ? prefix : '';
  return `${keep}${'*'.repeat(8)}${secret.slice(-4)}`;
}

/** `my-app-client-secret-v2`, `prod_billing_token_name`: names made of words, not random keys (UUIDs stay). */
function looksLikeWords(v: string): boolean {
  const parts = v.split(/[-_.]/);
  return parts.length >= 3 && parts.some((p) => p.length >= 4 && /^[A-Za-z]+$/.test(p) && /[g-z]/i.test(p));
}

function looksRandom(v: string): boolean {
  return (
    /[A-Za-z]/.test(v) && /\d/.test(v) && entropy(v) >= 3.5 && !PLACEHOLDER.test(v) && !looksLikeWords(v)
  );
}

/**
 * Every credential in one line of text. `bareValues` accepts unquoted values after `NAME=` (as in
 * .env, YAML, TOML); in source code an unquoted value is a variable name, not a secret.
 */
export function findSecrets(line: string, bareValues = true): SecretMatch[] {
  // Most lines hold no credential-shaped text at all: one cheap test spares the full pattern set.
  if (!MAYBE_SECRET.test(line)) return [];
  const out: SecretMatch[] = [];
  const taken: Array<[number, number]> = [];
  const free = (a: number, b: number) => taken.every(([x, y]) => b <= x || a >= y);
  const add = (m: Omit<SecretMatch, 'masked' | 'fingerprint'>, secret: string, prefix: string) => {
    taken.push([m.index, m.index + m.length]);
    out.push({ ...m, masked: maskSecret(secret, prefix), fingerprint: sha256Hex(secret).slice(0, 16) });
  };
  for (const p of PATTERNS) {
    p.re.lastIndex = 0;
    for (const m of line.matchAll(p.re)) {
      const secret = m[0];
      if (!free(m.index, m.index + secret.length)) continue;
      if (PLACEHOLDER.test(secret) || /(.)\1{7,}/.test(secret)) continue;
      const prefix = p.prefix.exec(secret)?.[0] ?? '';
      add(
        {
          provider: p.provider,
          severity: p.severity,
          confidence: 'high',
          index: m.index,
          length: secret.length,
        },
        secret,
        prefix,
      );
    }
  }
  for (const m of line.matchAll(ASSIGNMENT)) {
    const g = m.groups ?? {};
    const value = g.qv ?? (bareValues ? g.uv : undefined);
    if (value === undefined || !looksRandom(value)) continue;
    const index = m.index + m[0].lastIndexOf(value);
    if (!free(index, index + value.length)) continue;
    add(
      {
        provider: 'generic',
        severity: 'high',
        confidence: 'medium',
        index,
        length: value.length,
        name: g.name!.slice(0, 100),
      },
      value,
      '',
    );
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * The part of `line` around `target` (at most `radius` characters either side), with every secret on
 * the line replaced by its masked form: evidence that shows where the key is without showing the key.
 */
export function redactAround(line: string, matches: SecretMatch[], target: SecretMatch, radius = 80): string {
  let s = line;
  let pos = target.index;
  for (const m of [...matches].sort((a, b) => b.index - a.index)) {
    s = s.slice(0, m.index) + m.masked + s.slice(m.index + m.length);
    if (m.index < target.index) pos += m.masked.length - m.length;
  }
  const start = Math.max(0, pos - radius);
  const end = Math.min(s.length, pos + target.masked.length + radius);
  return `${start > 0 ? '…' : ''}${s.slice(start, end).trim()}${end < s.length ? '…' : ''}`;
}
