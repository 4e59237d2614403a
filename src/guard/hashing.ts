// Hashed word and character n-gram features, computed by one state machine so that a whole text and
// a text that arrives in chunks produce exactly the same features (streaming output checks rely on it).

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
  let { c1, c2, c3, c4, word, wordLen, prevWord } = state;
  let sum = acc.sum;
  let n = acc.n;
  const src = /[^\x00-\x7f]/.test(text) ? text.toLowerCase() : text;
  for (let i = 0; i < src.length; i++) {
    let c = src.charCodeAt(i);
    let wordChar: boolean;
    if (c < 128) {
      if (c >= 65 && c <= 90) c += 32;
      else if (c >= 48 && c <= 57) c = 48;
      wordChar = (c >= 97 && c <= 122) || c === 48;
    } else wordChar = isWordChar(c);
    if (!wordChar) {
      if (c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xa0) c = 32;
      if (wordLen > 0) {
        sum += w[(word ^ SEED_WORD) & mask]!;
        n++;
        if (prevWord !== 0) {
          sum += w[Math.imul(Math.imul(SEED_BIGRAM ^ prevWord, FNV_PRIME) ^ word, FNV_PRIME) & mask]!;
          n++;
        }
        prevWord = word;
        word = SEED_WORD;
        wordLen = 0;
      }
      if (c === 32 && c1 === 32) continue;
    } else {
      word = Math.imul(word ^ c, FNV_PRIME);
      wordLen++;
    }
    if (c2 !== 0) {
      let h = Math.imul(Math.imul(Math.imul(SEED_CHAR ^ c, FNV_PRIME) ^ c1, FNV_PRIME) ^ c2, FNV_PRIME);
      sum += w[h & mask]!;
      n++;
      if (c3 !== 0) {
        h = Math.imul(h ^ c3, FNV_PRIME);
        sum += w[h & mask]!;
        n++;
        if (c4 !== 0) {
          h = Math.imul(h ^ c4, FNV_PRIME);
          sum += w[h & mask]!;
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
