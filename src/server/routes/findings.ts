import { z } from 'zod';
import { Engine, Finding, Run, RunStatus, Severity } from '../../core/schemas.ts';
import { defineRoute, Pagination, pageOf, q } from '../route.ts';

const StoredFinding = Finding.extend({ assetId: z.string().optional(), createdAt: z.string() });
const IdParams = z.object({ id: z.string().min(1).max(64) });

export const findingRoutes = [
  defineRoute({
    method: 'GET',
    url: '/api/v1/findings',
    access: 'read',
    tag: 'findings',
    summary:
      'List findings, most severe first; filter by severity (comma list), minimum severity, asset, rule, run',
    query: Pagination.extend({
      severity: q.list(Severity).optional(),
      minSeverity: Severity.optional(),
      assetId: z.string().max(64).optional(),
      ruleId: z.string().max(200).optional(),
      runId: z.string().max(64).optional(),
    }).strict(),
    response: pageOf(StoredFinding),
    handler: ({ query, deps }) => deps.store.findings.list(query),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/findings/:id',
    access: 'read',
    tag: 'findings',
    summary: 'Show one finding',
    params: IdParams,
    response: StoredFinding,
    handler: ({ params, deps }) => deps.store.findings.get(params.id),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/runs',
    access: 'read',
    tag: 'runs',
    summary: 'List engine runs (scans, audits, campaigns), newest first',
    query: Pagination.extend({
      engine: Engine.optional(),
      assetId: z.string().max(64).optional(),
      status: RunStatus.optional(),
    }).strict(),
    response: pageOf(Run),
    handler: ({ query, deps }) => deps.store.runs.list(query),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/runs/:id',
    access: 'read',
    tag: 'runs',
    summary: 'Show a run with its findings counted by severity',
    params: IdParams,
    response: Run.extend({ findings: z.record(z.string(), z.number()) }),
    handler: async ({ params, deps }) => {
      const run = await deps.store.runs.get(params.id);
      return { ...run, findings: await deps.store.findings.countBySeverity({ runId: run.id }) };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/runs',
    access: 'write',
    tag: 'runs',
    summary: 'Record a finished run and its findings (CI uploads results this way)',
    body: z
      .object({
        engine: Engine,
        assetId: z.string().max(64).optional(),
        target: z.string().max(2000).default(''),
        status: z.enum(['succeeded', 'failed']).default('succeeded'),
        summary: z.record(z.string(), z.unknown()).default({}),
        findings: z.array(Finding).max(10_000).default([]),
      })
      .strict(),
    response: Run,
    status: 201,
    handler: async ({ body, deps }) => {
      if (body.assetId) await deps.store.assets.get(body.assetId);
      const run = await deps.store.runs.start({
        engine: body.engine,
        ...(body.assetId ? { assetId: body.assetId } : {}),
        target: body.target,
      });
      await deps.store.findings.insertMany(body.findings, {
        runId: run.id,
        ...(body.assetId ? { assetId: body.assetId } : {}),
      });
      return deps.store.runs.finish(run.id, { status: body.status, summary: body.summary });
    },
  }),
];
