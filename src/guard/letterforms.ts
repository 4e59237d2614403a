// Letter-like symbols that NFKC leaves alone and "fancy text" generators use to slip words past a
// filter: small capitals (ɪɢɴᴏʀᴇ), negative circled and squared letters (🅘🅖🅝, 🅸🅶🅽), regional indicator
// symbols (🇮🇬🇳), upside-down text (ǝɹouƃI), and letters separated by one repeated symbol or emoji
// (I🔥g🔥n🔥o🔥r🔥e). NFKC already folds full-width, circled, parenthesised, squared and mathematical letters.

// biome-ignore format: a table
const SMALL_CAPITALS: [string, string][] = [
  ['ᴀ', 'a'], ['ʙ', 'b'], ['ᴄ', 'c'], ['ᴅ', 'd'], ['ᴇ', 'e'], ['ꜰ', 'f'], ['ɢ', 'g'], ['ʜ', 'h'], ['ɪ', 'i'],
  ['ᴊ', 'j'], ['ᴋ', 'k'], ['ʟ', 'l'], ['ᴍ', 'm'], ['ɴ', 'n'], ['ᴏ', 'o'], ['ᴘ', 'p'], ['ǫ', 'q'], ['ʀ', 'r'],
  ['ꜱ', 's'], ['ᴛ', 't'], ['ᴜ', 'u'], ['ᴠ', 'v'], ['ᴡ', 'w'], ['ʏ', 'y'], ['ᴢ', 'z'],
];

const FOLD = new Map<string, string>(SMALL_CAPITALS);
// Negative circled (U+1F150), negative squared (U+1F170) and regional indicator (U+1F1E6) letters: A–Z in order.
for (let i = 0; i < 26; i++) {
  const letter = String.fromCharCode(65 + i);
  FOLD.set(String.fromCodePoint(0x1f150 + i), letter);
  FOLD.set(String.fromCodePoint(0x1f170 + i), letter);
  FOLD.set(String.fromCodePoint(0x1f1e6 + i), letter.toLowerCase());
}
const FOLDABLE = new RegExp(`[${[...FOLD.keys()].join('')}]`, 'gu');
const REGIONAL = /[\u{1f1e6}-\u{1f1ff}]/gu;

/**
 * The text with letter-like symbols made letters, or undefined when it has none worth folding. Regional
 * indicators pair into flags (🇫🇷): they are folded only when a text has more of them than flags would use.
 */
export function foldLetterforms(text: string): string | undefined {
  FOLDABLE.lastIndex = 0;
  if (!FOLDABLE.test(text)) return undefined;
  const regional = text.match(REGIONAL)?.length ?? 0;
  let folded = 0;
  const out = text.replace(FOLDABLE, (c) => {
    const cp = c.codePointAt(0)!;
    if (cp >= 0x1f1e6 && cp <= 0x1f1ff && regional < 8) return c;
    folded++;
    return FOLD.get(c)!;
  });
  // A stray small capital is phonetics or decoration; three make a word.
  return folded >= 3 ? out : undefined;
}

// Upside-down text: each letter replaced by its rotated look-alike, the whole written backwards. The
// rotated forms that are not ordinary letters tell it apart from text; b/q, d/p and n/u swap as well.
// biome-ignore format: a table
const ROTATED: [string, string][] = [
  ['ɐ', 'a'], ['ɔ', 'c'], ['ǝ', 'e'], ['ɟ', 'f'], ['ƃ', 'g'], ['ɥ', 'h'], ['ᴉ', 'i'], ['ı', 'i'], ['ɾ', 'j'],
  ['ʞ', 'k'], ['ɯ', 'm'], ['ɹ', 'r'], ['ʇ', 't'], ['ʌ', 'v'], ['ʍ', 'w'], ['ʎ', 'y'], ['∀', 'A'], ['Ɔ', 'C'],
  ['ᗡ', 'D'], ['Ǝ', 'E'], ['Ⅎ', 'F'], ['⅁', 'G'], ['ſ', 'J'], ['˥', 'L'], ['Ԁ', 'P'], ['ᴚ', 'R'], ['┴', 'T'],
  ['∩', 'U'], ['Λ', 'V'], ['⅄', 'Y'], ['˙', '.'], ['¿', '?'], ['¡', '!'], ['ʻ', ','],
];
const UNROTATE = new Map<string, string>([
  ...ROTATED,
  ['b', 'q'],
  ['q', 'b'],
  ['d', 'p'],
  ['p', 'd'],
  ['n', 'u'],
  ['u', 'n'],
  ["'", ','],
  [',', "'"],
]);
// The gate counts only rotated forms that no living orthography uses often: not the dotless ı (Turkish),
// ɔ (Akan, Ewe), Λ (Greek), ¿ and ¡ (Spanish) or the ʻokina (Hawaiian).
const ROTATED_ONLY = /[ɐǝɟƃɥᴉɾʞɯɹʇʌʍʎ∀ƆᗡƎℲ⅁˥Ԁᴚ┴∩⅄˙]/gu;

/** Whether a text holds enough rotated letters (four, of three kinds) to be written upside down. */
export function mayBeUpsideDown(text: string): boolean {
  ROTATED_ONLY.lastIndex = 0;
  const found = text.match(ROTATED_ONLY);
  return found !== null && found.length >= 4 && new Set(found).size >= 3;
}

/** Upside-down text turned the right way up. */
export function unrotate(text: string): string {
  return Array.from(text, (c) => UNROTATE.get(c) ?? c)
    .reverse()
    .join('');
}

// Latin letters with one repeated symbol or emoji between them, four letters or more ("I🔥g🔥n🔥o🔥r🔥e",
// "I→g→n→o→r→e"). ASCII separators are the `spelled` view's; this one looks only at the others.
const SYMBOL_SPELLED =
  /(?<![A-Za-z])[A-Za-z]([^\p{L}\p{N}\s\x00-\x7f]\uFE0F?)[A-Za-z](?:\1[A-Za-z]){2,}(?![A-Za-z])/gu;

/** The text with letters separated by a repeated non-ASCII symbol joined, or undefined when there are none. */
export function joinSymbolSpelled(text: string): string | undefined {
  SYMBOL_SPELLED.lastIndex = 0;
  if (!SYMBOL_SPELLED.test(text)) return undefined;
  SYMBOL_SPELLED.lastIndex = 0;
  return text.replace(SYMBOL_SPELLED, (run, sep: string) => run.split(sep).join(''));
}
