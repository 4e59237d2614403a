import { Redis } from 'ioredis';
import type { Limits } from './config.ts';

export type LimitName =
  | 'requestsPerMinute'
  | 'tokensPerMinute'
  | 'concurrency'
  | 'monthlyRequests'
  | 'monthlyTokens';

export type LimitResult = { ok: true } | { ok: false; limit: LimitName; retryAfterS: number };

/** Counters per client and route, shared by every gateway process when they sit in Redis. */
export interface Limiter {
  readonly backend: 'memory' | 'redis';
  /** Counts one request and its input tokens against every limit, or refuses without counting any. */
  acquire(client: string, route: string, limits: Limits, tokens: number): Promise<LimitResult>;
  /** Ends the request: frees its concurrency slot and counts its output tokens. */
  release(client: string, route: string, limits: Limits, outputTokens: number): Promise<void>;
  close(): Promise<void>;
}

const ORDER: LimitName[] = [
  'requestsPerMinute',
  'tokensPerMinute',
  'concurrency',
  'monthlyRequests',
  'monthlyTokens',
];

export function hasLimits(l: Limits): boolean {
  return ORDER.some((k) => l[k] !== undefined);
}

function windows(now: number) {
  const minute = Math.floor(now / 60_000);
  const d = new Date(now);
  const month = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { minute, month, minuteLeftMs: (minute + 1) * 60_000 - now, monthLeftMs: nextMonth - now };
}

function keysFor(client: string, route: string, now: number) {
  const w = windows(now);
  const base = `bw:lim:${client}:${route}`;
  return {
    w,
    keys: [
      `${base}:rpm:${w.minute}`,
      `${base}:tpm:${w.minute}`,
      `${base}:conc`,
      `${base}:mreq:${w.month}`,
      `${base}:mtok:${w.month}`,
    ],
  };
}

/** In-process counters (one gateway process). */
export function memoryLimiter(now: () => number = Date.now): Limiter {
  const counters = new Map<string, { value: number; expires: number }>();
  const get = (k: string, t: number) => {
    const c = counters.get(k);
    if (!c || c.expires <= t) return 0;
    return c.value;
  };
  const add = (k: string, n: number, t: number, ttl: number) => {
    const c = counters.get(k);
    if (!c || c.expires <= t) counters.set(k, { value: n, expires: t + ttl });
    else c.value += n;
  };
  let sweep = 0;
  return {
    backend: 'memory',
    async acquire(client, route, limits, tokens) {
      const t = now();
      if (t - sweep > 60_000) {
        sweep = t;
        for (const [k, c] of counters) if (c.expires <= t) counters.delete(k);
      }
      const { w, keys } = keysFor(client, route, t);
      const need = [1, tokens, 1, 1, tokens];
      const retry = [w.minuteLeftMs, w.minuteLeftMs, 1000, w.monthLeftMs, w.monthLeftMs];
      for (let i = 0; i < ORDER.length; i++) {
        const lim = limits[ORDER[i]!];
        if (lim !== undefined && get(keys[i]!, t) + need[i]! > lim)
          return { ok: false, limit: ORDER[i]!, retryAfterS: Math.ceil(retry[i]! / 1000) };
      }
      const ttl = [60_000, 60_000, 3_600_000, w.monthLeftMs, w.monthLeftMs];
      for (let i = 0; i < ORDER.length; i++) {
        if (limits[ORDER[i]!] !== undefined) add(keys[i]!, need[i]!, t, ttl[i]!);
      }
      return { ok: true };
    },
    async release(client, route, limits, outputTokens) {
      const t = now();
      const { w, keys } = keysFor(client, route, t);
      if (limits.concurrency !== undefined) add(keys[2]!, -1, t, 3_600_000);
      if (outputTokens > 0) {
        if (limits.tokensPerMinute !== undefined) add(keys[1]!, outputTokens, t, 60_000);
        if (limits.monthlyTokens !== undefined) add(keys[4]!, outputTokens, t, w.monthLeftMs);
      }
    },
    async close() {},
  };
}

// Check every limit, then count them all, in one atomic step: two gateway processes never both take
// the last slot. A limit of 0 means "not configured".
const ACQUIRE = `
local need = {1, tonumber(ARGV[6]), 1, 1, tonumber(ARGV[6])}
for i = 1, 5 do
  local lim = tonumber(ARGV[i])
  if lim > 0 then
    local cur = tonumber(redis.call('GET', KEYS[i]) or '0')
    if cur + need[i] > lim then return i end
  end
end
local ttl = {tonumber(ARGV[7]), tonumber(ARGV[7]), 3600000, tonumber(ARGV[8]), tonumber(ARGV[8])}
for i = 1, 5 do
  if tonumber(ARGV[i]) > 0 then
    redis.call('INCRBY', KEYS[i], need[i])
    redis.call('PEXPIRE', KEYS[i], ttl[i])
  end
end
return 0`;

/** Counters in Redis/Valkey, shared by several gateway processes. */
export function redisLimiter(url: string, now: () => number = Date.now): Limiter {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false });
  // Connection errors surface as failed commands, which the gateway answers with 503 (fail closed).
  redis.on('error', () => {});
  redis.defineCommand('bwAcquire', { numberOfKeys: 5, lua: ACQUIRE });
  const r = redis as Redis & { bwAcquire(...args: (string | number)[]): Promise<number> };
  return {
    backend: 'redis',
    async acquire(client, route, limits, tokens) {
      const { w, keys } = keysFor(client, route, now());
      const res = await r.bwAcquire(
        ...keys,
        ...ORDER.map((k) => limits[k] ?? 0),
        tokens,
        61_000,
        w.monthLeftMs,
      );
      if (res === 0) return { ok: true };
      const name = ORDER[res - 1]!;
      const retryMs = res <= 2 ? w.minuteLeftMs : res === 3 ? 1000 : w.monthLeftMs;
      return { ok: false, limit: name, retryAfterS: Math.ceil(retryMs / 1000) };
    },
    async release(client, route, limits, outputTokens) {
      const { w, keys } = keysFor(client, route, now());
      const m = redis.multi();
      if (limits.concurrency !== undefined) m.decr(keys[2]!);
      if (outputTokens > 0 && limits.tokensPerMinute !== undefined)
        m.incrby(keys[1]!, outputTokens).pexpire(keys[1]!, 61_000);
      if (outputTokens > 0 && limits.monthlyTokens !== undefined)
        m.incrby(keys[4]!, outputTokens).pexpire(keys[4]!, w.monthLeftMs);
      await m.exec();
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
