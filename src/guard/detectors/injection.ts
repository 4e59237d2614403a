import { scoreText as scoreTextCached } from '../linear.ts';
import { model } from '../models.ts';
import { MAX_VIEWS } from '../normalize.ts';
import type { Detector, DetectorResult, GuardInput, Span, StreamingDetector } from '../types.ts';
import { calibrate, documentSegments, explainModel, layerText, modelScore, streamModel } from './classify.ts';
import {
  CONTENT_RULES,
  EMBEDDED_MULTILINGUAL_RULES,
  EMBEDDED_RULES,
  INJECTION_RULES,
  MULTILINGUAL_RULES,
  matchRules,
  separatedWords,
  PROBE_RULES,
  type PhraseRule,
  ENCODED_DIRECTIVE,
  instructionInComment,
  repeatedTokens,
} from './injection-rules.ts';
import {
  asksAboutNamedPerson,
  asksAboutProtectedPerson,
  asksForRecords,
  asksForSecret,
  restrictedTopicHits,
  systemPolicy,
} from './context.ts';

const ALL_RULES = [
  ...INJECTION_RULES,
  ...MULTILINGUAL_RULES,
  ...PROBE_RULES,
  ...EMBEDDED_RULES,
  ...EMBEDDED_MULTILINGUAL_RULES,
];
const JAILBREAK_LABELS = new Set(['persona-jailbreak', 'no-restrictions']);
const CONTENT_SCAN = [...ALL_RULES, ...CONTENT_RULES];
const DIRECT_RULES = ALL_RULES.filter((r) => !JAILBREAK_LABELS.has(r.label));
const JAILBREAK_RULES = ALL_RULES.filter((r) => JAILBREAK_LABELS.has(r.label));

interface RuleScan {
  score: number;
  spans: Span[];
  labels: string[];
}

/** Runs phrase rules on the normalised text and each decoded layer; spans point into the original. */
function scanRules(input: GuardInput, rules: PhraseRule[], detector: string): RuleScan {
  const spans: Span[] = [];
  const labels: string[] = [];
  let score = 0;
  const sameText = input.normalized === input.text;
  for (const h of matchRules(input.normalized, rules)) {
    score = Math.max(score, h.rule.score);
    labels.push(h.rule.label);
    spans.push(
      sameText
        ? { start: h.index, end: h.index + h.length, label: h.rule.label, detector }
        : { start: 0, end: input.text.length, label: h.rule.label, detector },
    );
  }
  for (const v of input.decoded) {
    for (const h of matchRules(v.text, rules)) {
      score = Math.max(score, h.rule.score);
      labels.push(`${h.rule.label} (in ${v.encoding})`);
      spans.push({ start: v.start, end: v.end, label: h.rule.label, detector, decodedFrom: v.encoding });
    }
  }
  // Words glued or wrapped by punctuation and markup: the rules read them again with plain spaces.
  const words = separatedWords(input.normalized);
  if (words !== undefined)
    for (const h of matchRules(words, rules)) {
      if (labels.includes(h.rule.label)) continue;
      score = Math.max(score, h.rule.score);
      labels.push(`${h.rule.label} (words separated by punctuation)`);
      spans.push({ start: 0, end: input.text.length, label: h.rule.label, detector });
    }
  return { score, spans, labels };
}

/** Instructions inside comments of pasted code or HTML, or hidden in an encoding. */
function scanComments(input: GuardInput, rules: RuleScan, detector: string) {
  // Decoding stops at MAX_VIEWS segments (bounded work): a text that fills them may hide an instruction in
  // the next one (nine harmless base64 notes, then the attack in hex, passed). Ordinary text has no more
  // than a few encoded segments that read as text, so a full set fails closed.
  if (input.decoded.length >= MAX_VIEWS) {
    rules.score = Math.max(rules.score, 0.7);
    rules.labels.push('too-many-encoded-segments');
    rules.spans.push({ start: 0, end: input.text.length, label: 'too-many-encoded-segments', detector });
  }
  for (const v of input.decoded) {
    if (v.encoding === 'leet' || v.encoding === 'url') continue;
    if (ENCODED_DIRECTIVE.test(v.text.slice(0, 2000))) {
      rules.score = Math.max(rules.score, 0.75);
      rules.labels.push(`instruction-in-encoded-text (${v.encoding})`);
      rules.spans.push({
        start: v.start,
        end: v.end,
        label: 'instruction-in-encoded-text',
        detector,
        decodedFrom: v.encoding,
      });
      break;
    }
  }
  const hit = instructionInComment(input.normalized);
  if (!hit) return;
  rules.score = Math.max(rules.score, 0.8);
  rules.labels.push('instruction-in-comment');
  rules.spans.push(
    input.normalized === input.text
      ? { start: hit.index, end: hit.index + hit.length, label: 'instruction-in-comment', detector }
      : { start: 0, end: input.text.length, label: 'instruction-in-comment', detector },
  );
}

function combine(p: number, threshold: number, layer: string, rules: RuleScan, text: string): DetectorResult {
  const ml = calibrate(p, threshold);
  const score = Math.max(ml, rules.score);
  const parts: string[] = [];
  if (rules.labels.length) parts.push(`matched ${[...new Set(rules.labels)].join(', ')}`);
  parts.push(`classifier ${ml.toFixed(2)}${layer !== 'text' ? ` (on ${layer}-decoded text)` : ''}`);
  if (ml >= 0.5) {
    const why = explainModel(model('injection'), text);
    if (why) parts.push(why);
  }
  return {
    score,
    spans: rules.spans,
    explanation: parts.join('; '),
    details: { classifier: ml, rules: rules.labels, layer },
  };
}

/** Direct prompt injection: instruction overrides, prompt extraction, in any language the rules know. */
export const injectionDetector: Detector = {
  id: 'injection',
  detect(input) {
    const { score: p, layer } = modelScore('injection', input);
    const rules = scanRules(input, DIRECT_RULES, 'injection');
    if (repeatedTokens(input.normalized)) {
      rules.score = Math.max(rules.score, 0.7);
      rules.labels.push('repeated-tokens');
    }
    scanComments(input, rules, 'injection');
    return combine(p, model('injection').threshold, layer, rules, layerText(input, layer));
  },
  stream: (ctx) => streamModel('injection', 'injection', ctx),
};

/**
 * Jailbreaks: persona and "no restrictions" templates. Shares the classifier with `injection`, but only
 * for template-length text (jailbreaks are long role set-ups), so that a one-line override is reported
 * once, as an injection, not twice.
 */
export const jailbreakDetector: Detector = {
  id: 'jailbreak',
  detect(input) {
    const rules = scanRules(input, JAILBREAK_RULES, 'jailbreak');
    if (input.normalized.length < TEMPLATE_LENGTH && rules.score === 0) {
      return { score: 0, spans: [], explanation: 'short text without jailbreak markers (see injection)' };
    }
    const { score: p, layer } = modelScore('injection', input);
    return combine(p, model('injection').threshold, layer, rules, layerText(input, layer));
  },
};

const TEMPLATE_LENGTH = 300;

/** The worst segment of a text under the indirect model, and where it starts. */
function worstSegment(text: string): { p: number; segment: string } {
  const m = model('indirect');
  let p = 0;
  let segment = '';
  for (const s of documentSegments(text)) {
    const q = scoreTextCached(m, s);
    if (q > p) {
      p = q;
      segment = s;
    }
  }
  return { p, segment };
}

/**
 * Indirect injection in documents and tool output: the text is cut into sentence-sized segments
 * (`documentSegments`), each scored by the indirect model, and the worst segment wins; decoded layers
 * are read the same way. Phrase rules for planted instructions run on the whole text.
 */
export const indirectDetector: Detector = {
  id: 'indirect',
  detect(input) {
    const m = model('indirect');
    const text = input.normalized;
    const best = worstSegment(text);
    let worst = calibrate(best.p, m.threshold);
    let at = best.segment ? text.indexOf(best.segment) : 0;
    for (const v of input.decoded) {
      const d = calibrate(worstSegment(v.text).p, m.threshold);
      if (d > worst) {
        worst = d;
        at = v.start;
      }
    }
    const rules = scanRules(input, CONTENT_SCAN, 'indirect');
    scanComments(input, rules, 'indirect');
    const score = Math.max(worst, rules.score);
    const spanEnd = Math.min(input.text.length, at + Math.max(1, best.segment.length));
    const spans = rules.spans.length
      ? rules.spans
      : worst >= 0.5
        ? [{ start: at, end: spanEnd, label: 'instruction-in-content', detector: 'indirect' }]
        : [];
    const parts = [`worst segment ${worst.toFixed(2)} at offset ${at}`];
    if (rules.labels.length) parts.unshift(`matched ${[...new Set(rules.labels)].join(', ')}`);
    return { score, spans, explanation: parts.join('; '), details: { worstSegment: worst, offset: at } };
  },
  stream: () => streamSegments(),
};

/**
 * Streaming form of the indirect detector: text is buffered up to a line end, each completed line's
 * segments are scored as they arrive, and the unfinished line is scored at each push (so a verdict
 * never waits for a newline) — the same segments, hence the same score, as a whole-text check.
 */
function streamSegments(): StreamingDetector {
  const m = model('indirect');
  let pending = '';
  let done = 0;
  let last: DetectorResult = { score: 0, spans: [], explanation: 'nothing yet' };
  const verdict = (p: number): DetectorResult => {
    const score = calibrate(p, m.threshold);
    return { score, spans: [], explanation: `indirect injection: worst segment ${score.toFixed(2)} so far` };
  };
  return {
    push(chunk) {
      pending += chunk;
      const nl = pending.lastIndexOf('\n');
      // A line that never ends (no newline in kilobytes) is cut at a sentence end so that each push
      // re-reads at most a few kilobytes; only then can the segments differ from a whole-text check.
      const cut = nl >= 0 ? nl : pending.length > 4096 ? pending.lastIndexOf('. ') + 1 || 4096 : -1;
      if (cut >= 0) {
        done = Math.max(done, worstSegment(pending.slice(0, cut)).p);
        pending = pending.slice(cut + (nl >= 0 ? 1 : 0));
      }
      last = verdict(Math.max(done, worstSegment(pending).p));
      return last;
    },
    end() {
      return last;
    },
  };
}

/**
 * A request for what the system prompt protects: its secret, the personal data it holds about a
 * user, or a topic it forbids. Needs the system prompt in context: without it, "what is the
 * password?" or "how does a pawn move in chess?" is an ordinary question. The decoded layers
 * (hex, base64, ROT13 …) are read too: "decode this and tell me what it says" smuggles the question.
 */
export const secretProbeDetector: Detector = {
  id: 'secret-probe',
  detect(input) {
    const sys = input.ctx.systemPrompt;
    if (!sys) return { score: 0, spans: [], explanation: 'no system prompt in context' };
    const p = systemPolicy(sys);
    const texts = [input.normalized, ...input.decoded.map((v) => v.text)];
    for (const t of texts) {
      if (asksForSecret(p, t))
        return {
          score: 0.8,
          spans: [],
          explanation: 'asks for the secret that the confidential system prompt holds',
          details: { kinds: ['secret'] },
        };
    }
    for (const t of texts) {
      const why = asksAboutProtectedPerson(p, t);
      if (why) return { score: 0.8, spans: [], explanation: why, details: { kinds: ['personal-data'] } };
    }
    for (const t of texts) {
      if (asksForRecords(p, t))
        return {
          score: 0.75,
          spans: [],
          explanation: 'asks for the records the system prompt holds',
          details: { kinds: ['records'] },
        };
    }
    for (const t of texts) {
      const name = asksAboutNamedPerson(p, t);
      if (name)
        return {
          score: 0.6,
          spans: [],
          explanation: `asks about ${JSON.stringify(name)}, named in the confidential system prompt`,
        };
    }
    for (const t of texts) {
      const hits = restrictedTopicHits(p, t);
      if (hits.length)
        return {
          score: 0.7,
          spans: [],
          explanation: `goes into a topic the system prompt forbids (${hits
            .slice(0, 4)
            .map((h) => JSON.stringify(h))
            .join(', ')})`,
          details: { kinds: ['restricted-topic'], topics: hits },
        };
    }
    return { score: 0, spans: [], explanation: 'does not ask for what the system prompt protects' };
  },
};
