import { createRequire } from 'node:module';
import { BulwarkError } from '../core/index.ts';
import { prepareInput } from './normalize.ts';
import { DEFAULT_POLICY, type DetectorRef, type GuardPolicy, type GuardPolicyInput } from './policy.ts';
import { createJudgeCache } from './judge-cache.ts';
import { PseudonymVault, redact } from './redact.ts';
import type { AsyncDetector } from './detectors/onnx.ts';
import { type Action, DETECTORS, type DetectorId } from './registry.ts';
import type { GuardRuleId } from './rules.ts';
import type { Detector, DetectorResult, GuardContext, Role, Span, StreamingDetector } from './types.ts';

export interface DetectorOutcome {
  detector: DetectorId;
  ruleId: GuardRuleId;
  score: number;
  threshold: number;
  triggered: boolean;
  action: Action;
  explanation: string;
  spans: Span[];
  error?: string;
  /** Index of the message it judged, for message lists. */
  message?: number;
}

export interface Decision {
  action: Action;
  blocked: boolean;
  /** Highest score per detector that ran. */
  scores: Partial<Record<DetectorId, number>>;
  outcomes: DetectorOutcome[];
  spans: Span[];
  explanation: string;
  /** The text with redact-action spans replaced (single text), when anything was redacted. */
  redactedText?: string;
  /** The same for message lists. */
  redactedMessages?: ChatMessage[];
  signals: string[];
  errors: number;
}

export interface ChatMessage {
  role: Role;
  content: string;
}

export interface StreamHandle {
  push(chunk: string): Decision;
  end(): Decision;
}

export interface Guard {
  policy: GuardPolicy;
  checkInput(input: string | ChatMessage[], ctx?: Partial<GuardContext>): Decision;
  /** `checkInput` plus the asynchronous detectors (ONNX transformer) the policy names. */
  checkInputAsync(input: string | ChatMessage[], ctx?: Partial<GuardContext>): Promise<Decision>;
  checkOutput(text: string, ctx?: Partial<GuardContext>): Decision;
  stream(ctx?: Partial<GuardContext>): StreamHandle;
  /** Per-request pseudonym vault used by `redaction.mode: pseudonym`; `restore` de-anonymises output. */
  vault: PseudonymVault;
}

const RANK: Record<Action, number> = { allow: 0, flag: 1, redact: 2, block: 3 };

/** Detector failures since start, by detector: the gateway exports these as metrics. */
export const detectorErrors = new Map<string, number>();

interface Bound {
  id: DetectorId;
  detector: Detector;
  threshold: number;
  action: Action;
  roles: Role[];
}

export interface GuardOptions {
  /**
   * Implementations that replace a registered detector under its id (same rule, threshold and
   * action): a transformer model for `injection`, a tenant-specific PII recogniser, a test double.
   */
  detectors?: Partial<Record<DetectorId, Detector>>;
  /** Characters of conversation messages whose verdicts are kept for the next turn (0: none). */
  cacheChars?: number;
}

interface AsyncBound {
  id: DetectorId;
  detector: Promise<AsyncDetector>;
  threshold: number;
  action: Action;
  roles: Role[];
}

function bindAsync(refs: DetectorRef[], policy: GuardPolicy): AsyncBound[] {
  const out: AsyncBound[] = [];
  for (const ref of refs) {
    const r = typeof ref === 'string' ? { id: ref } : ref;
    const d = DETECTORS[r.id] as (typeof DETECTORS)[DetectorId] & {
      createAsync?: (o: unknown) => Promise<AsyncDetector>;
    };
    if (!d.createAsync) continue;
    // Options were validated with the policy (policy-schema.ts), so they go to the detector as they are.
    const detector = d.createAsync(r.options ?? {});
    // Loading errors surface on first use (and fail closed there); never as an unhandled rejection.
    detector.catch(() => {});
    out.push({
      id: r.id,
      detector,
      threshold: r.threshold ?? d.defaultThreshold,
      action: r.action ?? policy.action ?? d.defaultAction,
      roles: d.roles,
    });
  }
  return out;
}

function bind(refs: DetectorRef[], policy: GuardPolicy, options: GuardOptions): Bound[] {
  const sync = refs.filter((ref) => {
    const def = DETECTORS[typeof ref === 'string' ? ref : ref.id] as { create?: unknown };
    return def.create !== undefined || options.detectors?.[typeof ref === 'string' ? ref : ref.id];
  });
  return sync.map((ref) => {
    const r = typeof ref === 'string' ? { id: ref } : ref;
    const d = DETECTORS[r.id];
    const override = options.detectors?.[r.id];
    return {
      id: r.id,
      detector: override ?? (d.create as (o: unknown) => Detector)(r.options ?? {}),
      threshold: r.threshold ?? d.defaultThreshold,
      action: r.action ?? policy.action ?? d.defaultAction,
      roles: d.roles,
    };
  });
}

function compileAllowlist(policy: GuardPolicy): RegExp[] {
  return policy.allowlist.map((e) =>
    typeof e === 'string'
      ? new RegExp(e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi')
      : new RegExp(e.pattern, `${(e.flags ?? '').replace('g', '')}g`),
  );
}

/** Allowlisted matches become spaces: offsets stay valid and no detector sees the phrase. */
function applyAllowlist(text: string, allow: RegExp[]): string {
  let out = text;
  for (const re of allow) {
    re.lastIndex = 0;
    out = out.replace(re, (m) => ' '.repeat(m.length));
  }
  return out;
}

function runDetector(
  b: Pick<Bound, 'id' | 'threshold' | 'action'>,
  run: () => DetectorResult,
  failClosed: boolean,
  message?: number,
): DetectorOutcome {
  try {
    return toOutcome(b, run(), failClosed, message);
  } catch (e) {
    return toOutcome(b, e instanceof Error ? e : new Error(String(e)), failClosed, message);
  }
}

/** A detector's result, or the error it threw (counted; the decision fails closed unless told not to). */
function toOutcome(
  b: Pick<Bound, 'id' | 'threshold' | 'action'>,
  r: DetectorResult | Error,
  failClosed: boolean,
  message?: number,
): DetectorOutcome {
  const where = message !== undefined ? { message } : {};
  if (!(r instanceof Error)) {
    const triggered = r.score >= b.threshold;
    return {
      detector: b.id,
      ruleId: DETECTORS[b.id].ruleId,
      score: Math.round(r.score * 1e4) / 1e4,
      threshold: b.threshold,
      triggered,
      action: triggered ? b.action : 'allow',
      explanation: r.explanation,
      spans: triggered ? r.spans : [],
      ...where,
    };
  }
  detectorErrors.set(b.id, (detectorErrors.get(b.id) ?? 0) + 1);
  return {
    detector: b.id,
    ruleId: 'guard.engine.detector-error',
    score: failClosed ? 1 : 0,
    threshold: b.threshold,
    triggered: failClosed,
    action: failClosed ? 'block' : 'allow',
    explanation: `detector ${b.id} failed (${failClosed ? 'fail closed' : 'fail open'}): ${r.message}`,
    spans: [],
    error: r.message,
    ...where,
  };
}

function decide(outcomes: DetectorOutcome[], signals: string[]): Decision {
  let action: Action = 'allow';
  const scores: Partial<Record<DetectorId, number>> = {};
  const spans: Span[] = [];
  let errors = 0;
  for (const o of outcomes) {
    if (RANK[o.action] > RANK[action]) action = o.action;
    scores[o.detector] = Math.max(scores[o.detector] ?? 0, o.score);
    spans.push(...o.spans);
    if (o.error) errors++;
  }
  const hits = outcomes.filter((o) => o.triggered);
  const explanation = hits.length
    ? hits
        .map((o) => `${o.detector} ${o.score.toFixed(2)} ≥ ${o.threshold} → ${o.action}: ${o.explanation}`)
        .join('\n')
    : 'no detector reached its threshold';
  return { action, blocked: action === 'block', scores, outcomes, spans, explanation, signals, errors };
}

function resolveCtx(ctx: Partial<GuardContext> | undefined, role: Role): GuardContext {
  return { ...ctx, role: ctx?.role ?? role };
}

/**
 * Validates a policy with the zod schema, loaded (synchronously, as createGuard is) on the first policy
 * that needs it: a guard on DEFAULT_POLICY, such as `bulwark check` without a policy, never loads zod.
 */
function validatePolicy(policyInput: GuardPolicyInput | GuardPolicy): GuardPolicy {
  const schema = (createRequire(import.meta.url)('./policy-schema.ts') as typeof import('./policy-schema.ts'))
    .GuardPolicy;
  const parsed = schema.safeParse(policyInput);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new BulwarkError('BW_ERR_VALIDATION', `policy.${i.path.join('.')}: ${i.message}`, {
      field: i.path.join('.'),
    });
  }
  return parsed.data;
}

/** Builds a guard from a policy (validated here); the returned functions are synchronous. */
export function createGuard(
  policyInput: GuardPolicyInput | GuardPolicy = DEFAULT_POLICY,
  options: GuardOptions = {},
): Guard {
  // The default policy is Bulwark's own data: copied, not validated.
  const policy =
    policyInput === DEFAULT_POLICY ? structuredClone(DEFAULT_POLICY) : validatePolicy(policyInput);
  const input = bind(policy.input, policy, options);
  const asyncInput = bindAsync(policy.input, policy);
  const output = bind(policy.output, policy, options);
  const allow = compileAllowlist(policy);
  const vault = new PseudonymVault();
  const cache = createJudgeCache(options.cacheChars);

  const judge = (
    text: string,
    ctx: GuardContext,
    bound: Bound[],
    message?: number,
  ): { outcomes: DetectorOutcome[]; signals: string[] } => {
    const visible = allow.length ? applyAllowlist(text, allow) : text;
    const prepared = prepareInput(visible, ctx);
    prepared.text = visible;
    const outcomes: DetectorOutcome[] = [];
    for (const b of bound) {
      if (!b.roles.includes(ctx.role)) continue;
      outcomes.push(runDetector(b, () => b.detector.detect(prepared), policy.failClosed, message));
    }
    return { outcomes, signals: prepared.signals };
  };

  const withRedaction = (d: Decision, text: string, outcomes: DetectorOutcome[]): Decision => {
    const spans = outcomes.filter((o) => o.action === 'redact').flatMap((o) => o.spans);
    if (spans.length) d.redactedText = redact(text, spans, policy.redaction.mode, vault);
    return d;
  };

  const guard: Guard = {
    policy,
    vault,
    async checkInputAsync(inp, ctx) {
      const d = guard.checkInput(inp, ctx);
      if (asyncInput.length === 0) return d;
      const items =
        typeof inp === 'string'
          ? [{ role: ctx?.role ?? ('user' as Role), content: inp, index: undefined as number | undefined }]
          : inp.map((m, i) => ({ ...m, index: i as number | undefined })).filter((m) => m.role !== 'system');
      const extra: DetectorOutcome[] = [];
      for (const b of asyncInput) {
        for (const item of items) {
          if (!b.roles.includes(item.role)) continue;
          const c: GuardContext = { ...ctx, role: item.role };
          const visible = allow.length ? applyAllowlist(item.content, allow) : item.content;
          let r: DetectorResult | Error;
          try {
            r = await (await b.detector).detect(prepareInput(visible, c).normalized, c);
          } catch (e) {
            r = e instanceof Error ? e : new Error(String(e));
          }
          extra.push(toOutcome(b, r, policy.failClosed, item.index));
        }
      }
      const merged = decide([...d.outcomes, ...extra], d.signals);
      if (d.redactedText !== undefined) merged.redactedText = d.redactedText;
      if (d.redactedMessages !== undefined) merged.redactedMessages = d.redactedMessages;
      return merged;
    },
    checkInput(inp, ctx) {
      if (typeof inp === 'string') {
        const c = resolveCtx(ctx, 'user');
        const { outcomes, signals } = judge(inp, c, input);
        return withRedaction(decide(outcomes, signals), inp, outcomes);
      }
      const system = inp
        .filter((m) => m.role === 'system')
        .map((m) => m.content)
        .join('\n');
      const all: DetectorOutcome[] = [];
      const signals = new Set<string>();
      // Verdicts are kept for conversations only: a message comes back when a client resends the history,
      // which a request of one message has not got yet. One-off prompts would fill the cache (and the
      // garbage collector's young generation) with entries that never return, and push out the history of
      // conversations in mixed traffic; a conversation's first message is judged once more, on turn two.
      let turns = 0;
      for (const m of inp) if (m.role !== 'system') turns++;
      const keep = turns > 1;
      inp.forEach((m, i) => {
        if (m.role === 'system') return;
        const c: GuardContext = {
          ...ctx,
          role: m.role,
          ...(system ? { systemPrompt: ctx?.systemPrompt ?? system } : {}),
        };
        const sys = c.systemPrompt ?? '';
        let r = keep ? cache.get(m.role, sys, m.content, i) : undefined;
        if (!r) {
          r = judge(m.content, c, input, i);
          // A verdict from a failed detector is not kept: the next turn tries again.
          if (keep && !r.outcomes.some((o) => o.error)) cache.set(m.role, sys, m.content, r);
        }
        all.push(...r.outcomes);
        for (const s of r.signals) signals.add(s);
      });
      const d = decide(all, [...signals]);
      if (all.some((o) => o.action === 'redact')) {
        d.redactedMessages = inp.map((m, i) => {
          const spans = all.filter((o) => o.message === i && o.action === 'redact').flatMap((o) => o.spans);
          return spans.length ? { ...m, content: redact(m.content, spans, policy.redaction.mode, vault) } : m;
        });
      }
      return d;
    },
    checkOutput(text, ctx) {
      const c = resolveCtx(ctx, 'assistant');
      const { outcomes, signals } = judge(text, c, output);
      return withRedaction(decide(outcomes, signals), text, outcomes);
    },
    stream(ctx) {
      const c = resolveCtx(ctx, 'assistant');
      return createStream(
        c,
        output.filter((b) => b.roles.includes(c.role)),
        policy.failClosed,
        judge,
      );
    },
  };
  return guard;
}

const WINDOW = 2048;
const MAX_STREAM = 4 * 1024 * 1024;

/**
 * Streaming output check: detectors with an incremental form consume each chunk; the others rescan a
 * sliding window over the newest text, so each push costs about the chunk plus the window, not the
 * whole response. A block is sticky. `end` runs every detector once over the full text.
 */
function createStream(
  ctx: GuardContext,
  bound: Bound[],
  failClosed: boolean,
  judge: (
    text: string,
    ctx: GuardContext,
    bound: Bound[],
  ) => { outcomes: DetectorOutcome[]; signals: string[] },
): StreamHandle {
  let text = '';
  let blocked: Decision | undefined;
  const incremental = new Map<DetectorId, StreamingDetector>();
  for (const b of bound) if (b.detector.stream) incremental.set(b.id, b.detector.stream(ctx));
  const windowed = bound.filter((b) => !incremental.has(b.id));
  return {
    push(chunk) {
      if (blocked) return blocked;
      if (text.length + chunk.length > MAX_STREAM) {
        throw new BulwarkError('BW_ERR_PARSE_LIMIT', `streamed output exceeds ${MAX_STREAM} characters`);
      }
      const from = Math.max(0, text.length - WINDOW);
      text += chunk;
      const outcomes: DetectorOutcome[] = [];
      for (const b of bound) {
        const inc = incremental.get(b.id);
        if (inc) outcomes.push(runDetector(b, () => inc.push(chunk), failClosed));
      }
      const win = judge(text.slice(from), ctx, windowed);
      for (const o of win.outcomes) {
        for (const s of o.spans) {
          s.start += from;
          s.end += from;
        }
        outcomes.push(o);
      }
      const d = decide(outcomes, win.signals);
      if (d.blocked) blocked = d;
      return d;
    },
    end() {
      if (blocked) return blocked;
      const full = judge(text, ctx, bound);
      return decide(full.outcomes, full.signals);
    },
  };
}
