import type { DetectorOutcome } from './pipeline.ts';

/**
 * Verdicts on conversation messages, kept for the messages that come back. A chat client resends the
 * whole conversation on every turn, so without this the n-th turn pays for judging n messages of which
 * n − 1 were judged before. Detectors are pure functions of a message's text, its role and the system
 * prompt, so a verdict is reused only when all three are the same. Bounded by the characters it holds
 * (least recently used out first); long texts are not kept.
 */
export interface JudgeCache {
  get(role: string, system: string, text: string, message: number): Judged | undefined;
  set(role: string, system: string, text: string, judged: Judged): void;
  readonly size: number;
}

export interface Judged {
  outcomes: DetectorOutcome[];
  signals: string[];
}

interface Entry extends Judged {
  system: string;
}

const MAX_TEXT = 64 * 1024;

export function createJudgeCache(maxChars = 4_000_000): JudgeCache {
  const entries = new Map<string, Entry>();
  let chars = 0;
  const keyOf = (role: string, text: string) => `${role}\u0001${text}`;
  const drop = (key: string, e: Entry) => {
    entries.delete(key);
    chars -= key.length + e.system.length;
  };
  return {
    get(role, system, text, message) {
      if (text.length > MAX_TEXT) return undefined;
      const key = keyOf(role, text);
      const e = entries.get(key);
      if (!e || e.system !== system) return undefined;
      // Most recently used last: Map keeps insertion order.
      entries.delete(key);
      entries.set(key, e);
      return { outcomes: e.outcomes.map((o) => ({ ...o, message })), signals: e.signals };
    },
    set(role, system, text, judged) {
      if (text.length > MAX_TEXT) return;
      const key = keyOf(role, text);
      const old = entries.get(key);
      if (old) drop(key, old);
      // Copies: the caller owns the outcomes it was given and may change them.
      const e: Entry = { outcomes: judged.outcomes.map((o) => ({ ...o })), signals: judged.signals, system };
      entries.set(key, e);
      chars += key.length + system.length;
      for (const [k, v] of entries) {
        if (chars <= maxChars) break;
        drop(k, v);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
