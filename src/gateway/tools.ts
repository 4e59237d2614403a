// What the gateway reads of tools: the descriptions a request gives the model (often written by third
// parties: MCP servers, plug-ins), and the calls a response asks the application to make. The input
// policy judges the first as third-party content, the output policy the second's arguments.

/**
 * The descriptions a request gives the model of its tools (`tools[].function`, the legacy `functions[]`):
 * each function's description and its parameters' descriptions, with where they sit. Bounded: 128 tools,
 * 64 descriptions per schema, 6 levels deep.
 */
export function toolDescriptions(body: Record<string, unknown>): { text: string; param: string }[] {
  const out: { text: string; param: string }[] = [];
  const visit = (schema: unknown, param: string, depth: number, budget: { n: number }) => {
    if (!schema || typeof schema !== 'object' || depth > 6 || budget.n <= 0) return;
    const s = schema as Record<string, unknown>;
    if (typeof s.description === 'string' && s.description) {
      budget.n--;
      out.push({ text: s.description, param: `${param}.description` });
    }
    for (const key of ['properties', '$defs', 'definitions'] as const)
      if (s[key] && typeof s[key] === 'object')
        for (const [name, sub] of Object.entries(s[key] as Record<string, unknown>))
          visit(sub, `${param}.${key}.${name}`, depth + 1, budget);
    for (const key of ['items', 'additionalProperties'] as const)
      visit(s[key], `${param}.${key}`, depth + 1, budget);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      const list = s[key];
      if (Array.isArray(list))
        for (let k = 0; k < list.length; k++) visit(list[k], `${param}.${key}[${k}]`, depth + 1, budget);
    }
  };
  const fns: [unknown, string][] = [];
  const tools = Array.isArray(body.tools) ? body.tools.slice(0, 128) : [];
  for (let i = 0; i < tools.length; i++)
    fns.push([(tools[i] as { function?: unknown } | null)?.function, `tools[${i}].function`]);
  const legacy = Array.isArray(body.functions) ? body.functions.slice(0, 128) : [];
  for (let i = 0; i < legacy.length; i++) fns.push([legacy[i], `functions[${i}]`]);
  for (const [fn, param] of fns) {
    if (!fn || typeof fn !== 'object') continue;
    const f = fn as Record<string, unknown>;
    if (typeof f.description === 'string' && f.description)
      out.push({ text: f.description, param: `${param}.description` });
    visit(f.parameters, `${param}.parameters`, 0, { n: 64 });
  }
  return out;
}

/** A choice's tool calls (and the legacy `function_call`) whose arguments are text to check. */
export function toolCalls(choice: Record<string, unknown>): { fn: Record<string, unknown>; path: string }[] {
  const m = choice.message as { tool_calls?: unknown; function_call?: unknown } | undefined;
  const out: { fn: Record<string, unknown>; path: string }[] = [];
  if (Array.isArray(m?.tool_calls))
    m.tool_calls.forEach((t, j) => {
      const fn = (t as { function?: Record<string, unknown> } | null)?.function;
      if (fn && typeof fn.arguments === 'string' && fn.arguments)
        out.push({ fn, path: `message.tool_calls[${j}].function.arguments` });
    });
  const legacy = m?.function_call as Record<string, unknown> | undefined;
  if (legacy && typeof legacy.arguments === 'string' && legacy.arguments)
    out.push({ fn: legacy, path: 'message.function_call.arguments' });
  return out;
}
