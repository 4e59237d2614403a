// Hashed word and character n-gram features, computed by one state machine so that a whole text and
// a text that arrives in chunks produce exactly the same features (streaming output checks rely on it).

import { CodeUnits } from './codes.ts';

const FNV_PRIME = 16777619;
const SEED_CHAR = 2166136261 | 0;
const SEED_WORD = 0x2f1b3c4d;
const SEED_BIGRAM = 0x51ed270b;

export interface HashState {
  /** Last four processed character codes (c1 newest); 0 when none. */
  c1: number;
  c2: number;
  c3: number;
  c4: number;
  /** Hash of the word being read, its length, and the previous completed word's hash (0 when none). */
  word: number;
  wordLen: number;
  prevWord: number;
}

export function newHashState(): HashState {
  // A leading space makes the first word's boundary n-grams match those in the middle of a text.
  return { c1: 32, c2: 0, c3: 0, c4: 0, word: SEED_WORD, wordLen: 0, prevWord: 0 };
}

/** Puts a state back to the start of a text (reused by the whole-text scorer: no allocation). */
export function resetHashState(s: HashState): void {
  s.c1 = 32;
  s.c2 = 0;
  s.c3 = 0;
  s.c4 = 0;
  s.word = SEED_WORD;
  s.wordLen = 0;
  s.prevWord = 0;
}

function step(h: number, c: number): number {
  return Math.imul(h ^ c, FNV_PRIME);
}

function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
  // Non-ASCII letters count as word characters except punctuation and symbol blocks.
  return !(
    (c >= 0x2000 && c <= 0x2bff) ||
    (c >= 0x3000 && c <= 0x303f) ||
    (c >= 0xff00 && c <= 0xff0f) ||
    (c >= 0xff1a && c <= 0xff20) ||
    c === 0xa0 ||
    (c >= 0xd800 && c <= 0xdfff)
  );
}

function lower(c: number): number {
  if (c >= 65 && c <= 90) return c + 32;
  if (c >= 48 && c <= 57) return 48; // every digit is '0': numbers generalise, ids do not leak
  if (c < 128) return c;
  return c;
}

/**
 * Feeds `text` through the state machine; `emit` receives each feature's bucket (hash & mask).
 * Returns the number of features emitted. Word features of the word still being read are not
 * emitted until a boundary; `pendingWord` emits them for a final score.
 */
export function consume(
  state: HashState,
  text: string,
  mask: number,
  emit: (bucket: number) => void,
): number {
  let { c1, c2, c3, c4, word, wordLen, prevWord } = state;
  let n = 0;
  // Non-ASCII text is lower-cased once up front (the ASCII fast path lower-cases per character).
  const src = /[^\x00-\x7f]/.test(text) ? text.toLowerCase() : text;
  for (let i = 0; i < src.length; i++) {
    let c = lower(src.charCodeAt(i));
    const wordChar = isWordChar(c);
    if (!wordChar) {
      if (c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xa0) c = 32;
      if (wordLen > 0) {
        emit((word ^ SEED_WORD) & mask);
        if (prevWord !== 0) emit(step(step(SEED_BIGRAM, prevWord), word) & mask);
        n += prevWord !== 0 ? 2 : 1;
        prevWord = word;
        word = SEED_WORD;
        wordLen = 0;
      }
      if (c === 32 && c1 === 32) continue;
    } else {
      word = step(word, c);
      wordLen++;
    }
    let h = step(SEED_CHAR, c);
    h = step(h, c1);
    if (c2 !== 0) {
      h = step(h, c2);
      emit(h & mask);
      n++;
      if (c3 !== 0) {
        h = step(h, c3);
        emit(h & mask);
        n++;
        if (c4 !== 0) {
          h = step(h, c4);
          emit(h & mask);
          n++;
        }
      }
    }
    c4 = c3;
    c3 = c2;
    c2 = c1;
    c1 = c;
  }
  state.c1 = c1;
  state.c2 = c2;
  state.c3 = c3;
  state.c4 = c4;
  state.word = word;
  state.wordLen = wordLen;
  state.prevWord = prevWord;
  return n;
}

// consumeWeights per ASCII code unit: the character as hashed (lower case, every digit '0', other
// whitespace a space, as `lower` and `consume` map it), plus 256 when it belongs to a word.
const ASCII_FOLD = new Uint16Array(128);
for (let c = 0; c < 128; c++) {
  const f = lower(c);
  const word = isWordChar(f);
  ASCII_FOLD[c] =
    (word ? 256 : 0) | (!word && (f === 9 || f === 10 || f === 13 || f === 12 || f === 11) ? 32 : f);
}
const weightCodes = new CodeUnits();

/** Running sum of the weights of the features seen, and their count (the scorer's accumulator). */
export interface WeightSum {
  sum: number;
  n: number;
}

/**
 * `consume` with the weight lookup inlined: the same features, summed into `acc` instead of emitted
 * one by one through a callback. This is the hot path of every guarded request, so it avoids the
 * closure call per feature; with int8 weights the sum stays a small integer (no float adds) and the
 * table is a quarter of the float one (256 KiB for 2^18 buckets), which keeps it in cache.
 * Tested to give the same sum as `featureBuckets`.
 */
export function consumeWeights(
  state: HashState,
  text: string,
  mask: number,
  w: Int8Array,
  acc: WeightSum,
): void {
  const stop = weighUnits(state, weightCodes.load(text), 0, text.length, mask, w, acc, true);
  if (stop === text.length) return;
  // Non-ASCII text is hashed lower-cased as a whole (as `consume` does). Everything before the first
  // non-ASCII unit is ASCII, which lower-cases one to one in place: go on from there in the
  // lower-cased text (that unit may lower-case to ASCII, or to two units).
  const lower = text.toLowerCase();
  weighUnits(state, weightCodes.load(lower), stop, lower.length, mask, w, acc, false);
}

/**
 * The loop of consumeWeights over code units [from, to): returns where it stopped, which is `to`, or
 * with `asciiOnly` the first unit above ASCII (not consumed). No calls inside, so the compiler keeps
 * the arrays' checks out of the loop.
 */
function weighUnits(
  state: HashState,
  codes: Uint16Array,
  from: number,
  to: number,
  mask: number,
  w: Int8Array,
  acc: WeightSum,
  asciiOnly: boolean,
): number {
  let { c1, c2, c3, c4, word, wordLen, prevWord } = state;
  let sum = acc.sum;
  let n = acc.n;
  // Plain numbers before the loop, so that it does not re-read the arguments at every character.
  const last = asciiOnly ? 127 : 0xffff;
  const m = mask | 0;
  // The seeds and the prime as local constants: module-level ones are re-read (and re-checked) at
  // every use in optimised code.
  const prime = 16777619;
  const seedChar = 2166136261 | 0;
  const seedWord = 0x2f1b3c4d;
  const seedBigram = 0x51ed270b;
  const end = to | 0;
  // Checked once before the loop, which also lets the compiler check the arrays' types there and not
  // at each access (a call inside the loop would undo that: hence isWordChar written out below).
  if (end > codes.length || w[m] === undefined) throw new RangeError('weighUnits: out of range');
  let i = from | 0;
  for (; i < end; i++) {
    let c = codes[i]!;
    // 1 for a word character.
    let wordChar: number;
    if (c < 128) {
      const f = ASCII_FOLD[c]!;
      wordChar = f >> 8;
      c = f & 0xff;
    } else if (c > last) break;
    else
      wordChar =
        (c >= 0x2000 && c <= 0x2bff) ||
        (c >= 0x3000 && c <= 0x303f) ||
        (c >= 0xff00 && c <= 0xff0f) ||
        (c >= 0xff1a && c <= 0xff20) ||
        c === 0xa0 ||
        (c >= 0xd800 && c <= 0xdfff)
          ? 0
          : 1;
    if (wordChar === 0) {
      if (c === 0xa0) c = 32;
      if (wordLen > 0) {
        sum += w[(word ^ seedWord) & m]!;
        n++;
        if (prevWord !== 0) {
          sum += w[Math.imul(Math.imul(seedBigram ^ prevWord, prime) ^ word, prime) & m]!;
          n++;
        }
        prevWord = word;
        word = seedWord;
        wordLen = 0;
      }
      if (c === 32 && c1 === 32) continue;
    } else {
      word = Math.imul(word ^ c, prime);
      wordLen++;
    }
    if (c2 !== 0) {
      let h = Math.imul(Math.imul(Math.imul(seedChar ^ c, prime) ^ c1, prime) ^ c2, prime);
      sum += w[h & m]!;
      n++;
      if (c3 !== 0) {
        h = Math.imul(h ^ c3, prime);
        sum += w[h & m]!;
        n++;
        if (c4 !== 0) {
          h = Math.imul(h ^ c4, prime);
          sum += w[h & m]!;
          n++;
        }
      }
    }
    c4 = c3;
    c3 = c2;
    c2 = c1;
    c1 = c;
  }
  state.c1 = c1;
  state.c2 = c2;
  state.c3 = c3;
  state.c4 = c4;
  state.word = word;
  state.wordLen = wordLen;
  state.prevWord = prevWord;
  acc.sum = sum;
  acc.n = n;
  return i;
}

/** The unfinished last word's weights, for a final score (does not change the state). */
export function pendingWeights(state: HashState, mask: number, w: Int8Array): WeightSum {
  if (state.wordLen === 0) return { sum: 0, n: 0 };
  let sum = w[(state.word ^ SEED_WORD) & mask]!;
  if (state.prevWord === 0) return { sum, n: 1 };
  sum += w[step(step(SEED_BIGRAM, state.prevWord), state.word) & mask]!;
  return { sum, n: 2 };
}

/** Emits the features of the unfinished last word (as if the text ended here). */
export function pendingWord(state: HashState, mask: number, emit: (bucket: number) => void): number {
  if (state.wordLen === 0) return 0;
  emit((state.word ^ SEED_WORD) & mask);
  if (state.prevWord !== 0) {
    emit(step(step(SEED_BIGRAM, state.prevWord), state.word) & mask);
    return 2;
  }
  return 1;
}

/** Bucket of a single word or word pair, for explanations (same hashing as `consume`). */
export function wordBucket(words: string[], mask: number): number {
  const hashes = words.map((w) => {
    let h = SEED_WORD;
    for (let i = 0; i < w.length; i++) h = step(h, lower(w.charCodeAt(i)));
    return h;
  });
  if (hashes.length === 1) return (hashes[0]! ^ SEED_WORD) & mask;
  return step(step(SEED_BIGRAM, hashes[0]!), hashes[1]!) & mask;
}

/** All feature buckets of a text (training and tests). */
export function featureBuckets(text: string, mask: number): Uint32Array {
  const out: number[] = [];
  const st = newHashState();
  const push = (b: number) => {
    out.push(b >>> 0);
  };
  consume(st, text, mask, push);
  pendingWord(st, mask, push);
  return Uint32Array.from(out);
}
