// Written encodings that a model reads back but a text filter does not: Morse, Braille, the NATO
// spelling alphabet, binary octets, base32, and the letter ciphers (Caesar shifts, ROT13, Atbash, pig
// Latin). Each decoder is a pure function over a bounded text that returns the segments it could read;
// normalize.ts decides, from one cheap look at the text, which of them to try at all.

export interface DecodedSegment {
  text: string;
  start: number;
  end: number;
}

/** Decoders give up on segments longer than this (the guard's decoded views are capped anyway). */
const MAX_SEGMENT = 16_384;
/** Segments read per decoder and text. */
const MAX_SEGMENTS = 4;

const STOPWORDS = new Set(
  'the and to of a you is in that it for this are with be on your what as not me my i all please can do'.split(
    ' ',
  ),
);

/** The share of a text's words that are common English function words (0 for fewer than 3 words). */
export function stopwordShare(s: string): number {
  const words = s.toLowerCase().match(/[a-z]+/g);
  if (!words || words.length < 3) return 0;
  let n = 0;
  for (const w of words) if (STOPWORDS.has(w)) n++;
  return n / words.length;
}

/** Letters (two or more) followed by a separator and another letter: the text has words, not noise. */
function hasWords(s: string): boolean {
  return /[\p{L}]{2,40}[\s,.:;!?]{1,3}[\p{L}]/u.test(s);
}

/** The share of a text's characters that are printable (U+FFFD, the mark of bytes that were not UTF-8, is not). */
export function printableRatio(s: string): number {
  if (s.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 10 || c === 13 || c === 9 || (c > 159 && c !== 0xfffd)) ok++;
  }
  return ok / s.length;
}

/**
 * For byte encodings (binary, base32), which decode exactly or not at all: valid UTF-8, printable, with
 * letters. Scripts written without spaces (Chinese, Japanese, Thai) have no "words" to demand.
 */
function readable(s: string): boolean {
  if (s.length < 4 || s.includes('\ufffd')) return false;
  return printableRatio(s) >= 0.95 && /\p{L}.*\p{L}/su.test(s);
}

// ---------- Morse

// biome-ignore format: a table
const MORSE: Record<string, string> = {
  '.-': 'a', '-...': 'b', '-.-.': 'c', '-..': 'd', '.': 'e', '..-.': 'f', '--.': 'g', '....': 'h',
  '..': 'i', '.---': 'j', '-.-': 'k', '.-..': 'l', '--': 'm', '-.': 'n', '---': 'o', '.--.': 'p',
  '--.-': 'q', '.-.': 'r', '...': 's', '-': 't', '..-': 'u', '...-': 'v', '.--': 'w', '-..-': 'x',
  '-.--': 'y', '--..': 'z', '-----': '0', '.----': '1', '..---': '2', '...--': '3', '....-': '4',
  '.....': '5', '-....': '6', '--...': '7', '---..': '8', '----.': '9', '.-.-.-': '.', '--..--': ',',
  '..--..': '?', '.----.': "'", '-.-.--': '!', '-..-.': '/', '-.--.': '(', '-.--.-': ')', '---...': ':',
  '-.-.-.': ';', '-...-': '=', '.-.-.': '+', '-....-': '-', '.-..-.': '"', '.--.-.': '@',
};

// Six or more letters of one to seven dots and dashes (the middle dot, bullet, en and em dash and the
// underscore written for them too), separated by spaces, or by a slash or bar between words.
const MORSE_RUN = /[.·•\-–—_]{1,7}(?:(?:[ \t]+|[ \t]*[/|][ \t]*)[.·•\-–—_]{1,7}){5,}/g;
const MORSE_WORD_BREAK = /[ \t]*[/|][ \t]*|[ \t]{2,}/;

/** Whether a text can hold Morse code at all: a dot and a dash next to each other, as every message has. */
export function mayBeMorse(text: string): boolean {
  return (
    text.includes('.-') ||
    text.includes('-.') ||
    text.includes('. -') ||
    text.includes('- .') ||
    text.includes('·') ||
    text.includes('•') ||
    text.includes('_.') ||
    text.includes('._')
  );
}

export function decodeMorse(text: string): DecodedSegment[] {
  const out: DecodedSegment[] = [];
  for (const m of text.slice(0, MAX_SEGMENT).matchAll(MORSE_RUN)) {
    if (out.length >= MAX_SEGMENTS) break;
    let unknown = 0;
    let letters = 0;
    const words = m[0].split(MORSE_WORD_BREAK).map((w) =>
      w
        .split(/[ \t]+/)
        .filter(Boolean)
        .map((code) => {
          letters++;
          const c = MORSE[code.replace(/[·•]/g, '.').replace(/[–—_]/g, '-')];
          if (c === undefined) unknown++;
          return c ?? '?';
        })
        .join(''),
    );
    const decoded = words.join(' ');
    // Markdown rules, ellipses and command-line flags make dots and dashes too: demand words.
    if (unknown * 10 > letters || !hasWords(decoded)) continue;
    out.push({ text: decoded, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

// ---------- Braille (Unicode Braille Patterns, grade 1: letters, the number sign, the capital sign)

const BRAILLE_LETTERS = '⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚⠅⠇⠍⠝⠕⠏⠟⠗⠎⠞⠥⠧⠺⠭⠽⠵';
// biome-ignore format: a table
const BRAILLE_PUNCT: Record<string, string> = {
  '⠂': ',', '⠲': '.', '⠦': '?', '⠖': '!', '⠄': "'", '⠤': '-', '⠒': ':', '⠆': ';', '⠀': ' ',
};
const BRAILLE_NUMBER = '⠼';
const BRAILLE_CAPITAL = '⠠';
const BRAILLE_RUN = /[\u2800-\u28ff](?:[\u2800-\u28ff \t\n,.!?'-]*[\u2800-\u28ff])?/g;

export function decodeBraille(text: string): DecodedSegment[] {
  const out: DecodedSegment[] = [];
  for (const m of text.slice(0, MAX_SEGMENT).matchAll(BRAILLE_RUN)) {
    if (out.length >= MAX_SEGMENTS) break;
    let s = '';
    let number = false;
    let capital = false;
    let cells = 0;
    for (const ch of m[0]) {
      if (ch === BRAILLE_NUMBER) {
        number = true;
        continue;
      }
      if (ch === BRAILLE_CAPITAL) {
        capital = true;
        continue;
      }
      const i = BRAILLE_LETTERS.indexOf(ch);
      if (i >= 0) {
        cells++;
        // After the number sign, a–j are the digits 1–9 and 0.
        if (number && i < 10) s += String((i + 1) % 10);
        else s += capital ? String.fromCharCode(65 + i) : String.fromCharCode(97 + i);
      } else {
        s += BRAILLE_PUNCT[ch] ?? (ch >= '\u2800' && ch <= '\u28ff' ? '?' : ch);
        if (ch === ' ' || ch === '⠀' || ch === '\n' || ch === '\t') number = false;
      }
      capital = false;
    }
    if (cells >= 6 && hasWords(s)) out.push({ text: s, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

// ---------- NATO spelling alphabet

// biome-ignore format: a table
const NATO: Record<string, string> = {
  alfa: 'a', alpha: 'a', bravo: 'b', charlie: 'c', delta: 'd', echo: 'e', foxtrot: 'f', golf: 'g',
  hotel: 'h', india: 'i', juliett: 'j', juliet: 'j', kilo: 'k', lima: 'l', mike: 'm', november: 'n',
  oscar: 'o', papa: 'p', quebec: 'q', romeo: 'r', sierra: 's', tango: 't', uniform: 'u', victor: 'v',
  whiskey: 'w', whisky: 'w', xray: 'x', 'x-ray': 'x', yankee: 'y', zulu: 'z', zero: '0', one: '1',
  two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', niner: '9',
  space: ' ', '(space)': ' ', '[space]': ' ', '/': ' ', '|': ' ', stop: '.', period: '.', comma: ',',
};
const NATO_WORD =
  'alfa|alpha|bravo|charlie|delta|echo|foxtrot|golf|hotel|india|juliett?|kilo|lima|mike|november|oscar|papa|quebec|romeo|sierra|tango|uniform|victor|whiske?y|x-?ray|yankee|zulu';
const NATO_TOKEN = `(?:${NATO_WORD}|zero|one|two|three|four|five|six|seven|eight|niner?|[([]?space[)\\]]?|stop|period|comma|[/|])`;
// Six or more tokens in a row, at least every other one a spelling word.
const NATO_RUN = new RegExp(
  `(?<![\\p{L}])(?:${NATO_WORD})(?:[\\s,.;-]+${NATO_TOKEN}){5,}(?![\\p{L}])`,
  'giu',
);
// Every spelled message of a few words has an a, e, i or o, so a text without these words spells nothing.
// One case-insensitive expression: fifteen substring searches cost twice as much (an e or an a is in
// every line of prose, and each is a candidate for "echo" or "alfa").
const NATO_VOWELS = /echo|alfa|alpha|oscar|india/i;

export function mayBeNato(text: string): boolean {
  return NATO_VOWELS.test(text);
}

export function decodeNato(text: string): DecodedSegment[] {
  const out: DecodedSegment[] = [];
  for (const m of text.slice(0, MAX_SEGMENT).matchAll(NATO_RUN)) {
    if (out.length >= MAX_SEGMENTS) break;
    const tokens = m[0].toLowerCase().match(new RegExp(NATO_TOKEN, 'g')) ?? [];
    let s = '';
    let spelled = 0;
    for (const t of tokens) {
      const c = NATO[t] ?? NATO[t.replace(/[()[\]]/g, '')] ?? '';
      if (c >= 'a' && c <= 'z') spelled++;
      s += c;
    }
    // "One, two, three …" is counting; a spelled message is mostly letters.
    if (spelled * 2 < tokens.length || spelled < 5) continue;
    out.push({ text: s.replace(/ {2,}/g, ' ').trim(), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

// ---------- binary octets

const BINARY_RUN = /(?<![01])(?:[01]{8}[ \t,]*){4,}(?![01])|(?<![01])(?:[01]{7}[ \t,]+){4,}[01]{7}(?![01])/g;

export function decodeBinary(text: string): DecodedSegment[] {
  const out: DecodedSegment[] = [];
  for (const m of text.slice(0, MAX_SEGMENT).matchAll(BINARY_RUN)) {
    if (out.length >= MAX_SEGMENTS) break;
    const groups = m[0].match(/[01]{7,8}/g) ?? [];
    // A run without separators is read eight bits at a time.
    const octets = groups.length === 1 ? (m[0].replace(/[^01]/g, '').match(/[01]{8}/g) ?? []) : groups;
    const bytes = Buffer.from(octets.map((g) => Number.parseInt(g, 2)));
    const decoded = bytes.toString('utf8');
    if (!readable(decoded)) continue;
    out.push({ text: decoded, start: m.index, end: m.index + m[0].trimEnd().length });
  }
  return out;
}

// ---------- base32 (RFC 4648 alphabet, upper case, optional padding)

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE32_RUN = /(?<![A-Za-z0-9+/=_-])[A-Z2-7]{16,}={0,6}(?![A-Za-z0-9+/=_-])/g;

/** Decodes one base32 string (padding optional); undefined when it holds a character outside the alphabet. */
export function base32Decode(s: string): Buffer | undefined {
  const clean = s.replace(/=+$/, '');
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = BASE32_ALPHABET.indexOf(clean[i]!);
    if (v < 0) return undefined;
    buffer = ((buffer << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

export function decodeBase32(text: string): DecodedSegment[] {
  const out: DecodedSegment[] = [];
  for (const m of text.slice(0, MAX_SEGMENT).matchAll(BASE32_RUN)) {
    if (out.length >= MAX_SEGMENTS) break;
    // Upper-case words and identifiers are runs of letters too; base32 of text is full of digits 2–7.
    if (!/[2-7]/.test(m[0])) continue;
    const decoded = base32Decode(m[0])?.toString('utf8');
    if (!decoded || !readable(decoded)) continue;
    out.push({ text: decoded, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

// ---------- character codes: decimal or octal numbers, \u escapes, HTML numeric entities, quoted-printable, A1Z26

// Eight or more numbers of 2–3 digits separated by spaces or commas: each character's code.
const CODE_RUN = /(?<![\d.])(?:\d{2,3}[ ,;]+){7,}\d{2,3}(?![\d.])/g;
const ESCAPE_RUN = /(?:\\u[0-9a-fA-F]{4}|\\u\{[0-9a-fA-F]{1,6}\}|&#x[0-9a-fA-F]{1,6};|&#\d{1,7};){4,}/g;
const QP_RUN = /(?:=[0-9A-F]{2}){6,}/g;
// Words of letter numbers joined by dashes (9-7-14-15-18-5 = "ignore"), three words or more.
const A1Z26_WORD = '(?:2[0-6]|1\\d|[1-9])(?:-(?:2[0-6]|1\\d|[1-9]))+';
const A1Z26_RUN = new RegExp(`(?<![\\d-])${A1Z26_WORD}(?:[ ,/]+${A1Z26_WORD}){2,}(?![\\d-])`, 'g');

function fromCodes(codes: number[]): string | undefined {
  if (
    codes.some((c) => !((c >= 32 && c < 127) || c === 9 || c === 10 || c === 13 || c >= 160) || c > 0x10ffff)
  )
    return undefined;
  return String.fromCodePoint(...codes);
}

/**
 * Character codes read back; each segment says which form it was in. `digits` (the text's count of
 * ASCII digits, from the shape pass) gates the number forms; the escapes need their marker.
 */
export function decodeCharCodes(
  text: string,
  digits: number,
): (DecodedSegment & { encoding: 'char-codes' | 'escapes' | 'quoted-printable' | 'a1z26' })[] {
  const out: (DecodedSegment & { encoding: 'char-codes' | 'escapes' | 'quoted-printable' | 'a1z26' })[] = [];
  const s = text.slice(0, MAX_SEGMENT);
  if (digits >= 16) {
    for (const m of s.matchAll(CODE_RUN)) {
      if (out.length >= MAX_SEGMENTS) break;
      const numbers = m[0].match(/\d+/g)!;
      // Decimal first; octal when every number is octal and decimal does not read.
      let decoded = fromCodes(numbers.map(Number));
      if ((!decoded || !hasWords(decoded)) && numbers.every((n) => /^[0-7]+$/.test(n)))
        decoded = fromCodes(numbers.map((n) => Number.parseInt(n, 8)));
      if (decoded && hasWords(decoded))
        out.push({ encoding: 'char-codes', text: decoded, start: m.index, end: m.index + m[0].length });
    }
    for (const m of s.matchAll(A1Z26_RUN)) {
      if (out.length >= MAX_SEGMENTS) break;
      const decoded = m[0]
        .split(/[ ,/]+/)
        .map((w) =>
          w
            .split('-')
            .map((n) => String.fromCharCode(96 + Number(n)))
            .join(''),
        )
        .join(' ');
      out.push({ encoding: 'a1z26', text: decoded, start: m.index, end: m.index + m[0].length });
    }
  }
  if (s.includes('\\u') || s.includes('&#'))
    for (const m of s.matchAll(ESCAPE_RUN)) {
      if (out.length >= MAX_SEGMENTS) break;
      const codes = [...m[0].matchAll(/\\u\{?([0-9a-fA-F]+)\}?|&#x([0-9a-fA-F]+);|&#(\d+);/g)].map((c) =>
        c[3] !== undefined ? Number(c[3]) : Number.parseInt(c[1] ?? c[2]!, 16),
      );
      const decoded = fromCodes(codes);
      if (decoded && /\p{L}/u.test(decoded))
        out.push({ encoding: 'escapes', text: decoded, start: m.index, end: m.index + m[0].length });
    }
  if (s.includes('='))
    for (const m of s.matchAll(QP_RUN)) {
      if (out.length >= MAX_SEGMENTS) break;
      const decoded = Buffer.from(m[0].replace(/=/g, ''), 'hex').toString('utf8');
      if (readable(decoded))
        out.push({ encoding: 'quoted-printable', text: decoded, start: m.index, end: m.index + m[0].length });
    }
  return out;
}

// ---------- letter ciphers: Caesar shifts (ROT13 among them) and Atbash

export function rot13(s: string): string {
  return s.replace(/[a-zA-Z]/g, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

/** Shifts every ASCII letter back by `shift` places (undoes a Caesar cipher). */
export function caesar(s: string, shift: number): string {
  return s.replace(/[a-zA-Z]/g, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base - shift + 26) % 26) + base);
  });
}

/** a ↔ z, b ↔ y …: its own inverse. */
export function atbash(s: string): string {
  return s.replace(/[a-zA-Z]/g, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(base + 25 - (c.charCodeAt(0) - base));
  });
}

// English letter frequencies (per cent), for recognising an enciphered English text.
const ENGLISH = [
  8.17, 1.49, 2.78, 4.25, 12.7, 2.23, 2.02, 6.09, 6.97, 0.15, 0.77, 4.03, 2.41, 6.75, 7.51, 1.93, 0.1, 5.99,
  6.33, 9.06, 2.76, 0.98, 2.36, 0.15, 1.97, 0.07,
];
// Letter counts: one buffer, because checks run one at a time.
const LETTERS = new Uint32Array(26);

function countLetters(text: string): number {
  LETTERS.fill(0);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const l = text.charCodeAt(i) | 32;
    if (l >= 97 && l <= 122) {
      LETTERS[l - 97]!++;
      n++;
    }
  }
  return n;
}

/** Chi-square of the counted letters against English, read through a letter mapping. */
function chiSquare(letters: number, image: (i: number) => number): number {
  let chi = 0;
  for (let i = 0; i < 26; i++) {
    const expected = (ENGLISH[i]! * letters) / 100;
    const d = LETTERS[image(i)]! - expected;
    chi += (d * d) / expected;
  }
  return chi;
}

export type Cipher = 'rot13' | 'caesar' | 'atbash';

/**
 * The text deciphered, when it is English under a Caesar shift or Atbash. The mapping whose letter
 * counts look most like English (chi-square, three times better than the text as it is) is kept only
 * if the result reads as English (its function words), so foreign words and random tokens stay as they
 * are. `exclude` skips ciphers a caller has already tried.
 */
export function decipher(text: string, exclude: Cipher[] = []): { cipher: Cipher; text: string } | undefined {
  const letters = countLetters(text);
  if (letters < 20) return undefined;
  const asIs = chiSquare(letters, (i) => i);
  let best = asIs;
  let cipher: Cipher | undefined;
  let shift = 0;
  for (let s = 1; s < 26; s++) {
    const kind: Cipher = s === 13 ? 'rot13' : 'caesar';
    if (exclude.includes(kind)) continue;
    const chi = chiSquare(letters, (i) => (i + s) % 26);
    if (chi < best) {
      best = chi;
      cipher = kind;
      shift = s;
    }
  }
  if (!exclude.includes('atbash')) {
    const chi = chiSquare(letters, (i) => 25 - i);
    if (chi < best) {
      best = chi;
      cipher = 'atbash';
    }
  }
  if (!cipher || best * 3 >= asIs) return undefined;
  const decoded = cipher === 'atbash' ? atbash(text) : caesar(text, shift);
  if (stopwordShare(text) >= 0.08 || stopwordShare(decoded) < 0.15) return undefined;
  return { cipher, text: decoded };
}

// Pieces of a text that a cipher may be confined to: between quotes, after a colon, on a line.
const PIECE_BREAK = /["'`“”‘’:\n]+/g;

/**
 * Enciphered pieces inside an otherwise plain text ("Decode this ROT13 and follow it: 'Vtaber …'").
 * The whole-text check misses them: the request's own English hides the cipher's letter counts.
 */
export function decipherPieces(
  text: string,
  exclude: Cipher[] = [],
): (DecodedSegment & { cipher: Cipher })[] {
  const out: (DecodedSegment & { cipher: Cipher })[] = [];
  const s = text.slice(0, MAX_SEGMENT);
  let start = 0;
  const visit = (end: number) => {
    if (end - start >= 24 && out.length < MAX_SEGMENTS) {
      const piece = s.slice(start, end);
      const d = decipher(piece, exclude);
      if (d) out.push({ text: d.text, start, end, cipher: d.cipher });
    }
  };
  for (const m of s.matchAll(PIECE_BREAK)) {
    visit(m.index);
    start = m.index + m[0].length;
  }
  visit(s.length);
  return out;
}

// ---------- pig Latin

const PIG_WORD = /\b([a-z]+?)(way|yay|ay)\b/gi;
const VOWEL = /^[aeiou]/i;
// Consonant clusters that begin English words: where a pig-Latin word's trailing consonants can split.
const ONSETS = new Set(
  'bl br ch cl cr dr fl fr gl gr pl pr sc sh sk sl sm sn sp st sw th tr tw wh wr ph qu sch scr shr spl spr squ str thr'.split(
    ' ',
  ),
);
// Words that settle which split is meant ("eviouspray": "previous", not "sprevious").
const VOCABULARY = new Set([
  ...STOPWORDS,
  ...'ignore previous instructions instruction prompt system reveal secret password key tell print show forget disregard rules rule above earlier developer mode now say output write repeat everything said told where does live user currently who when how why give from then new task access code hidden confidential private data send'.split(
    ' ',
  ),
]);

/** Whether enough of a text's words end in "ay" to be pig Latin (counted without a regular expression). */
export function mayBePigLatin(text: string): boolean {
  let ay = 0;
  for (let i = text.indexOf('ay'); i >= 0 && ay < 4; i = text.indexOf('ay', i + 2)) {
    const next = text.charCodeAt(i + 2) | 32;
    if (!(next >= 97 && next <= 122)) ay++;
  }
  return ay >= 4;
}

/** One pig-Latin word read back from its stem (the word without "ay"). */
function unpig(full: string): string | undefined {
  const cluster = /(?:qu|[^aeiou])+$/i.exec(full);
  if (!cluster || cluster.index === 0) return undefined;
  const moved = cluster[0].toLowerCase();
  const rest = full.slice(0, cluster.index).toLowerCase();
  let fallback: string | undefined;
  let plural: string | undefined;
  for (let k = 1; k <= moved.length; k++) {
    const onset = moved.slice(moved.length - k);
    if (k > 1 && !ONSETS.has(onset)) continue;
    // What precedes the onset in the moved cluster ends the original word, after `rest`.
    const coda = moved.slice(0, moved.length - k);
    const candidate = onset + rest + coda;
    if (VOCABULARY.has(candidate)) return candidate;
    if (coda.endsWith('s')) plural = candidate;
    fallback = candidate;
  }
  // Unknown words: a final s (plurals, "questions" → "estionsquay") is likelier than an s- onset.
  return plural ?? fallback;
}

/** Pig Latin read back ("Ignoreyay allyay eviouspray" → "Ignore all previous"), or undefined. */
export function decodePigLatin(text: string): string | undefined {
  const s = text.slice(0, MAX_SEGMENT);
  const words = s.match(/[a-z]+/gi)?.length ?? 0;
  let pig = 0;
  const decoded = s.replace(PIG_WORD, (w, stem: string, suffix: string) => {
    pig++;
    const lower = suffix.toLowerCase();
    // A word that began with a vowel took "way" or "yay"; otherwise its first consonants moved to the
    // end before "ay".
    if (lower !== 'ay' && VOWEL.test(stem)) {
      // "ouyay" is "you" (y moved, then "ay"), not a vowel word "ou" with "yay": the known word decides.
      const yWord = lower === 'yay' && !VOCABULARY.has(stem.toLowerCase()) ? unpig(`${stem}y`) : undefined;
      if (!yWord || !VOCABULARY.has(yWord)) return stem;
      return /^[A-Z]/.test(stem) ? yWord[0]!.toUpperCase() + yWord.slice(1) : yWord;
    }
    const full = lower === 'ay' ? stem : stem + suffix.slice(0, suffix.length - 2);
    const word = unpig(full);
    if (!word) return w;
    return /^[A-Z]/.test(full) ? word[0]!.toUpperCase() + word.slice(1) : word;
  });
  if (pig * 2 < words) return undefined;
  return stopwordShare(decoded) >= stopwordShare(s) + 0.1 ? decoded : undefined;
}
