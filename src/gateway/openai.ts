import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../core/index.ts';
import { type ChatMessage, type Decision, type Guard, redact } from '../guard/index.ts';
import { GatewayRefusal, openAiError } from './errors.ts';
import { contentText } from './text.ts';
import { chunkText, chunkToolArguments, createSseParser, withChunkText } from './sse.ts';
import { toolCalls, toolDescriptions } from './tools.ts';
import { countTokens } from './tokens.ts';
import type { OpenAiRuntime, RequestState, Shared } from './types.ts';
import { UpstreamError } from './upstream.ts';

interface Call {
  req: FastifyRequest;
  reply: FastifyReply;
  st: RequestState;
  rt: OpenAiRuntime;
  shared: Shared;
  endpoint: '/chat/completions' | '/completions' | '/embeddings' | '/models';
}

const RANK = { allow: 0, flag: 1, redact: 2, block: 3, error: 3 } as const;
const ROLE: Record<string, ChatMessage['role']> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool',
  function: 'tool',
};

// Score keys (`input:injection`) built once per detector, not twice per request.
const INPUT_KEYS = new Map<string, string>();
const OUTPUT_KEYS = new Map<string, string>();

const since = (t: bigint) => Number(process.hrtime.bigint() - t);

/** Folds a guard decision into the request's record and metrics. */
function apply(
  st: RequestState,
  rt: OpenAiRuntime,
  shared: Shared,
  d: Decision,
  stage: 'input' | 'output',
  where: (message?: number) => string,
) {
  const names = stage === 'input' ? INPUT_KEYS : OUTPUT_KEYS;
  for (const k in d.scores) {
    let key = names.get(k);
    if (key === undefined) {
      key = `${stage}:${k}`;
      names.set(k, key);
    }
    const v = d.scores[k as keyof typeof d.scores] ?? 0;
    const prev = st.scores[key];
    st.scores[key] = prev === undefined ? Math.max(0, v) : Math.max(prev, v);
  }
  for (const o of d.outcomes) {
    if (o.error) shared.metrics.detectorErrors.inc({ route: rt.name, detector: o.detector });
    if (!o.triggered) continue;
    shared.metrics.decisions.inc({ route: rt.name, detector: o.detector, action: o.action });
    for (const s of o.spans.slice(0, 20))
      st.spans.push({
        where: where(o.message),
        start: s.start,
        end: s.end,
        label: s.label,
        detector: o.detector,
      });
  }
  if (RANK[d.action] > RANK[st.decision]) {
    st.decision = d.action;
    st.reason = 'policy';
  }
}

function blockedBy(d: Decision): string {
  const hits = d.outcomes.filter((o) => o.triggered && o.action === 'block').map((o) => o.detector);
  return (
    [...new Set(hits)].join(', ') || (d.errors ? 'a detector failed and the route fails closed' : 'policy')
  );
}

function requireShape(endpoint: Call['endpoint'], body: Record<string, unknown>): void {
  if (endpoint === '/chat/completions') {
    if (!Array.isArray(body.messages) || body.messages.length === 0)
      throw new ValidationError('messages', 'expected a non-empty array');
    body.messages.forEach((m, i) => {
      if (!m || typeof m !== 'object' || typeof (m as { role?: unknown }).role !== 'string')
        throw new ValidationError(`messages[${i}]`, 'expected an object with a role');
    });
  } else if (endpoint === '/completions') {
    if (typeof body.prompt !== 'string' && !Array.isArray(body.prompt))
      throw new ValidationError('prompt', 'expected a string or an array');
  } else if (typeof body.input !== 'string' && !Array.isArray(body.input))
    throw new ValidationError('input', 'expected a string or an array');
}

/**
 * Input a policy cannot read, refused when a route has one (fail closed): token-id prompts
 * (`prompt: [1212, 318]`, which the upstream decodes to text the guard never sees), and message content
 * that is neither text nor a content-part array. Part types other than text (images, audio, files) are
 * the upstream's to judge.
 */
function requireReadable(endpoint: Call['endpoint'], body: Record<string, unknown>): void {
  const field = endpoint === '/completions' ? 'prompt' : endpoint === '/embeddings' ? 'input' : undefined;
  if (field) {
    const raw = body[field];
    if (Array.isArray(raw))
      raw.forEach((x, i) => {
        if (typeof x !== 'string')
          throw new ValidationError(
            `${field}[${i}]`,
            'token-id input cannot be checked by the route policy; send text',
          );
      });
    return;
  }
  (body.messages as { content?: unknown }[]).forEach((m, i) => {
    const content = m.content;
    if (content === undefined || content === null || typeof content === 'string') return;
    if (!Array.isArray(content))
      throw new ValidationError(`messages[${i}].content`, 'expected a string or an array of content parts');
    content.forEach((p, j) => {
      const part = p as { type?: unknown; text?: unknown } | null;
      if (!part || typeof part !== 'object')
        throw new ValidationError(`messages[${i}].content[${j}]`, 'expected a content part object');
      if (
        (part.type === 'text' || part.type === 'input_text' || 'text' in part) &&
        typeof part.text !== 'string'
      )
        throw new ValidationError(`messages[${i}].content[${j}].text`, 'expected a string');
    });
  });
}

export async function handleOpenAi(c: Call): Promise<unknown> {
  const { req, reply, st, rt, shared, endpoint } = c;
  if (endpoint === '/models') {
    const t = process.hrtime.bigint();
    const res = await rt.upstream
      .request({ method: 'GET', path: '/models' })
      .catch((e) => upstreamFailed(c, e));
    const text = await rt.upstream.readBody(res).catch((e) => upstreamFailed(c, e));
    st.upstreamNs += since(t);
    st.status = res.statusCode;
    return reply
      .code(res.statusCode)
      .header('content-type', 'application/json')
      .header('x-request-id', st.requestId)
      .send(text);
  }
  const body = req.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new ValidationError('body', 'expected a JSON object');
  requireShape(endpoint, body);
  st.model = typeof body.model === 'string' ? body.model.slice(0, 200) : '';
  let forward = (req as unknown as { rawBody: string }).rawBody;
  const guard = rt.guard?.();
  const shadow = rt.config.shadow;
  if (guard) requireReadable(endpoint, body);

  // The conversation as the guard sees it: each message with its role (tool output is third-party text).
  const field =
    endpoint === '/chat/completions' ? 'messages' : endpoint === '/completions' ? 'prompt' : 'input';
  const raw = body[field];
  const items: ChatMessage[] =
    endpoint === '/chat/completions'
      ? (raw as { role: string; content?: unknown }[]).map((m) => ({
          role: ROLE[m.role] ?? 'user',
          content: contentText(m.content),
        }))
      : (Array.isArray(raw) ? raw : [raw])
          .filter((x): x is string => typeof x === 'string')
          .map((content) => ({ role: 'user', content }));
  const systemPrompt = items
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n');
  st.probe = { text: [...items].reverse().find((m) => m.role === 'user')?.content ?? '' };

  if (guard) {
    const ctx = { requestId: st.requestId };
    // Tool descriptions often come from third parties (MCP servers, plug-ins) and the model reads them
    // as instructions: they are judged as tool content, after the messages ("tool poisoning").
    const tools = endpoint === '/chat/completions' ? toolDescriptions(body) : [];
    const judged: ChatMessage[] = tools.length
      ? [...items, ...tools.map((t) => ({ role: 'tool' as const, content: t.text }))]
      : items;
    const d = await guardedAsync(c, () =>
      shared.pool &&
      rt.pooled !== undefined &&
      judged.reduce((n, m) => n + m.content.length, 0) >= shared.pool.minChars
        ? shared.pool.checkInput(rt.pooled, judged, ctx)
        : guard.checkInputAsync(judged, ctx),
    );
    const where = (i?: number) =>
      i !== undefined && i >= items.length
        ? tools[i - items.length]!.param
        : i === undefined
          ? field
          : Array.isArray(raw)
            ? `${field}[${i}]`
            : field;
    apply(st, rt, shared, d, 'input', where);
    if (d.blocked && !shadow) {
      const first = d.outcomes.find((o) => o.triggered && o.action === 'block');
      throw new GatewayRefusal(400, 'policy', `request blocked by policy (${blockedBy(d)})`, {
        code: 'content_policy_violation',
        bwCode: 'BW_ERR_POLICY_BLOCKED',
        param: where(first?.message),
      });
    }
    if (d.redactedMessages && !shadow) {
      const red = d.redactedMessages;
      if (endpoint === '/chat/completions')
        body.messages = (raw as Record<string, unknown>[]).map((m, i) =>
          red[i]!.content !== items[i]!.content ? { ...m, content: red[i]!.content } : m,
        );
      else if (Array.isArray(raw)) {
        let k = 0;
        body[field] = raw.map((x) => (typeof x === 'string' ? red[k++]!.content : x));
      } else body[field] = red[0]!.content;
      forward = JSON.stringify(body);
    }
  }

  // A stream is checked as one text: several choices interleaved in it could not be told apart.
  if (body.stream === true && guard && typeof body.n === 'number' && body.n > 1)
    throw new ValidationError(
      'n',
      'streaming several choices (n > 1) is not supported by a route with a policy',
    );
  if (body.stream === true && endpoint !== '/embeddings')
    return relayStream(c, forward, guard, systemPrompt, () => items.map((m) => m.content).join('\n'));

  const t = process.hrtime.bigint();
  const res = await rt.upstream
    .request({ method: 'POST', path: endpoint, body: forward })
    .catch((e) => upstreamFailed(c, e));
  const text = await rt.upstream.readBody(res).catch((e) => upstreamFailed(c, e));
  st.upstreamNs += since(t);
  st.status = res.statusCode;
  if (res.statusCode >= 400) {
    if (res.statusCode >= 500) shared.metrics.upstreamErrors.inc({ route: rt.name, kind: 'status' });
    st.reason = 'upstream-status';
    return reply
      .code(res.statusCode)
      .header('content-type', 'application/json')
      .header('x-request-id', st.requestId)
      .send(text);
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text);
  } catch {
    shared.metrics.upstreamErrors.inc({ route: rt.name, kind: 'invalid-json' });
    throw new UpstreamError('status', 'upstream answered with invalid JSON');
  }
  const usage = json.usage as { prompt_tokens?: number; completion_tokens?: number } | undefined;
  let out = text;
  const choices = Array.isArray(json.choices) ? (json.choices as Record<string, unknown>[]) : [];
  const outputs = choices.map((ch) => {
    const m = ch.message as { content?: unknown } | undefined;
    return typeof m?.content === 'string' ? m.content : typeof ch.text === 'string' ? ch.text : '';
  });
  if (guard && endpoint !== '/embeddings') {
    let changed = false;
    const ctx = { requestId: st.requestId, ...(systemPrompt ? { systemPrompt } : {}) };
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i]!;
      if (!o) continue;
      const d = await guardedAsync(c, async () =>
        shared.pool && rt.pooled !== undefined && o.length >= shared.pool.minChars
          ? shared.pool.checkOutput(rt.pooled, o, ctx)
          : guard.checkOutput(o, ctx),
      );
      apply(st, rt, shared, d, 'output', () => `choices[${i}]`);
      if (d.blocked && !shadow)
        throw new GatewayRefusal(400, 'policy', `response blocked by policy (${blockedBy(d)})`, {
          code: 'content_policy_violation',
          bwCode: 'BW_ERR_POLICY_BLOCKED',
          param: `choices[${i}]`,
        });
      let next = d.redactedText !== undefined && !shadow ? d.redactedText : o;
      if (guard.vault.size > 0) next = guard.vault.restore(next);
      if (next !== o) {
        changed = true;
        const ch = choices[i]!;
        if (ch.message) ch.message = { ...(ch.message as object), content: next };
        else ch.text = next;
      }
    }
    // Tool calls are the output an agent acts on: a URL carrying the system prompt in a fetch call's
    // arguments leaves as surely as one in the text. Each call's arguments get the output policy.
    for (let i = 0; i < choices.length; i++) {
      for (const call of toolCalls(choices[i]!)) {
        const args = call.fn.arguments as string;
        const d = await guardedAsync(c, async () =>
          shared.pool && rt.pooled !== undefined && args.length >= shared.pool.minChars
            ? shared.pool.checkOutput(rt.pooled, args, ctx)
            : guard.checkOutput(args, ctx),
        );
        apply(st, rt, shared, d, 'output', () => `choices[${i}].${call.path}`);
        if (d.blocked && !shadow)
          throw new GatewayRefusal(400, 'policy', `response blocked by policy (${blockedBy(d)})`, {
            code: 'content_policy_violation',
            bwCode: 'BW_ERR_POLICY_BLOCKED',
            param: `choices[${i}].${call.path}`,
          });
        if (d.redactedText !== undefined && !shadow && d.redactedText !== args) {
          call.fn.arguments = d.redactedText;
          changed = true;
        }
      }
    }
    if (changed) out = JSON.stringify(json);
  }
  // The upstream's own usage when it reports it; otherwise exact counts, made after the response.
  const promptTokens = usage?.prompt_tokens;
  const completionTokens = usage?.completion_tokens;
  if (promptTokens !== undefined) st.tokensIn = promptTokens;
  if (completionTokens !== undefined) st.tokensOut = completionTokens;
  if (promptTokens === undefined || completionTokens === undefined)
    st.countTokens = () => {
      if (promptTokens === undefined) st.tokensIn ||= countTokens(items.map((m) => m.content).join('\n'));
      if (completionTokens === undefined) st.tokensOut = outputs.length ? countTokens(outputs.join('\n')) : 0;
    };
  st.hashResponse = out;
  return reply
    .code(res.statusCode)
    .header('content-type', 'application/json')
    .header('x-request-id', st.requestId)
    .send(out);
}

/**
 * Runs a guard call. Single detectors that throw are handled inside the guard; this catches the rest
 * (a stream past its size bound, a guard thread that died or timed out, a bug): counted, then a block
 * when the route fails closed, else a pass.
 */
function guarded(c: Call, fn: () => Decision): Decision {
  try {
    return fn();
  } catch (e) {
    return guardFailed(c, e);
  }
}

async function guardedAsync(c: Call, fn: () => Promise<Decision>): Promise<Decision> {
  try {
    return await fn();
  } catch (e) {
    return guardFailed(c, e);
  }
}

function guardFailed(c: Call, e: unknown): Decision {
  c.shared.metrics.detectorErrors.inc({ route: c.rt.name, detector: 'pipeline' });
  const closed = c.rt.config.failClosed;
  return {
    action: closed ? 'block' : 'allow',
    blocked: closed,
    scores: {},
    outcomes: [],
    spans: [],
    explanation: `guard failed (${closed ? 'fail closed' : 'fail open'}): ${(e as Error).message}`,
    signals: [],
    errors: 1,
  };
}

/** Text in a choice other than the first: the stream checker follows one text only. */
function otherChoices(payload: Record<string, unknown>): boolean {
  const choices = payload.choices as
    | { index?: number; delta?: { content?: unknown }; text?: unknown }[]
    | undefined;
  return Boolean(choices?.some((ch, i) => (i > 0 || (ch.index ?? 0) > 0) && (ch.delta?.content || ch.text)));
}

function unreadable(): never {
  throw new Error('upstream stream event is not JSON, so it cannot be checked');
}

function upstreamFailed(c: Call, e: unknown): never {
  const kind = e instanceof UpstreamError ? e.kind : 'reset';
  c.shared.metrics.upstreamErrors.inc({ route: c.rt.name, kind });
  if (e instanceof UpstreamError) throw e;
  throw new UpstreamError('reset', `upstream failed: ${(e as Error).message}`);
}

interface Held {
  raw: string;
  payload: Record<string, unknown> | undefined;
  text: string;
  /** Characters of tool-call arguments the event adds (held back like text, never rewritten). */
  args: number;
  /** Offset of this event's text in the whole streamed output. */
  start: number;
}

/**
 * Relays a server-sent-event stream, checking the output as it grows. The newest `holdbackChars`
 * characters are held back, so a violation is found before any of it is sent: on a block the client
 * gets an error event and nothing after; on a redaction the held text is masked before it leaves.
 */
async function relayStream(
  c: Call,
  forward: string,
  guard: Guard | undefined,
  systemPrompt: string,
  inputText: () => string,
): Promise<void> {
  const { reply, st, rt, shared } = c;
  st.streaming = true;
  const started = process.hrtime.bigint();
  st.ownNs = Number(started - st.startNs);
  const res = await rt.upstream
    .request({ method: 'POST', path: c.endpoint, body: forward })
    .catch((e) => upstreamFailed(c, e));
  st.upstreamNs += since(started);
  const type = String(res.headers['content-type'] ?? '');
  if (res.statusCode >= 400 || !type.includes('text/event-stream')) {
    const text = await rt.upstream.readBody(res).catch((e) => upstreamFailed(c, e));
    st.status = res.statusCode >= 400 ? res.statusCode : 502;
    st.reason = 'upstream-status';
    if (res.statusCode >= 500 || res.statusCode < 400)
      shared.metrics.upstreamErrors.inc({ route: rt.name, kind: 'status' });
    return reply
      .code(st.status)
      .header('content-type', 'application/json')
      .header('x-request-id', st.requestId)
      .send(
        res.statusCode >= 400
          ? text
          : openAiError(502, 'upstream did not answer with an event stream', 'upstream_error'),
      );
  }
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': st.requestId,
    'x-content-type-options': 'nosniff',
  });
  const checker = guard?.stream({ requestId: st.requestId, ...(systemPrompt ? { systemPrompt } : {}) });
  // Tool-call arguments are checked as a text of their own; the stream is cut before a violating piece.
  const argsChecker = guard?.stream({ requestId: st.requestId, ...(systemPrompt ? { systemPrompt } : {}) });
  const shadow = rt.config.shadow;
  const holdback = rt.config.holdbackChars;
  const parser = createSseParser();
  const hash = createHash('sha256');
  const held: Held[] = [];
  const redactions: { start: number; end: number; label: string; detector: string }[] = [];
  let heldChars = 0;
  let total = 0;
  let outText = '';
  let stopped = false;
  let upstreamWait = process.hrtime.bigint();

  const send = (h: Held) => {
    let raw = h.raw;
    const spans = redactions.filter((s) => s.start < h.start + h.text.length && s.end > h.start);
    if (spans.length && h.payload) {
      const local = spans.map((s) => ({
        ...s,
        start: Math.max(0, s.start - h.start),
        end: Math.min(h.text.length, s.end - h.start),
      }));
      const text = redact(h.text, local, guard?.policy.redaction.mode ?? 'mask', guard?.vault);
      raw = `data: ${JSON.stringify(withChunkText(h.payload, text))}\n\n`;
      outText += text;
    } else outText += h.text;
    hash.update(raw);
    out.write(raw);
  };
  const release = (all: boolean) => {
    while (held.length && (all || heldChars - held[0]!.text.length - held[0]!.args >= holdback)) {
      const h = held.shift()!;
      heldChars -= h.text.length + h.args;
      // A redaction that runs into the next events: merge them, so the mask is sent once, whole.
      let end = h.start + h.text.length;
      const reach = Math.max(
        end,
        ...redactions.filter((s) => s.start >= h.start && s.start < end).map((s) => s.end),
      );
      while (reach > end && held.length && held[0]!.payload && h.payload) {
        const n = held.shift()!;
        heldChars -= n.text.length + n.args;
        h.text += n.text;
        end += n.text.length;
      }
      send(h);
    }
  };
  // Redactions apply to the content text; a redaction in streamed tool-call arguments is recorded only
  // (they are rewritten in whole responses, not piece by piece).
  const judge = (d: Decision, redactable = true): boolean => {
    apply(st, rt, shared, d, 'output', () => 'stream');
    if (!shadow && redactable)
      for (const o of d.outcomes)
        if (o.triggered && o.action === 'redact') redactions.push(...o.spans.map((s) => ({ ...s })));
    if (d.blocked && !shadow) {
      const err = openAiError(
        400,
        `response blocked by policy (${blockedBy(d)})`,
        'content_policy_violation',
        'stream',
      );
      const raw = `event: error\ndata: ${JSON.stringify(err)}\n\n`;
      hash.update(raw);
      out.write(raw);
      st.status = 400;
      stopped = true;
      return false;
    }
    return true;
  };

  try {
    outer: for await (const chunk of res.body) {
      const t = process.hrtime.bigint();
      st.upstreamNs += Number(t - upstreamWait);
      if (out.destroyed) break;
      for (const ev of parser.push((chunk as Buffer).toString('utf8'))) {
        if (ev.data === '[DONE]') break outer;
        let payload: Record<string, unknown> | undefined;
        try {
          payload = ev.data ? JSON.parse(ev.data) : undefined;
        } catch {
          payload = undefined;
        }
        // An event the gateway cannot read cannot be checked: it counts as a failed detector.
        if (
          checker &&
          ev.data &&
          (!payload || otherChoices(payload)) &&
          !judge(guarded(c, () => unreadable()))
        )
          break outer;
        const text = payload ? chunkText(payload) : '';
        if (checker && text && !judge(guarded(c, () => checker.push(text)))) break outer;
        const args = payload ? chunkToolArguments(payload) : '';
        if (
          argsChecker &&
          args &&
          !judge(
            guarded(c, () => argsChecker.push(args)),
            false,
          )
        )
          break outer;
        held.push({ raw: ev.raw, payload, text, start: total, args: args.length });
        total += text.length;
        heldChars += text.length + args.length;
        release(false);
      }
      st.ownNs += since(t);
      upstreamWait = process.hrtime.bigint();
    }
    if (!stopped && !out.destroyed) {
      const t = process.hrtime.bigint();
      for (const ev of parser.end())
        if (ev.data !== '[DONE]')
          held.push({ raw: ev.raw, payload: undefined, text: '', start: total, args: 0 });
      if (
        (!checker || judge(guarded(c, () => checker.end()))) &&
        (!argsChecker ||
          judge(
            guarded(c, () => argsChecker.end()),
            false,
          ))
      ) {
        release(true);
        out.write('data: [DONE]\n\n');
      }
      st.ownNs += since(t);
    }
  } catch (e) {
    const kind =
      e instanceof UpstreamError
        ? e.kind
        : (e as { code?: string }).code === 'UND_ERR_BODY_TIMEOUT'
          ? 'timeout'
          : 'reset';
    shared.metrics.upstreamErrors.inc({ route: rt.name, kind });
    st.status = 502;
    st.decision = st.decision === 'block' ? 'block' : 'error';
    st.reason ||= 'upstream';
    if (!out.destroyed)
      out.write(
        `event: error\ndata: ${JSON.stringify(openAiError(502, 'upstream stream failed', 'upstream_error'))}\n\n`,
      );
  } finally {
    if (stopped) res.body.destroy();
    st.countTokens = () => {
      st.tokensOut = countTokens(outText);
      st.tokensIn ||= countTokens(inputText());
    };
    st.responseHash = hash.digest('hex');
    out.end();
  }
}
