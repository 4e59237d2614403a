import { randomBytes } from 'node:crypto';

// Crockford base32, as ULID uses: ids sort by creation time and read well in logs.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = 0;
let lastRandom: number[] = [];

/** A ULID (26 chars): 48-bit millisecond time + 80 random bits, monotonic within a millisecond. */
export function ulid(now: number = Date.now()): string {
  let random: number[];
  if (now === lastTime && lastRandom.length === 16) {
    random = lastRandom.slice();
    for (let i = 15; i >= 0; i--) {
      if (random[i]! < 31) {
        random[i]! += 1;
        break;
      }
      random[i] = 0;
    }
  } else {
    const bytes = randomBytes(16);
    random = Array.from(bytes, (b) => b & 31);
  }
  lastTime = now;
  lastRandom = random;
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time + random.map((r) => ALPHABET[r]).join('');
}

export type IdPrefix = 'f' | 'a' | 'v' | 'r' | 'k' | 'e' | 'i' | 'j';

/** A typed id such as `f_01J…` (finding), `a_…` (asset), `r_…` (run), `k_…` (API key). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}
