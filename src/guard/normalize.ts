import { CodeUnits } from './codes.ts';
import {
  caesar,
  decipher,
  decipherPieces,
  decodeBase32,
  decodeBinary,
  decodeBraille,
  decodeCharCodes,
  decodeMorse,
  decodeNato,
  decodePigLatin,
  mayBeMorse,
  mayBeNato,
  mayBePigLatin,
  printableRatio,
  rot13,
  stopwordShare,
} from './decoders.ts';
import { foldLetterforms, joinSymbolSpelled, mayBeUpsideDown, unrotate } from './letterforms.ts';
import type { DecodedView, GuardContext, GuardInput, TextShape } from './types.ts';

export { caesar, rot13 };

// Normalisation runs once per check and is shared by every detector, so attackers cannot hide an
// instruction from one detector with a trick that only another one undoes.

/** Decoded views per text; a text that fills them may hold more than were read (see the injection detector). */
export const MAX_VIEWS = 8;
const MAX_DECODED = 8192;

// Zero-width, soft hyphen, word joiners, BOM and bidi controls: invisible, used to split trigger words.
// Built from code points: a literal class holding combining marks trips the linter, not the engine.
const INVISIBLE_RANGES: [number, number][] = [
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x61c, 0x61c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
];
const u = (c: number) => `\\u${c.toString(16).padStart(4, '0')}`;
const INVISIBLE = new RegExp(
  `[${INVISIBLE_RANGES.map(([a, b]) => (a === b ? u(a) : `${u(a)}-${u(b)}`)).join('')}]`,
  'g',
);
const TAG_CHARS = /[\u{e0000}-\u{e007f}]/gu;

// Cyrillic, Greek, Armenian and Cherokee letters that render like Latin ones; mapped only inside words
// that mix scripts, so genuine Russian, Greek or Armenian text is left alone.
const HOMOGLYPHS: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ɡ: 'g',
  ο: 'o',
  α: 'a',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  І: 'I',
  Ј: 'J',
  Ѕ: 'S',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
  // Armenian
  օ: 'o',
  ս: 'u',
  ո: 'n',
  հ: 'h',
  ց: 'g',
  ք: 'p',
  զ: 'q',
  ա: 'w',
  Օ: 'O',
  Ս: 'U',
  Տ: 'S',
  Լ: 'L',
  // Cherokee
  Ꭺ: 'A',
  Ᏼ: 'B',
  Ꮯ: 'C',
  Ꭰ: 'D',
  Ꭼ: 'E',
  Ꮐ: 'G',
  Ꮋ: 'H',
  Ꭵ: 'i',
  Ꭻ: 'J',
  Ꮶ: 'K',
  Ꮮ: 'L',
  Ꮇ: 'M',
  Ꮲ: 'P',
  Ꮪ: 'S',
  Ꭲ: 'T',
  Ꮩ: 'V',
  Ꮃ: 'W',
  Ꮓ: 'Z',
};
const MIXED_WORD =
  /[\p{L}]*(?:[a-zA-Z][\u0370-\u052f\u0531-\u058f\u13a0-\u13ff\u0261]|[\u0370-\u052f\u0531-\u058f\u13a0-\u13ff\u0261][a-zA-Z])[\p{L}]*/gu;
const CONFUSABLE_SCRIPT = /[\u0370-\u052f\u0531-\u058f\u13a0-\u13ff\u0261]/;
const HOMOGLYPH_CHARS = new RegExp(`[${Object.keys(HOMOGLYPHS).join('')}]`, 'g');

const BASE64 = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])/g;
const HEX = /(?:\\x[0-9a-fA-F]{2}){6,}|(?<![0-9a-fA-F])(?:[0-9a-fA-F]{2}[ :]?){8,}(?![0-9a-fA-F])/g;
const URLENC = /(?:%[0-9a-fA-F]{2}[^\s%]{0,3}){4,}/g;
// Combining marks piled on Latin letters ("I̶g̶n̶o̶r̶e̶", zalgo). NFKC has composed the accents that have a
// precomposed form, so what is left on an ASCII letter is decoration.
const LATIN_MARK = /[A-Za-z][\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/;
const LATIN_MARKS_G = /(?<=[A-Za-z])[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+/g;
// Single letters, each after the same one space, dot, dash, underscore or star ("I g n o r e",
// "i.g.n.o.r.e a.l.l"): four in a row start the view, and every run of three or more is joined.
const SPELLED = /(?<![A-Za-z])[A-Za-z]([ ._*-])[A-Za-z]\1[A-Za-z]\1[A-Za-z](?![A-Za-z])/;
const SPELLED_G = /(?<![A-Za-z])[A-Za-z]([ ._*-])[A-Za-z](?:\1[A-Za-z])+(?![A-Za-z])/g;
// Common English words written backwards: three different ones mean the text runs right to left. The
// commonest three first, as a cheap test (a regular expression of all of them costs three times as much).
const BACKWARD_LIKELY = /\b(?:eht|dna|uoy)\b/i;
const BACKWARD_WORDS =
  /\b(?:eht|dna|uoy|ruoy|siht|taht|rof|htiw|era|ton|evah|tahw|erongi|lla|snoitcurtsni|tpmorp|terces|drowssap)\b/gi;

// Accented Latin letters. Folded away only when the result reads as much more English (its stopwords):
// "Ignóré áll prévíóús ínstrúctíóns" becomes English, French or Spanish text stays as it is.
const BRAILLE = /[\u2801-\u28ff]/;
const ACCENTED = /[\u00c0-\u00ff\u0100-\u024f]/;
const ACCENTED_G = /[\u00c0-\u00ff\u0100-\u024f]/g;
const ACCENT_MARKS = /[\u0300-\u036f]/g;

const LEET_WORD = /\b(?=[a-zA-Z0-9@$]*[a-zA-Z])(?=[a-zA-Z0-9@$]*[013457@$])[a-zA-Z0-9@$]{3,}\b/g;
const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};
function looksLikeText(s: string): boolean {
  // Decoded binary (a hash, a key, an image) is not a hidden instruction: demand readable words.
  const head = s.slice(0, MAX_DECODED);
  return s.length >= 4 && printableRatio(head) > 0.95 && /[\p{L}]{2,40}[\s,.:;!?][\p{L}]/u.test(head);
}

function decodeHex(seg: string): string {
  const hex = seg.replace(/\\x|[ :]/g, '');
  return Buffer.from(hex.length % 2 ? hex.slice(0, -1) : hex, 'hex').toString('utf8');
}

/** What one pass over a text says about which decoders can apply (and what detectors may skip). */
interface Shape extends TextShape {
  /** A run of 16 or more base64-alphabet characters that mixes upper and lower case. */
  mixedB64: boolean;
  /** A run of 16 or more base64-alphabet characters with upper case and no lower case (base32). */
  upperRun: boolean;
  /** Code units outside ASCII. */
  nonAscii: number;
  /** A run of 16 or more hex digits (separators allowed). */
  longHex: boolean;
  /** A digit or @/$ directly next to a letter (a leetspeak candidate). */
  leet: boolean;
  /** Letters common in English (e t a o) against their ROT13 images (r g n b). */
  common: number;
  rotated: number;
  /** ASCII letters seen. */
  letters: number;
}

// Character classes of shapeOf, for ASCII code units (everything above is in none). LEET_CHAR is the
// bit above LETTER: one shift compares a character with the one before it.
const B64_CHAR = 1;
const HEX_DIGIT = 2;
const HEX_SEPARATOR = 4;
const LETTER = 8;
const LEET_CHAR = 16;
const UPPER = 32;
const LOWER = 64;
const DIGIT = 128;
const TOKEN_CHAR = 256;
const CLASS = new Uint16Array(128);
// Counts per ASCII code unit, one byte each: letters, common letters (e t a o), their ROT13 images
// (r g n b) and digits. Summed as one integer over at most 255 characters at a time.
const COUNT = new Uint32Array(128);
for (let c = 0; c < 128; c++) {
  const upper = c >= 65 && c <= 90;
  const lower = c >= 97 && c <= 122;
  const digit = c >= 48 && c <= 57;
  let k = 0;
  let count = 0;
  if (upper || lower || digit || c === 43 || c === 47 || c === 95 || c === 45) k |= B64_CHAR;
  if (digit || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)) k |= HEX_DIGIT;
  else if (c === 32 || c === 58 || c === 92 || c === 120) k |= HEX_SEPARATOR;
  if (upper || lower) {
    k |= LETTER | (upper ? UPPER : LOWER);
    count |= 1;
    const l = c | 32;
    if (l === 101 || l === 116 || l === 97 || l === 111) count |= 1 << 8;
    else if (l === 114 || l === 103 || l === 110 || l === 98) count |= 1 << 16;
  }
  if (digit || c === 64 || c === 36) k |= LEET_CHAR;
  if (digit) {
    k |= DIGIT;
    count |= 1 << 24;
  }
  if (k & B64_CHAR || c === 61) k |= TOKEN_CHAR;
  CLASS[c] = k;
  COUNT[c] = count;
}
const shapeCodes = new CodeUnits();

// shapeOf's findings, as bits of one integer.
const MIXED_B64 = 1;
const RANDOM_RUN = 2;
const LONG_HEX = 4;
const TOKEN_RUN = 8;
const UPPER_RUN = 16;

// One pass over the character codes decides which decoders can possibly apply, so ordinary prose
// (nearly all traffic) pays for a loop, not for five regular-expression scans. Table lookups and
// arithmetic instead of branches: whether a character is a letter is what a branch predictor cannot
// guess in prose.
function shapeOf(text: string): Shape {
  const codes = shapeCodes.load(text);
  const n = text.length;
  // Read once before the loop, so that the compiler checks the array's type there, not at each access.
  if (codes.length < n) throw new RangeError('shapeOf: code units not loaded');
  let b64 = 0;
  let hex = 0;
  let token = 0;
  let runCase = 0;
  let longRun = 0;
  let found = 0;
  let leet = 0;
  let prev = 0;
  let letters = 0;
  let common = 0;
  let rotated = 0;
  let digits = 0;
  let nonAscii = 0;
  for (let i = 0; i < n; ) {
    const stop = Math.min(n, i + 255);
    let counts = 0;
    for (; i < stop; i++) {
      const c = codes[i]!;
      // (c - 128) >> 31 is all ones below 128 and 0 above: no branch on the script.
      const ascii = (c - 128) >> 31;
      nonAscii += ascii + 1;
      const k = CLASS[c & 0x7f]! & ascii;
      counts += COUNT[c & 0x7f]! & ascii;
      // Run lengths: +1 inside a run, back to 0 outside (a hex separator keeps the hex run as it is).
      const inB64 = -(k & B64_CHAR);
      b64 = (b64 + 1) & inB64;
      runCase = (runCase | k) & inB64;
      if (b64 >= 16) {
        if (b64 > longRun) longRun = b64;
        if ((runCase & (UPPER | LOWER)) === (UPPER | LOWER)) {
          found |= MIXED_B64;
          if (b64 >= 32 && runCase & DIGIT) found |= RANDOM_RUN;
        } else if (runCase & UPPER) found |= UPPER_RUN;
      }
      hex = (hex + ((k >> 1) & 1)) & -(((k >> 1) | (k >> 2)) & 1);
      if (hex >= 16) found |= LONG_HEX;
      token = (token + 1) & -((k >> 8) & 1);
      if (token >= 16) found |= TOKEN_RUN;
      // Bit 4: a leet character after a letter, or a letter after a leet character.
      leet |= (k & (prev << 1)) | (prev & (k << 1));
      prev = k;
    }
    letters += counts & 255;
    common += (counts >> 8) & 255;
    rotated += (counts >> 16) & 255;
    digits += counts >>> 24;
  }
  return {
    mixedB64: (found & MIXED_B64) !== 0,
    upperRun: (found & UPPER_RUN) !== 0,
    nonAscii,
    longHex: (found & LONG_HEX) !== 0,
    leet: (leet & LEET_CHAR) !== 0,
    common,
    rotated,
    letters,
    tokenRun: (found & TOKEN_RUN) !== 0,
    randomRun: (found & RANDOM_RUN) !== 0,
    longRun,
    digits,
  };
}

export function decodeLayers(text: string): DecodedView[] {
  return decode(text).views;
}

/** The decoded views of a text, and its shape. */
function decode(text: string): { views: DecodedView[]; shape: TextShape } {
  const views: DecodedView[] = [];
  const add = (v: DecodedView) => {
    if (views.length < MAX_VIEWS) views.push({ ...v, text: v.text.slice(0, MAX_DECODED) });
  };
  const shape = shapeOf(text);
  // A base64 match is a whole run of 16 or more; only one with both cases is ever decoded.
  if (shape.mixedB64) {
    for (const m of text.matchAll(BASE64)) {
      if (views.length >= MAX_VIEWS) break;
      const seg = m[0];
      // Identifiers and paths are long runs of letters too; real base64 mixes cases and digits.
      if (!/[A-Z]/.test(seg) || !/[a-z]/.test(seg)) continue;
      const decoded = Buffer.from(seg.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
      if (looksLikeText(decoded))
        add({ encoding: 'base64', text: decoded, start: m.index, end: m.index + seg.length });
    }
  }
  if (shape.longHex) {
    // Octets of 0s and 1s are hex digits too: read as binary first, and not again as hex.
    const binary = decodeBinary(text);
    for (const v of binary) add({ encoding: 'binary', ...v });
    for (const m of text.matchAll(HEX)) {
      if (binary.some((b) => m.index < b.end && m.index + m[0].length > b.start)) continue;
      if (views.length >= MAX_VIEWS) break;
      const decoded = decodeHex(m[0]);
      if (looksLikeText(decoded))
        add({ encoding: 'hex', text: decoded, start: m.index, end: m.index + m[0].length });
    }
  }
  if (text.includes('%')) {
    for (const m of text.matchAll(URLENC)) {
      if (views.length >= MAX_VIEWS) break;
      try {
        const decoded = decodeURIComponent(m[0]);
        if (looksLikeText(decoded))
          add({ encoding: 'url', text: decoded, start: m.index, end: m.index + m[0].length });
      } catch {
        // Malformed escapes are just text.
      }
    }
  }
  const leetWords = shape.leet ? text.match(LEET_WORD) : null;
  if (leetWords && leetWords.length >= 2 && !/^\d+$/.test(leetWords.join(''))) {
    const decoded = text.replace(LEET_WORD, (w) =>
      /^[0-9]+$/.test(w) ? w : w.replace(/[013457@$]/g, (c) => LEET[c]!),
    );
    add({ encoding: 'leet', text: decoded, start: 0, end: text.length });
  }
  // English has about twice as many e/t/a/o as r/g/n/b; ROT13 text has it the other way round.
  const base = shape.rotated > shape.common && shape.common + shape.rotated >= 10 ? stopwordShare(text) : 1;
  if (base < 0.08 && /[a-zA-Z]{3,}\s+[a-zA-Z]{3,}/.test(text)) {
    const r = rot13(text);
    if (stopwordShare(r) >= base + 0.15) add({ encoding: 'rot13', text: r, start: 0, end: text.length });
  }
  // Other Caesar shifts and Atbash. English and the other Latin-script languages spend about a third of
  // their letters on e, t, a and o; an enciphered text spends far less. Only then are the mappings tried
  // (decoders.ts keeps one only if the result reads as English). A cipher confined to a quotation or the
  // text after a colon hides behind the request's own English: when the whole text is short of e, t, a
  // and o but not far enough, its pieces are tried one by one.
  if (shape.letters >= 24 && shape.common < 0.3 * shape.letters) {
    const rotated = views.some((v) => v.encoding === 'rot13');
    const whole = shape.common < 0.2 * shape.letters ? decipher(text, rotated ? ['rot13'] : []) : undefined;
    if (whole) add({ encoding: whole.cipher, text: whole.text, start: 0, end: text.length });
    else if (!rotated)
      for (const p of decipherPieces(text))
        add({ encoding: p.cipher, text: p.text, start: p.start, end: p.end });
  }
  if (mayBePigLatin(text)) {
    const decoded = decodePigLatin(text);
    if (decoded) add({ encoding: 'pig-latin', text: decoded, start: 0, end: text.length });
  }
  for (const v of decodeCharCodes(text, shape.digits)) add(v);
  if (mayBeMorse(text)) for (const v of decodeMorse(text)) add({ encoding: 'morse', ...v });
  if (shape.nonAscii > 0 && BRAILLE.test(text))
    for (const v of decodeBraille(text)) add({ encoding: 'braille', ...v });
  if (mayBeNato(text)) for (const v of decodeNato(text)) add({ encoding: 'nato', ...v });
  if (shape.upperRun) for (const v of decodeBase32(text)) add({ encoding: 'base32', ...v });
  if (views.length < MAX_VIEWS && LATIN_MARK.test(text) && (text.match(LATIN_MARKS_G)?.length ?? 0) >= 3)
    add({ encoding: 'marks', text: text.replace(LATIN_MARKS_G, ''), start: 0, end: text.length });
  if (views.length < MAX_VIEWS && SPELLED.test(text))
    add({
      encoding: 'spelled',
      text: text.replace(SPELLED_G, (run) => run.replace(/[ ._*-]/g, '')),
      start: 0,
      end: text.length,
    });
  // Tried only when at least one letter in eight is accented (a disguise accents most words; French and
  // Spanish text accents one letter in twenty to thirty), so ordinary text pays one regular expression.
  if (
    views.length < MAX_VIEWS &&
    ACCENTED.test(text) &&
    (text.match(ACCENTED_G)?.length ?? 0) * 8 >= shape.letters
  ) {
    const folded = text.normalize('NFD').replace(ACCENT_MARKS, '');
    if (stopwordShare(folded) >= stopwordShare(text) + 0.15)
      add({ encoding: 'accents', text: folded, start: 0, end: text.length });
  }
  if (shape.nonAscii > 0) {
    if (mayBeUpsideDown(text))
      add({ encoding: 'upside-down', text: unrotate(text), start: 0, end: text.length });
    const joined = joinSymbolSpelled(text);
    if (joined !== undefined) add({ encoding: 'symbol-spelled', text: joined, start: 0, end: text.length });
  }
  if (views.length < MAX_VIEWS && backwards(text)) {
    // By code point, so that a pair of surrogates stays one character.
    add({ encoding: 'reversed', text: Array.from(text).reverse().join(''), start: 0, end: text.length });
  }
  return { views, shape };
}

function backwards(text: string): boolean {
  if (!BACKWARD_LIKELY.test(text)) return false;
  BACKWARD_WORDS.lastIndex = 0;
  const seen = new Set<string>();
  for (let m = BACKWARD_WORDS.exec(text); m !== null && seen.size < 3; m = BACKWARD_WORDS.exec(text))
    seen.add(m[0].toLowerCase());
  return seen.size >= 3;
}

/** NFKC, invisible characters removed, Unicode tag characters decoded, mixed-script homoglyphs mapped. */
export function normalizeText(text: string): { normalized: string; signals: string[]; tags: string } {
  const signals: string[] = [];
  let tags = '';
  // ASCII text has as many UTF-8 bytes as code units; counting them is native and several times
  // cheaper than a regular-expression scan for the first non-ASCII character.
  if (Buffer.byteLength(text, 'utf8') === text.length) return { normalized: text, signals, tags };
  let s = text;
  if (TAG_CHARS.test(s)) {
    TAG_CHARS.lastIndex = 0;
    tags = [...s.matchAll(TAG_CHARS)]
      .map((m) => String.fromCharCode(m[0].codePointAt(0)! - 0xe0000))
      .join('')
      .replace(/[\x00-\x1f\x7f]/g, '');
    s = s.replace(TAG_CHARS, '');
    signals.push('unicode-tags');
  }
  INVISIBLE.lastIndex = 0;
  if (INVISIBLE.test(s)) {
    s = s.replace(INVISIBLE, '');
    signals.push('invisible-characters');
  }
  const nfkc = s.normalize('NFKC');
  if (nfkc !== s) signals.push('compatibility-forms');
  s = nfkc;
  MIXED_WORD.lastIndex = 0;
  if (CONFUSABLE_SCRIPT.test(s) && MIXED_WORD.test(s)) {
    let changed = false;
    s = s.replace(MIXED_WORD, (w) => {
      const mapped = w.replace(HOMOGLYPH_CHARS, (c) => HOMOGLYPHS[c] ?? c);
      if (mapped !== w) changed = true;
      return mapped;
    });
    if (changed) signals.push('homoglyphs');
  }
  const folded = foldLetterforms(s);
  if (folded !== undefined) {
    s = folded;
    signals.push('fancy-letters');
  }
  return { normalized: s, signals, tags };
}

/** Builds what every detector sees from one text. */
export function prepareInput(text: string, ctx: GuardContext): GuardInput {
  const { normalized, signals, tags } = normalizeText(text);
  const { views: decoded, shape } = decode(normalized);
  if (tags) decoded.unshift({ encoding: 'unicode-tags', text: tags, start: 0, end: text.length });
  for (const v of decoded) if (!signals.includes(v.encoding)) signals.push(v.encoding);
  if (decoded.length >= MAX_VIEWS) signals.push('decoded-views-full');
  return { text, normalized, decoded, signals, ctx, memo: new Map(), shape };
}
