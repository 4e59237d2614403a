import { randomFillSync } from 'node:crypto';

// Crockford base32, as ULID uses: ids sort by creation time and read well in logs.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// Ids are minted per request and per finding: one call into the CSPRNG per 256 ids, not one per id.
const POOL = Buffer.alloc(4096);
let poolAt = POOL.length;

let lastTime = -1;
let lastTimePart = '';
const lastRandom = new Uint8Array(16);

function timePart(now: number): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

/** A ULID (26 chars): 48-bit millisecond time + 80 random bits, monotonic within a millisecond. */
export function ulid(now: number = Date.now()): string {
  if (now === lastTime) {
    // Same millisecond: increment the previous random part so that ids stay ordered.
    for (let i = 15; i >= 0; i--) {
      if (lastRandom[i]! < 31) {
        lastRandom[i]! += 1;
        break;
      }
      lastRandom[i] = 0;
    }
  } else {
    if (poolAt + 16 > POOL.length) {
      randomFillSync(POOL);
      poolAt = 0;
    }
    for (let i = 0; i < 16; i++) lastRandom[i] = POOL[poolAt + i]! & 31;
    poolAt += 16;
    lastTime = now;
    lastTimePart = timePart(now);
  }
  let out = lastTimePart;
  for (let i = 0; i < 16; i++) out += ALPHABET[lastRandom[i]!];
  return out;
}

export type IdPrefix = 'f' | 'a' | 'v' | 'r' | 'k' | 'e' | 'i' | 'j';

/** A typed id such as `f_01J…` (finding), `a_…` (asset), `r_…` (run), `k_…` (API key). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}
