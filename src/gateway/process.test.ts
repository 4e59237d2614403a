import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createEventStore } from '../store/events.ts';
import { openStore } from '../store/index.ts';
import { type StubUpstream, startStubUpstream } from './testing.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const REDIS = process.env.BULWARK_TEST_REDIS_URL;

let dir: string;
let up: StubUpstream;
let dbUrl: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bw-gwproc-'));
  dbUrl = `sqlite:${join(dir, 'bulwark.db')}`;
  // A slow-ish upstream, so that requests are still in flight when the signal arrives.
  up = await startStubUpstream({
    record: false,
    handler: (_req, _body, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'ok' } }] }));
      }, 20);
    },
  });
});
after(async () => {
  await up.close();
  rmSync(dir, { recursive: true, force: true });
});

async function newKey(): Promise<{ key: string; id: string }> {
  const store = await openStore(dbUrl);
  try {
    const { key, info } = await store.keys.create({ name: 'proc', role: 'service' }, 'test');
    return { key, id: info.id };
  } finally {
    await store.close();
  }
}

function writeConfig(name: string, gateway: Record<string, unknown>): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ store: { url: dbUrl }, gateway }));
  return file;
}

/** Starts `bulwark gateway` as its own process and resolves with its URL once it listens. */
function startGateway(
  config: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(
    join(ROOT, 'node_modules/.bin/node'),
    [join(ROOT, 'bin/bulwark.js'), 'gateway', '--config', config, '--port', '0', '--json'],
    {
      env: { ...process.env, BULWARK_HOME: dir, DATABASE_URL: '', REDIS_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((res, rej) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (c) => {
      err += c;
    });
    child.stdout!.on('data', (c) => {
      out += c;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        try {
          res({ child, url: JSON.parse(line!).url, exited });
        } catch (e) {
          rej(e);
        }
      }
    });
    child.once('exit', (code) => rej(new Error(`gateway exited (${code}) before listening: ${err}`)));
  });
}

async function call(url: string, key: string): Promise<number> {
  try {
    const r = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }] }),
    });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0; // connection closed by the shutting-down server
  }
}

describe('a gateway process', () => {
  test('loses no event on SIGTERM: every answered request is in the database after exit', async () => {
    const { key, id } = await newKey();
    // Events stay queued (no timed flush, huge batches) until the drain on shutdown writes them.
    const config = writeConfig('drain.yaml', {
      events: { flushIntervalMs: 3_600_000, batchSize: 5000, queueSize: 100_000 },
      routes: [{ path: '/v1', kind: 'openai', upstream: `${up.url}/v1`, policy: 'none' }],
    });
    const gw = await startGateway(config);
    const answered: Promise<number>[] = [];
    for (let i = 0; i < 120; i++) answered.push(call(gw.url, key));
    const first = await Promise.all(answered.splice(0));
    // A second wave still in flight when the signal arrives.
    for (let i = 0; i < 40; i++) answered.push(call(gw.url, key));
    await new Promise((r) => setTimeout(r, 5));
    gw.child.kill('SIGTERM');
    const second = await Promise.all(answered);
    assert.equal(await gw.exited, 0);
    const ok = [...first, ...second].filter((s) => s === 200).length;
    assert.ok(ok >= 120);
    const store = await openStore(dbUrl);
    try {
      const events = (await createEventStore(store.db).list({ keyId: id, limit: 1000 })).filter(
        (e) => e.status === 200,
      );
      assert.equal(events.length, ok);
    } finally {
      await store.close();
    }
  });

  test('shares limits with a second process through Redis', {
    skip: REDIS ? false : 'BULWARK_TEST_REDIS_URL is not set (no Redis on 127.0.0.1:6379)',
  }, async () => {
    const { key } = await newKey();
    const config = writeConfig('shared.yaml', {
      limitsBackend: 'redis',
      routes: [
        {
          path: '/v1',
          kind: 'openai',
          upstream: `${up.url}/v1`,
          policy: 'none',
          limits: { requestsPerMinute: 10 },
        },
      ],
    });
    // Fixed one-minute windows: do not straddle a minute boundary.
    if (new Date().getSeconds() > 54)
      await new Promise((r) => setTimeout(r, (61 - new Date().getSeconds()) * 1000));
    const [a, b] = await Promise.all([
      startGateway(config, { REDIS_URL: REDIS! }),
      startGateway(config, { REDIS_URL: REDIS! }),
    ]);
    try {
      const byProcess = { a: [] as number[], b: [] as number[] };
      for (let i = 0; i < 12; i++) {
        byProcess.a.push(await call(a.url, key));
        byProcess.b.push(await call(b.url, key));
      }
      const all = [...byProcess.a, ...byProcess.b];
      assert.equal(all.filter((s) => s === 200).length, 10, `statuses: ${JSON.stringify(byProcess)}`);
      assert.equal(all.filter((s) => s === 429).length, 14);
      assert.ok(byProcess.a.includes(200) && byProcess.b.includes(200));
      assert.ok(byProcess.a.includes(429) && byProcess.b.includes(429));
    } finally {
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
    }
  });
});
