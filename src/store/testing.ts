import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from './index.ts';
import type { GatewayEvent } from './events.ts';
import type { Store } from './store.ts';

/**
 * A fresh store for one test: a SQLite file in a temp dir, or — when `npm test` runs the suites again
 * with BULWARK_TEST_DB=postgres — a new schema in the real PostgreSQL, dropped afterwards.
 */
export async function testStore(): Promise<{
  store: Store;
  url: string;
  schema?: string;
  cleanup: () => Promise<void>;
}> {
  const auditKey = randomBytes(32);
  if (process.env.BULWARK_TEST_DB === 'postgres') {
    const url = process.env.BULWARK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const store = await openStore(url, { schema, auditKey });
    return {
      store,
      url,
      schema,
      async cleanup() {
        await store.close();
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`DROP SCHEMA ${schema} CASCADE`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bw-store-'));
  const url = `sqlite:${join(dir, 'bulwark.db')}`;
  const store = await openStore(url, { auditKey });
  return {
    store,
    url,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A gateway event for tests: every 7th one is a block with a span, the rest are allowed. */
export function sampleEvent(i: number, keyId: string): GatewayEvent {
  const blocked = i % 7 === 0;
  return {
    id: `ge_${String(i).padStart(26, '0')}`,
    ts: new Date(1_800_000_000_000 + i).toISOString(),
    requestId: `req_${i}`,
    keyId,
    route: '/v1',
    kind: 'openai',
    method: 'POST',
    path: '/v1/chat/completions',
    model: 'm',
    status: blocked ? 400 : 200,
    decision: blocked ? 'block' : 'allow',
    shadow: false,
    reason: blocked ? 'policy' : '',
    scores: { 'input:injection': (i % 100) / 100 },
    spans: blocked ? [{ where: 'messages[1]', start: 0, end: 5, label: 'x', detector: 'injection' }] : [],
    latencyMs: 1.5,
    addedMs: 0.25,
    upstreamMs: 1.25,
    tokensIn: 10,
    tokensOut: 5,
    requestHash: 'a'.repeat(64),
    responseHash: 'b'.repeat(64),
  };
}
