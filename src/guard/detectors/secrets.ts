import { rules as secretlintRules } from '@secretlint/secretlint-rule-preset-recommend';
import { entropy } from '../../core/index.ts';
import { CodeUnits } from '../codes.ts';
import type { Detector, DetectorResult, GuardInput, Span, TextShape } from '../types.ts';

// secretlint's recommended preset is the maintained rule set (AWS, GCP, GitHub, Slack, OpenAI, Anthropic,
// private keys, connection strings, …). Its rules are plain synchronous regex scanners behind a small
// context interface, so they run here in-process on every request without secretlint's async linter.

interface SecretlintReport {
  message: string;
  range: [number, number];
}

interface RuleLike {
  meta: { id: string; type?: string };
  messages?: Record<string, { en: (p: Record<string, unknown>) => string }>;
  create(ctx: unknown, options?: unknown): { file?: (source: unknown) => unknown };
}

const SKIP = new Set(['@secretlint/secretlint-rule-filter-comments']);
// AWS access key ids alone are off by default in secretlint (noisy in repositories); in a prompt or a
// response an access key id is worth flagging.
const RULE_OPTIONS: Record<string, Record<string, unknown>> = { aws: { enableIDScanRule: true } };

const scanners = (secretlintRules as unknown as RuleLike[])
  .filter((r) => r.meta.type !== 'filter' && !SKIP.has(r.meta.id))
  .map((r) => ({ id: r.meta.id.replace('@secretlint/secretlint-rule-', ''), rule: r }));

function runSecretlint(text: string): { rule: string; start: number; end: number; message: string }[] {
  const found: { rule: string; start: number; end: number; message: string }[] = [];
  for (const { id, rule } of scanners) {
    const reports: SecretlintReport[] = [];
    const context = {
      report: (r: SecretlintReport) => reports.push(r),
      ignore: () => {},
      createTranslator:
        (messages: Record<string, { en: (p: Record<string, unknown>) => string }>) =>
        (key: string, props: Record<string, unknown> = {}) => ({
          message: messages[key]?.en(props) ?? key,
          data: props,
        }),
      sharedOptions: {},
      options: {},
    };
    const handlers = rule.create(context, RULE_OPTIONS[id] ?? {});
    const r = handlers.file?.({ content: text, filePath: 'input.txt', ext: '.txt', contentType: 'text' });
    // A rule that goes async (the PKCS#12 file check) is about files, not text: its promise is dropped.
    if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).catch(() => {});
    for (const rep of reports) {
      const msg =
        typeof rep.message === 'string'
          ? rep.message
          : ((rep.message as { message?: string })?.message ?? id);
      found.push({ rule: id, start: rep.range[0], end: rep.range[1], message: msg });
    }
  }
  return found;
}

export { entropy };

// A value assigned to something named like a credential, or a bare long random token.
// The name around the keyword is bounded: unbounded, a long run of name characters ("1-1-1-…") was
// re-read from every word start (32 KB took 0.5 s, quadratic in the length).
const ASSIGNED =
  /\b([A-Za-z0-9_.-]{0,64}(?:api[_-]?key|secret|token|passw(?:or)?d|pwd|auth|credential|access[_-]?key|private[_-]?key)[A-Za-z0-9_.-]{0,64})\b\s*[:=]\s*["']?([^\s"',;]{8,200})/gi;
const BARE = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{32,200}={0,2}(?![A-Za-z0-9+/_-])/g;

function randomLooking(v: string, minBits: number): boolean {
  const classes = Number(/[a-z]/.test(v)) + Number(/[A-Z]/.test(v)) + Number(/\d/.test(v));
  return classes >= 2 && entropy(v) >= minBits && !/^[a-z_]+$/i.test(v);
}

// Every secretlint rule matches a long token, a URL with credentials or a PEM block: text without any
// of those skips the rule set (most prompts), which keeps the hot path cheap. A loop, not a regex.
function mayHoldSecret(text: string): boolean {
  const units = secretCodes.load(text);
  const n = text.length;
  // Read once before the loop, so that the compiler checks the array's type there, not at each access.
  if (units.length < n) throw new RangeError('mayHoldSecret: code units not loaded');
  let run = 0;
  for (let i = 0; i < n; i++) {
    const c = units[i]!;
    // (c - 128) >> 31 is all ones below 128 and 0 above.
    run = (run + 1) & -(TOKEN_CHAR[c & 0x7f]! & ((c - 128) >> 31));
    if (run >= 16) return true;
  }
  return text.includes('://') || text.includes('-----BEGIN');
}

// Characters of a token: letters, digits and _ + / = - (1), by ASCII code unit.
const TOKEN_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++)
  TOKEN_CHAR[c] =
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 95 ||
    c === 43 ||
    c === 47 ||
    c === 61 ||
    c === 45
      ? 1
      : 0;
const secretCodes = new CodeUnits();

/**
 * Finds secrets in `text`. `shape`, when given, describes `text` (prepareInput's pass): it replaces the
 * pre-check loop and skips the random-token scan where no run could be one.
 */
export function findSecrets(text: string, shape?: TextShape): (Span & { message: string })[] {
  const spans: (Span & { message: string })[] = [];
  const may = shape
    ? shape.tokenRun || text.includes('://') || text.includes('-----BEGIN')
    : mayHoldSecret(text);
  if (!may) return spans;
  // Characters already claimed by a span: overlap checks cost the span's length, not the span count.
  const claimed = new Uint8Array(text.length + 1);
  const taken = (s: number, e: number) => {
    for (let i = s; i < e; i++) if (claimed[i]) return true;
    return false;
  };
  const add = (span: Span & { message: string }) => {
    spans.push(span);
    claimed.fill(1, span.start, span.end);
  };
  for (const f of runSecretlint(text)) {
    if (!taken(f.start, f.end))
      add({ start: f.start, end: f.end, label: f.rule, detector: 'secrets', message: f.message });
  }
  for (const m of text.matchAll(ASSIGNED)) {
    const value = m[2]!;
    const start = m.index + m[0].lastIndexOf(value);
    if (
      !taken(start, start + value.length) &&
      randomLooking(value, 3.0) &&
      !/^(?:\*+|x+|<.*>|\$\{.*\}|process\.env.*)$/i.test(value)
    ) {
      add({
        start,
        end: start + value.length,
        label: 'assigned-credential',
        detector: 'secrets',
        message: `high-entropy value assigned to ${m[1]}`,
      });
    }
  }
  // A match of BARE is a whole run of 32 or more, and only one with upper case, lower case and a digit
  // is reported.
  if (shape && !shape.randomRun) return spans.sort((a, b) => a.start - b.start);
  for (const m of text.matchAll(BARE)) {
    const v = m[0];
    // Hex digests (git SHAs, checksums) are everywhere and not secrets; demand mixed case and high entropy.
    if (
      !taken(m.index, m.index + v.length) &&
      /[A-Z]/.test(v) &&
      /[a-z]/.test(v) &&
      /\d/.test(v) &&
      entropy(v) >= 4.5
    ) {
      add({
        start: m.index,
        end: m.index + v.length,
        label: 'high-entropy-token',
        detector: 'secrets',
        message: `random-looking token (${entropy(v).toFixed(1)} bits/char)`,
      });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

export const secretsDetector: Detector = {
  id: 'secrets',
  detect(input: GuardInput): DetectorResult {
    const found = findSecrets(input.text, input.text === input.normalized ? input.shape : undefined);
    const spans: Span[] = found.map(({ message: _m, ...s }) => s);
    for (const v of input.decoded) {
      for (const f of findSecrets(v.text))
        spans.push({
          start: v.start,
          end: v.end,
          label: f.label,
          detector: 'secrets',
          decodedFrom: v.encoding,
        });
    }
    if (spans.length === 0) return { score: 0, spans, explanation: 'no secrets found' };
    const strong = spans.some((s) => s.label !== 'high-entropy-token');
    return {
      score: strong ? 1 : 0.6,
      spans,
      explanation: `found ${[...new Set(spans.map((s) => s.label))].join(', ')}`,
    };
  },
};
