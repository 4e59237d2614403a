import { createRequire } from 'node:module';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Detector, DetectorResult, GuardInput, Span, TextShape } from '../types.ts';

export const PII_ENTITIES = [
  'email',
  'phone',
  'credit-card',
  'iban',
  'us-ssn',
  'ip-address',
  'mac-address',
  'crypto-wallet',
  'date-of-birth',
  'person',
  'location',
] as const;
export type PiiEntity = (typeof PII_ENTITIES)[number];

/** Entities with a checksum or a fixed format: cheap, precise, on by default. Names and places need NLP. */
export const FORMAT_ENTITIES: PiiEntity[] = PII_ENTITIES.filter((e) => e !== 'person' && e !== 'location');

export function luhn(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return digits.length >= 12 && sum % 10 === 0;
}

/** ISO 13616 mod-97 check: move the first four characters to the end, letters to numbers, remainder 1. */
export function ibanValid(iban: string): boolean {
  const s = iban.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

function ssnValid(s: string): boolean {
  const d = s.replace(/\D/g, '');
  const [a, b, c] = [d.slice(0, 3), d.slice(3, 5), d.slice(5)];
  return d.length === 9 && a !== '000' && a !== '666' && a[0] !== '9' && b !== '00' && c !== '0000';
}

// An address written out to dodge scrapers and filters: "john.smith [at] example [dot] com",
// "john(at)example(dot)com", "john dot smith at example dot com".
const AT = String.raw`(?:\s*[\[({]\s*at\s*[\])}]\s*|\s+at\s+)`;
const DOT = String.raw`(?:\s*[\[({]\s*dot\s*[\])}]\s*|\s+dot\s+)`;
const WRITTEN_EMAIL = new RegExp(
  String.raw`(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}(?:${DOT}[A-Za-z0-9_%+-]{1,64}){0,3}${AT}[A-Za-z0-9-]{1,63}(?:(?:${DOT}|\.)[A-Za-z0-9-]{1,63}){0,3}(?:${DOT}|\.)[A-Za-z]{2,12}(?![\w-])`,
  'gi',
);
// Where "at" and "dot" are plain words, only a known top-level domain makes it an address ("meet at noon
// dot com" is not one).
const COMMON_TLD =
  /(?:com|org|net|edu|gov|mil|int|io|co|uk|us|de|fr|es|it|nl|ch|ca|au|in|jp|cn|br|ru|eu|info|biz|me|ai|dev|app)$/i;

function writtenEmailValid(m: string): boolean {
  if (/[[({]\s*at\s*[\])}]/i.test(m)) return true;
  return /\s+at\s+/i.test(m) && /\s+dot\s+/i.test(m) && COMMON_TLD.test(m);
}

function ipv4Valid(s: string): boolean {
  return s.split('.').every((p) => Number(p) <= 255 && !(p.length > 1 && p[0] === '0'));
}

interface Matcher {
  entity: PiiEntity;
  pattern: RegExp;
  /** Cheap test first: text that fails it cannot match the pattern. */
  gate?: (text: string) => boolean;
  /** What the pattern needs of the text's shape (prepareInput's pass), tested first when the caller has it. */
  shapeGate?: (shape: TextShape) => boolean;
  valid?: (m: string, text: string, index: number) => boolean;
}

const MATCHERS: Matcher[] = [
  {
    entity: 'email',
    gate: (t) => t.includes('@'),
    pattern: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b/g,
  },
  {
    entity: 'credit-card',
    gate: (t) => /\d{4}/.test(t),
    shapeGate: (s) => s.digits >= 12,
    pattern: /\b(?:\d[ -]?){11,18}\d\b/g,
    valid: (m) => {
      const d = m.replace(/\D/g, '');
      // Maestro and JCB numbers can be 12 or 15 digits; JCB's old range starts 1800 or 2131.
      return d.length >= 12 && d.length <= 19 && (/^[2-6]/.test(d) || d.startsWith('1800')) && luhn(d);
    },
  },
  {
    entity: 'iban',
    shapeGate: (s) => s.digits >= 2,
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g,
    valid: (m) => ibanValid(m),
  },
  {
    entity: 'email',
    gate: (t) =>
      t.includes(' dot ') ||
      t.includes('(at') ||
      t.includes('[at') ||
      t.includes('{at') ||
      t.includes('( at') ||
      t.includes('[ at') ||
      t.includes('(AT') ||
      t.includes('[AT'),
    pattern: WRITTEN_EMAIL,
    valid: writtenEmailValid,
  },
  {
    entity: 'us-ssn',
    pattern: /\b\d{3}[- ]\d{2}[- ]\d{4}\b/g,
    valid: ssnValid,
    shapeGate: (s) => s.digits >= 9,
  },
  {
    // Nine digits in a row are an SSN only when the words before them say so.
    entity: 'us-ssn',
    pattern: /\b(?:ssn|social security(?: number| no\.?)?|ss#)\s*(?:is|:|#|number|no\.?)?\s*(\d{9})\b/gi,
    valid: ssnValid,
    shapeGate: (s) => s.digits >= 9,
  },
  {
    entity: 'ip-address',
    gate: (t) => t.includes('.'),
    shapeGate: (s) => s.digits >= 4,
    pattern: /\b(?:\d{1,3}\.){3}\d{1,3}\b/g,
    valid: ipv4Valid,
  },
  {
    entity: 'ip-address',
    // Seven colons, or "::" (a group left out): both forms of the pattern need one of them.
    gate: (t) => {
      if (t.includes('::')) return true;
      let colons = 0;
      for (let i = t.indexOf(':'); i >= 0 && colons < 7; i = t.indexOf(':', i + 1)) colons++;
      return colons >= 7;
    },
    pattern:
      /(?<![\w:])(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}(?![\w:])|(?<![\w:])(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}:){0,5}[0-9a-fA-F]{1,4}(?![\w:])/g,
    valid: (m) =>
      /[a-fA-F0-9]{2,}/.test(m) && (m.match(/:/g)?.length ?? 0) >= 2 && !/^\d{1,2}:\d{2}(:\d{2})?$/.test(m),
  },
  {
    entity: 'mac-address',
    gate: (t) => t.includes(':') || t.includes('-'),
    pattern: /\b[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}\b/g,
  },
  {
    entity: 'crypto-wallet',
    // Each form is a run of 26 or more letters and digits.
    shapeGate: (s) => s.longRun >= 26,
    pattern: /\b(?:bc1[ac-hj-np-z02-9]{25,87}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|0x[a-fA-F0-9]{40})\b/g,
    valid: (m) =>
      m.startsWith('bc1') || m.startsWith('0x') || (/[a-z]/.test(m) && /[A-Z]/.test(m) && /\d/.test(m)),
  },
  {
    entity: 'date-of-birth',
    // Every form of the date holds four digits or more.
    shapeGate: (s) => s.digits >= 4,
    pattern:
      /\b(?:born(?: on| in)?|birth ?(?:date|day)|date of birth|d\.?o\.?b\.?)\s*(?:is|:|was|on)?\s*((?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})|(?:\d{4}-\d{2}-\d{2})|(?:(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?\d{4}))/gi,
  },
];

const PHONE_HINT = /(?:\d[\s().-]*){7,}/;

// Numbers that libphonenumber cannot place (no country code, unknown ranges) still count as phone
// numbers when the words around them say so ("Phone:", "call me on", "… fax").
const PHONE_LOOSE =
  /(?<![\w+.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,5}(?:[\s.-]\(?\d{1,5}\)?){0,5}(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?![\w])/g;
const PHONE_BEFORE =
  /(?:phone|call|mobile|cell|desk|fax|tel|telephone|messages? to|answering at|registered|contact|reach|whatsapp|sms|text me|number)(?:\W+\w{1,4}){0,3}\W{0,6}$/i;
const PHONE_AFTER = /^\W{0,3}(?:office|fax|mobile|mobi|cell|home|work|desk)/i;

// Written like a phone number: international with +, or the NANP shape. Such candidates are checked
// against libphonenumber's numbering plans; others need the context words. Scanning only candidates
// (not every digit run, as findPhoneNumbersInText does) keeps number-heavy tables fast.
const PHONE_SHAPED = /^(?:\+\d[\d\s().-]{6,}|\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4})$/;

function phones(text: string, region: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of text.matchAll(PHONE_LOOSE)) {
    const candidate = m[0].trimEnd();
    const digits = candidate.replace(/\D/g, '').length;
    if (digits < 7 || digits > 15) continue;
    if (/^\d{4}-\d{2}-\d{2}/.test(candidate) || /^\d{1,2}[:.]\d{2}$/.test(candidate)) continue;
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 12);
    let ok = PHONE_BEFORE.test(before) || PHONE_AFTER.test(after);
    if (!ok && PHONE_SHAPED.test(candidate)) {
      ok =
        parsePhoneNumberFromString(
          candidate,
          region as Parameters<typeof parsePhoneNumberFromString>[1],
        )?.isValid() ?? false;
    }
    if (ok) out.push({ start: m.index, end: m.index + candidate.length });
  }
  return out;
}

// compromise is loaded only when a policy asks for names or places: it costs ~1 ms per KB.
let nlp: ((text: string) => any) | undefined;
function loadNlp(): (text: string) => any {
  if (!nlp) nlp = createRequire(import.meta.url)('compromise') as (text: string) => any;
  return nlp;
}

export interface PiiOptions {
  entities?: PiiEntity[];
  /** Default region for numbers written without a country code. */
  region?: string;
}

/**
 * Finds PII spans in `text` (offsets into it). `shape`, when given, describes `text` (prepareInput's
 * pass): matchers whose pattern needs what the text lacks (four digits in a row, a long run) are skipped.
 */
export function findPii(text: string, options: PiiOptions = {}, shape?: TextShape): Span[] {
  const want = new Set(options.entities ?? FORMAT_ENTITIES);
  const spans: Span[] = [];
  // Characters already claimed by a span: overlap checks cost the span's length, not the span count.
  const claimed = new Uint8Array(text.length + 1);
  const taken = (s: number, e: number) => {
    for (let i = s; i < e; i++) if (claimed[i]) return true;
    return false;
  };
  const claim = (s: number, e: number) => claimed.fill(1, s, e);
  for (const m of MATCHERS) {
    if (!want.has(m.entity) || (shape && m.shapeGate && !m.shapeGate(shape)) || (m.gate && !m.gate(text)))
      continue;
    m.pattern.lastIndex = 0;
    for (const hit of text.matchAll(m.pattern)) {
      // A pattern with a group (context words, then the value) reports the group.
      const value = hit[1] ?? hit[0];
      const start = hit[1] !== undefined ? hit.index + hit[0].lastIndexOf(value) : hit.index;
      const end = start + value.length;
      if (m.valid && !m.valid(value, text, start)) continue;
      if (taken(start, end)) continue;
      spans.push({ start, end, label: m.entity, detector: 'pii' });
      claim(start, end);
    }
  }
  // The hint needs seven digits.
  if (want.has('phone') && (!shape || shape.digits >= 7) && PHONE_HINT.test(text)) {
    for (const p of phones(text, options.region ?? 'US')) {
      if (!taken(p.start, p.end)) {
        spans.push({ ...p, label: 'phone', detector: 'pii' });
        claim(p.start, p.end);
      }
    }
  }
  if (want.has('person') || want.has('location')) {
    const doc = loadNlp()(text);
    const add = (items: any[], label: PiiEntity) => {
      for (const it of items) {
        const raw: string = it.text;
        const trimmed = raw.replace(/[\s.,;:!?'")]+$/, '').replace(/^[\s'"(]+/, '');
        const start = it.offset.start + raw.indexOf(trimmed);
        const end = start + trimmed.length;
        if (trimmed.length > 1 && !taken(start, end)) {
          spans.push({ start, end, label, detector: 'pii' });
          claim(start, end);
        }
      }
    };
    if (want.has('person')) add(doc.people().out('offset'), 'person');
    if (want.has('location')) add(doc.places().out('offset'), 'location');
  }
  return spans.sort((a, b) => a.start - b.start);
}

export function createPiiDetector(options: PiiOptions = {}): Detector {
  return {
    id: 'pii',
    detect(input: GuardInput): DetectorResult {
      const spans = findPii(input.text, options, input.text === input.normalized ? input.shape : undefined);
      if (spans.length === 0) return { score: 0, spans, explanation: 'no personal data found' };
      const counts: Record<string, number> = {};
      for (const s of spans) counts[s.label] = (counts[s.label] ?? 0) + 1;
      return {
        score: 1,
        spans,
        explanation: `found ${Object.entries(counts)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}`,
        details: { counts },
      };
    },
  };
}
