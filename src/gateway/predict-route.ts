import { hash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { makeFinding } from '../core/index.ts';
import { GatewayRefusal } from './errors.ts';
import { hardenOutput, type OodResult, validateInstances } from './predict.ts';
import { GATEWAY_RULES } from './rules.ts';
import type { PredictRuntime, RequestState, Shared } from './types.ts';
import { UpstreamError } from './upstream.ts';

interface Call {
  req: FastifyRequest;
  reply: FastifyReply;
  st: RequestState;
  rt: PredictRuntime;
  shared: Shared;
}

/** A predict call: validate, score against the profile, forward, harden the output. */
export async function handlePredict({ req, reply, st, rt, shared }: Call): Promise<unknown> {
  const { instances, field } = validateInstances(req.body, rt.schema);
  const shadow = rt.config.shadow;
  if (rt.score) {
    let worst: (OodResult & { index: number }) | undefined;
    instances.forEach((inst, index) => {
      const r = rt.score!(inst);
      if (!worst || r.score > worst.score) worst = { ...r, index };
    });
    st.scores.ood = Math.round(worst!.score * 1e6) / 1e6;
    st.probe = { ood: worst! };
    if (worst!.score >= rt.config.ood.threshold) {
      const action = rt.config.ood.action;
      shared.metrics.decisions.inc({ route: rt.name, detector: 'ood', action });
      st.decision = action;
      st.reason = 'off-manifold';
      const where = field === 'inputs' ? 'inputs' : `instances[${worst!.index}]`;
      for (const r of worst!.reasons)
        st.spans.push({
          where: `${where}.${r.feature}`,
          start: 0,
          end: 0,
          label: r.unseen !== undefined ? 'unseen-category' : 'far-from-profile',
          detector: 'ood',
        });
      shared.record({
        type: 'finding',
        finding: makeFinding(GATEWAY_RULES['gateway.predict.off-manifold'], {
          asset: { kind: 'endpoint', name: rt.name },
          location: { requestId: st.requestId, field: where },
          evidence: { client: st.principal?.id ?? '', score: worst!.score, reasons: worst!.reasons, action },
        }),
      });
      if (action === 'block' && !shadow)
        throw new GatewayRefusal(422, 'policy', `input is out of distribution for this model (${where})`, {
          code: 'out_of_distribution',
          bwCode: 'BW_ERR_POLICY_BLOCKED',
          param: where,
        });
    }
  }
  const t = process.hrtime.bigint();
  const fail = (e: unknown): never => {
    shared.metrics.upstreamErrors.inc({
      route: rt.name,
      kind: e instanceof UpstreamError ? e.kind : 'reset',
    });
    throw e instanceof UpstreamError
      ? e
      : new UpstreamError('reset', `upstream failed: ${(e as Error).message}`);
  };
  const res = await rt.upstream
    .request({ method: 'POST', path: '', body: (req as unknown as { rawBody: string }).rawBody })
    .catch(fail);
  const text = await rt.upstream.readBody(res).catch(fail);
  st.upstreamNs += Number(process.hrtime.bigint() - t);
  st.status = res.statusCode;
  let out = text;
  if (res.statusCode < 400) {
    const o = rt.config.output;
    if (o.labelOnly || o.round !== undefined || o.topK !== undefined) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        fail(new UpstreamError('status', 'upstream answered with invalid JSON'));
      }
      // Shadow mode records and never rewrites, like every other decision.
      if (!shadow) out = JSON.stringify(hardenOutput(json, o));
    }
  } else {
    if (res.statusCode >= 500) shared.metrics.upstreamErrors.inc({ route: rt.name, kind: 'status' });
    st.reason ||= 'upstream-status';
  }
  st.responseHash = hash('sha256', out, 'hex');
  return reply
    .code(res.statusCode)
    .header('content-type', 'application/json')
    .header('x-request-id', st.requestId)
    .send(out);
}
