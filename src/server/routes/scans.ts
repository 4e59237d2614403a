import { z } from 'zod';
import { BulwarkError } from '../../core/index.ts';
import { scanUpload } from '../../services/scans.ts';
import { allowedPath } from '../paths.ts';
import { defineRoute } from '../route.ts';

const ModelName = z.string().min(1).max(200);

export const SCAN_QUEUE = 'scan.paths';

export const scanRoutes = [
  defineRoute({
    method: 'POST',
    url: '/api/v1/scans',
    access: 'write',
    tag: 'scans',
    summary:
      'Scan a model: upload its bytes (Content-Type application/octet-stream, ?name=FILE&model=NAME; answered with the findings) or name a path under server.allowedPaths (JSON {path, model}; queued, answered 202 with the run)',
    rawBody: true,
    query: z.object({ name: z.string().min(1).max(255).optional(), model: ModelName.optional() }).strict(),
    handler: async ({ req, reply, query, deps, actor }) => {
      if (Buffer.isBuffer(req.body)) {
        const name = query.name ?? 'upload.bin';
        const r = await scanUpload(deps.store, {
          bytes: req.body,
          name,
          actor,
          ...(query.model ? { model: query.model } : {}),
        });
        reply.code(201);
        return {
          run: r.run,
          findings: r.report.findings,
          files: r.report.files.map(({ findings: _f, ...f }) => f),
        };
      }
      const body = z
        .object({ path: z.string().min(1).max(4096), model: ModelName.optional() })
        .strict()
        .safeParse(req.body);
      if (!body.success) {
        const issue = body.error.issues[0]!;
        const field = [
          'body',
          ...(issue.code === 'unrecognized_keys' ? [issue.keys[0]!] : issue.path.map(String)),
        ].join('.');
        throw new BulwarkError(
          'BW_ERR_VALIDATION',
          `${field}: ${issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message}`,
          { field },
        );
      }
      const path = await allowedPath(body.data.path, deps.allowedPaths ?? [], 'body.path');
      const run = await deps.store.runs.start({ engine: 'scan', target: path });
      await deps.store.jobs.enqueue(SCAN_QUEUE, {
        runId: run.id,
        paths: [path],
        actor,
        ...(body.data.model ? { model: body.data.model } : {}),
      });
      deps.poke?.();
      reply.code(202);
      return { run };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/scans',
    access: 'read',
    tag: 'scans',
    summary: 'Scan runs, newest first',
    query: z
      .object({
        limit: z.coerce.number().int().min(1).max(500).optional(),
        offset: z.coerce.number().int().min(0).optional(),
      })
      .strict(),
    handler: ({ query, deps }) => deps.store.runs.list({ engine: 'scan', ...query }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/scans/:id',
    access: 'read',
    tag: 'scans',
    summary: 'One scan run with its findings',
    params: z.object({ id: z.string().min(1).max(64) }),
    handler: async ({ params, deps }) => {
      const run = await deps.store.runs.get(params.id);
      if (run.engine !== 'scan')
        throw new BulwarkError('BW_ERR_NOT_FOUND', `scan ${JSON.stringify(params.id)} not found`);
      const findings = await deps.store.findings.list({ runId: run.id, limit: 500 });
      return { run, findings: findings.items, totalFindings: findings.total };
    },
  }),
];
