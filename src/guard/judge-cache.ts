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
  role: string;
  system: string;
}

const MAX_TEXT = 64 * 1024;

export function createJudgeCache(maxChars = 4_000_000): JudgeCache {
  // Keyed by the text itself, with role and system prompt checked on the entry: a key built by joining
  // role and text would be a new string to copy and hash on every lookup, where the message text arrives
  // flat from JSON.parse and V8 keeps its hash after the first lookup. The same text under another role is
  // a miss and replaces the entry.
  const entries = new Map<string, Entry>();
  let chars = 0;
  const drop = (text: string, e: Entry) => {
    entries.delete(text);
    chars -= text.length + e.system.length;
  };
  return {
    get(role, system, text, message) {
      if (text.length > MAX_TEXT) return undefined;
      const e = entries.get(text);
      if (!e || e.role !== role || e.system !== system) return undefined;
      // Most recently used last: Map keeps insertion order.
      entries.delete(text);
      entries.set(text, e);
      return { outcomes: e.outcomes.map((o) => ({ ...o, message })), signals: e.signals };
    },
    set(role, system, text, judged) {
      if (text.length > MAX_TEXT) return;
      const old = entries.get(text);
      if (old) drop(text, old);
      // Copies: the caller owns the outcomes it was given and may change them.
      const e: Entry = {
        outcomes: judged.outcomes.map((o) => ({ ...o })),
        signals: judged.signals,
        role,
        system,
      };
      entries.set(text, e);
      chars += text.length + system.length;
      if (chars <= maxChars) return;
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
