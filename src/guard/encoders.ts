// The written encodings that decoders.ts reads back, as an attacker writes them: the training script
// teaches the classifiers that an encoded ordinary prompt is ordinary (the decoded view carries the
// verdict), and bench:guard measures how much recall survives each encoding. Written from the public
// definitions (ITU Morse, Unicode Braille Patterns grade 1, the ICAO/NATO spelling alphabet, RFC 4648).

// biome-ignore format: a table
const MORSE: Record<string, string> = {
  a: '.-', b: '-...', c: '-.-.', d: '-..', e: '.', f: '..-.', g: '--.', h: '....', i: '..', j: '.---',
  k: '-.-', l: '.-..', m: '--', n: '-.', o: '---', p: '.--.', q: '--.-', r: '.-.', s: '...', t: '-',
  u: '..-', v: '...-', w: '.--', x: '-..-', y: '-.--', z: '--..', '0': '-----', '1': '.----',
  '2': '..---', '3': '...--', '4': '....-', '5': '.....', '6': '-....', '7': '--...', '8': '---..',
  '9': '----.', '.': '.-.-.-', ',': '--..--', '?': '..--..', "'": '.----.', '!': '-.-.--',
};

/** Letters separated by spaces, words by " / "; characters without a code are dropped. */
export function toMorse(s: string): string {
  return s
    .toLowerCase()
    .split(/\s+/)
    .map((w) =>
      [...w]
        .map((c) => MORSE[c])
        .filter(Boolean)
        .join(' '),
    )
    .filter(Boolean)
    .join(' / ');
}

const BRAILLE_LETTERS = '⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚⠅⠇⠍⠝⠕⠏⠟⠗⠎⠞⠥⠧⠺⠭⠽⠵';
const BRAILLE_PUNCT: Record<string, string> = { ',': '⠂', '.': '⠲', '?': '⠦', '!': '⠖', "'": '⠄', '-': '⠤' };

/** Grade-1 Braille cells: the capital sign before capitals, the number sign before a run of digits. */
export function toBraille(s: string): string {
  let out = '';
  let number = false;
  for (const c of s) {
    const lower = c.toLowerCase();
    if (lower >= 'a' && lower <= 'z') {
      out += (c !== lower ? '⠠' : '') + BRAILLE_LETTERS[lower.charCodeAt(0) - 97];
      number = false;
    } else if (c >= '0' && c <= '9') {
      out += (number ? '' : '⠼') + BRAILLE_LETTERS[(Number(c) + 9) % 10];
      number = true;
    } else {
      out += BRAILLE_PUNCT[c] ?? (/\s/.test(c) ? ' ' : '');
      number = false;
    }
  }
  return out;
}

// biome-ignore format: a table
const NATO = [
  'Alfa', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf', 'Hotel', 'India', 'Juliett', 'Kilo',
  'Lima', 'Mike', 'November', 'Oscar', 'Papa', 'Quebec', 'Romeo', 'Sierra', 'Tango', 'Uniform',
  'Victor', 'Whiskey', 'X-ray', 'Yankee', 'Zulu',
];
const DIGITS = ['Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine'];

/** One spelling word per letter or digit, "/" between words. */
export function toNato(s: string): string {
  return s
    .split(/\s+/)
    .map((w) =>
      [...w.toLowerCase()]
        .map((c) =>
          c >= 'a' && c <= 'z' ? NATO[c.charCodeAt(0) - 97] : c >= '0' && c <= '9' ? DIGITS[+c] : '',
        )
        .filter(Boolean)
        .join(' '),
    )
    .filter(Boolean)
    .join(' / ');
}

/** The UTF-8 bytes as eight-bit groups separated by spaces. */
export function toBinary(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => b.toString(2).padStart(8, '0')).join(' ');
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 with padding. */
export function toBase32(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = ((buffer << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  while (out.length % 8) out += '=';
  return out;
}

/** Every ASCII letter moved `shift` places forward (ROT13 is 13). */
export function toCaesar(s: string, shift: number): string {
  return s.replace(/[a-zA-Z]/g, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + shift) % 26) + base);
  });
}

/**
 * Words starting with a vowel take "yay"; others move their first consonants to the end before "ay"
 * (a y after the first letter is a vowel: "system" → "ystemsay").
 */
export function toPigLatin(s: string): string {
  return s.replace(/[a-zA-Z]+/g, (w) => {
    const m = /^y?(?:qu|[^aeiouy])*/i.exec(w)![0];
    if (!m) return `${w}yay`;
    if (m.length === w.length) return `${w}ay`;
    const rest = w.slice(m.length);
    const capital = /^[A-Z]/.test(w);
    const word = rest + m.toLowerCase() + 'ay';
    return capital ? word[0]!.toUpperCase() + word.slice(1) : word;
  });
}

/** Each encoding by name, as the training script and the benchmark apply them. */
export const ENCODERS: Record<string, (s: string) => string> = {
  base64: (s) => Buffer.from(s, 'utf8').toString('base64'),
  hex: (s) => Buffer.from(s, 'utf8').toString('hex'),
  base32: toBase32,
  binary: toBinary,
  rot13: (s) => toCaesar(s, 13),
  caesar: (s) => toCaesar(s, 3),
  atbash: (s) =>
    s.replace(/[a-zA-Z]/g, (c) => {
      const base = c <= 'Z' ? 65 : 97;
      return String.fromCharCode(base + 25 - (c.charCodeAt(0) - base));
    }),
  'pig-latin': toPigLatin,
  morse: toMorse,
  braille: toBraille,
  nato: toNato,
  reversed: (s) => [...s].reverse().join(''),
  'char-codes': (s) => Array.from(s, (c) => c.codePointAt(0)).join(' '),
  escapes: (s) => Array.from(s, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  'html-entities': (s) => Array.from(s, (c) => `&#${c.codePointAt(0)};`).join(''),
  'quoted-printable': (s) =>
    [...Buffer.from(s, 'utf8')].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  a1z26: (s) =>
    s
      .toLowerCase()
      .split(/\s+/)
      .map((w) => Array.from(w.replace(/[^a-z]/g, ''), (c) => c.charCodeAt(0) - 96).join('-'))
      .filter(Boolean)
      .join(' '),
  spelled: (s) =>
    s
      .split(/\s+/)
      .map((w) => [...w].join(' '))
      .join('  '),
};
