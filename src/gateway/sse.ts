import { BulwarkError } from '../core/index.ts';

/** One server-sent event as received: its raw bytes (forwarded unchanged) and its `data:` payload. */
export interface SseEvent {
  raw: string;
  data: string;
}

/**
 * Splits a server-sent-event stream into events, chunk by chunk. Bounded: an event larger than
 * `maxEventBytes` is an error (an upstream cannot make the gateway buffer without limit).
 */
export function createSseParser(maxEventBytes = 1024 * 1024) {
  let buf = '';
  return {
    push(chunk: string): SseEvent[] {
      buf += chunk;
      const out: SseEvent[] = [];
      for (;;) {
        const m = /\r?\n\r?\n/.exec(buf);
        if (!m) break;
        const raw = buf.slice(0, m.index + m[0].length);
        buf = buf.slice(m.index + m[0].length);
        out.push({ raw, data: dataOf(raw) });
      }
      if (buf.length > maxEventBytes)
        throw new BulwarkError('BW_ERR_UPSTREAM', `upstream stream event exceeds ${maxEventBytes} bytes`, {
          status: 502,
        });
      return out;
    },
    /** What is left when the upstream closes (an unterminated last event). */
    end(): SseEvent[] {
      const rest = buf;
      buf = '';
      return rest.trim() ? [{ raw: `${rest}\n\n`, data: dataOf(rest) }] : [];
    },
  };
}

function dataOf(raw: string): string {
  const lines: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith('data:')) lines.push(line.slice(line[5] === ' ' ? 6 : 5));
  }
  return lines.join('\n');
}

/** The text a chat or completion chunk adds (`choices[0].delta.content` or `choices[0].text`). */
export function chunkText(payload: unknown): string {
  const choice = (payload as { choices?: { delta?: { content?: unknown }; text?: unknown }[] })?.choices?.[0];
  const t = choice?.delta?.content ?? choice?.text;
  return typeof t === 'string' ? t : '';
}

/** The tool-call arguments a chat chunk adds (`choices[0].delta.tool_calls[*].function.arguments`). */
export function chunkToolArguments(payload: unknown): string {
  const delta = (payload as { choices?: { delta?: { tool_calls?: unknown; function_call?: unknown } }[] })
    ?.choices?.[0]?.delta;
  if (!delta) return '';
  let out = '';
  if (Array.isArray(delta.tool_calls))
    for (const t of delta.tool_calls) {
      const a = (t as { function?: { arguments?: unknown } } | null)?.function?.arguments;
      if (typeof a === 'string') out += a;
    }
  const legacy = (delta.function_call as { arguments?: unknown } | undefined)?.arguments;
  if (typeof legacy === 'string') out += legacy;
  return out;
}

/** Rewrites a chunk's text (used to redact held-back chunks before they are sent). */
export function withChunkText(payload: Record<string, unknown>, text: string): Record<string, unknown> {
  const choices = (payload.choices as Record<string, unknown>[] | undefined)?.map((c, i) => {
    if (i !== 0) return c;
    if (c.delta && typeof (c.delta as { content?: unknown }).content === 'string')
      return { ...c, delta: { ...(c.delta as object), content: text } };
    if (typeof c.text === 'string') return { ...c, text };
    return c;
  });
  return { ...payload, ...(choices ? { choices } : {}) };
}
