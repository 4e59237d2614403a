/** The text of an OpenAI-style request that counts against token limits. */
export function inputText(body: unknown): string {
  const b = body as { messages?: { content?: unknown }[]; prompt?: unknown; input?: unknown } | undefined;
  if (!b || typeof b !== 'object') return '';
  if (Array.isArray(b.messages)) return b.messages.map((m) => contentText(m?.content)).join('\n');
  const p = b.prompt ?? b.input;
  if (typeof p === 'string') return p;
  if (Array.isArray(p)) return p.filter((x) => typeof x === 'string').join('\n');
  return '';
}

/** A message's content as text: a string, or the text parts of a content array. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((p) =>
        p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string'
          ? (p as { text: string }).text
          : '',
      )
      .join('\n');
  return '';
}
