import { createHash } from 'node:crypto';
import type { Span } from './types.ts';

export type RedactionMode = 'mask' | 'hash' | 'pseudonym';

/**
 * Per-request store of pseudonyms: `<EMAIL_1>` stands for one original value throughout a request, and
 * `restore` turns the model's output back into the originals. Never shared across requests.
 */
export class PseudonymVault {
  private readonly byValue = new Map<string, string>();
  private readonly byToken = new Map<string, string>();
  private readonly counters = new Map<string, number>();

  tokenFor(label: string, value: string): string {
    const key = `${label}\u0000${value}`;
    let token = this.byValue.get(key);
    if (!token) {
      const n = (this.counters.get(label) ?? 0) + 1;
      this.counters.set(label, n);
      token = `<${label.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${n}>`;
      this.byValue.set(key, token);
      this.byToken.set(token, value);
    }
    return token;
  }

  /** De-anonymises: every known token in `text` becomes its original value. */
  restore(text: string): string {
    if (this.byToken.size === 0) return text;
    return text.replace(/<[A-Z0-9_]+_\d+>/g, (t) => this.byToken.get(t) ?? t);
  }

  get size(): number {
    return this.byToken.size;
  }
}

/** Replaces spans (overlaps merged, longest first) by a mask, a short hash or a vault pseudonym. */
export function redact(text: string, spans: Span[], mode: RedactionMode, vault?: PseudonymVault): string {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) {
      if (s.end > last.end) last.end = s.end;
      continue;
    }
    merged.push({ ...s });
  }
  let out = '';
  let pos = 0;
  for (const s of merged) {
    const value = text.slice(s.start, s.end);
    const label = s.label.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
    let rep: string;
    if (mode === 'hash') rep = `[${label}:${createHash('sha256').update(value).digest('hex').slice(0, 10)}]`;
    else if (mode === 'pseudonym' && vault) rep = vault.tokenFor(s.label, value);
    else rep = `[${label}]`;
    out += text.slice(pos, s.start) + rep;
    pos = s.end;
  }
  return out + text.slice(pos);
}
