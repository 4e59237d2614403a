// `npm run bench:gateway`: the same load (autocannon) against (a) a fast upstream stub directly, (b) a
// bare undici reverse proxy, (c) Bulwark with no policy and (d) Bulwark with the default guard policy,
// on 1 KB prompts; (g) is (d) with its guard checks on one guard thread (d uses the default, `auto`);
// (e) and (f) are (b) and (d) under 6-turn conversations that a client resends whole on every turn. Each
// server runs in its own process. Two phases per target: throughput at
// saturation (fixed connections), then latency at a fixed rate the bare proxy serves without queueing
// (half the slowest target's saturated throughput). Latencies come from autocannon's per-response hrtime (its own
// histogram has 1 ms resolution). Writes bench/results/gateway.json.
import { execSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Pool } from 'undici';

const SELF = fileURLToPath(import.meta.url);
const ROOT = join(SELF, '../..');
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
// Few connections for the latency phase: a fixed rate through 8 sockets on a small machine measures the
// load generator's scheduling as much as the proxies.
const LATENCY_CONNECTIONS = Number(process.env.BENCH_LATENCY_CONNECTIONS ?? 2);

const ANSWER = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  model: 'bench',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Paris is the capital of France. It sits on the Seine.' },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 230, completion_tokens: 14, total_tokens: 244 },
});

// Every request carries a different prompt, so that nothing that remembers an earlier request (a detector
// cache, the extraction monitor's history) makes a guarded target look cheaper than a stream of new
// prompts would. Prompts are ordinary prose (sentences drawn from a fixed set by a seeded generator): random
// tokens would send every request down the secret scanners' and decoders' slow paths, which is not what
// most traffic looks like.
const SENTENCES = [
  'Please summarise the following notes about our quarterly planning meeting.',
  'We discussed the roadmap for the search feature and the hiring plan for the platform team.',
  'The budget for the conference season was approved with two changes.',
  'Marketing asked for a clearer launch date for the mobile release.',
  'Support tickets fell by a fifth after the new help centre went live.',
  'The data team will move the nightly reports to the new warehouse in March.',
  'Finance wants a forecast of cloud costs for the next two quarters.',
  'Two customers asked for single sign-on and an audit export.',
  'The design review for the onboarding flow is scheduled for next week.',
  'Legal reviewed the updated terms and found no blocking issues.',
  'Engineering proposed to retire the old billing service by the end of the year.',
  'The sales team closed three new accounts in the northern region.',
  'We agreed to hold a retrospective after the release.',
  'Action items were assigned to the product, design and operations leads.',
  'Please keep the summary short and list the decisions first.',
  'Highlight any risks to the schedule and who owns them.',
];

function promptBodies(count: number): string[] {
  let seed = 12345;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed;
  };
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = `Meeting notes, week ${(i % 52) + 1}, item ${i}. `;
    while (text.length < 1024) text += `${SENTENCES[next() % SENTENCES.length]} `;
    bodies.push(
      JSON.stringify({
        model: 'bench',
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: text.slice(0, 1024) },
        ],
      }),
    );
  }
  return bodies;
}

const BODIES = promptBodies(4096);

/**
 * A chat client resends the whole conversation on every turn: 6 turns per conversation, each a new
 * ~1 KB user message after the earlier messages and short replies. Consecutive requests walk through a
 * conversation's turns, so a target sees turn n after turn n − 1, as from a real client.
 */
const TURNS = 6;
function conversationBodies(count: number): string[] {
  const prompts = BODIES.map(
    (b) => (JSON.parse(b) as { messages: { content: string }[] }).messages[1]!.content,
  );
  const out: string[] = [];
  for (let c = 0; out.length < count; c++) {
    const messages: { role: string; content: string }[] = [
      { role: 'system', content: 'You are a helpful assistant.' },
    ];
    for (let t = 0; t < TURNS && out.length < count; t++) {
      messages.push({ role: 'user', content: prompts[(c * TURNS + t) % prompts.length]! });
      out.push(JSON.stringify({ model: 'bench', messages }));
      messages.push({ role: 'assistant', content: 'Paris is the capital of France. It sits on the Seine.' });
    }
  }
  return out;
}
const CONVERSATIONS = conversationBodies(4096 - (4096 % TURNS));

function listen(server: ReturnType<typeof createServer>): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Child roles: each server in its own process, so that none steals the others' event loop. */
async function role(name: string, upstream: string): Promise<void> {
  if (name === 'upstream') {
    const server = createServer(async (req, res: ServerResponse) => {
      await readAll(req);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) });
      res.end(ANSWER);
    });
    server.keepAliveTimeout = 65_000;
    console.log(JSON.stringify({ port: await listen(server) }));
    return;
  }
  if (name === 'bare') {
    const url = new URL(upstream);
    const pool = new Pool(url.origin, { connections: 256 });
    const server = createServer(async (req, res) => {
      const body = await readAll(req);
      try {
        const up = await pool.request({
          method: req.method as 'POST',
          path: url.pathname.replace(/\/$/, '') + (req.url ?? '').replace(/^\/v1/, ''),
          headers: { 'content-type': 'application/json' },
          body,
        });
        const text = await up.body.text();
        res.writeHead(up.statusCode, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      } catch {
        res.writeHead(502).end();
      }
    });
    server.keepAliveTimeout = 65_000;
    console.log(JSON.stringify({ port: await listen(server) }));
    return;
  }
  const { openStore } = await import('../src/store/index.ts');
  const { buildGateway, GatewayConfig } = await import('../src/gateway/index.ts');
  const dir = mkdtempSync(join(tmpdir(), 'bw-bench-gw-'));
  const store = await openStore(`sqlite:${join(dir, 'bulwark.db')}`);
  const { key } = await store.keys.create({ name: 'bench', role: 'service' }, 'bench');
  const config = GatewayConfig.parse({
    // (g): the default policy with one guard thread, against (d) with the default (`auto`: none on a
    // machine of fewer than 4 cores).
    ...(name === 'bulwark-pool'
      ? { guard: { threads: 1 } }
      : process.env.BENCH_GUARD_THREADS !== undefined
        ? { guard: { threads: Number(process.env.BENCH_GUARD_THREADS) } }
        : {}),
    routes: [{ path: '/v1', kind: 'openai', upstream, policy: name === 'bulwark-none' ? 'none' : 'default' }],
  });
  const gw = await buildGateway({ config, store });
  const address = await gw.app.listen({ port: 0, host: '127.0.0.1' });
  console.log(JSON.stringify({ port: Number(new URL(address).port), key }));
  process.once('SIGTERM', async () => {
    await gw.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

interface Child {
  port: number;
  key?: string;
  pid: number;
  kill(): void;
}

/** CPU seconds a process has used (user + system), from /proc; NaN where there is no /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function spawnRole(name: string, upstream = ''): Promise<Child> {
  const child = spawn(process.execPath, [SELF, '--role', name, upstream], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('\n')) {
        const info = JSON.parse(out.split('\n')[0]!);
        resolve({ ...info, pid: child.pid!, kill: () => child.kill('SIGTERM') });
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

async function load(
  url: string,
  key: string | undefined,
  opts: { duration: number; rate?: number; connections?: number; bodies?: string[] },
): Promise<Load> {
  const bodies = opts.bodies ?? BODIES;
  const times: number[] = [];
  let sent = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/v1/chat/completions`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        connections: opts.connections ?? CONNECTIONS,
        duration: opts.duration,
        ...(opts.rate ? { overallRate: opts.rate } : {}),
        requests: [
          {
            setupRequest: (req: autocannon.Request) => {
              req.body = bodies[sent++ % bodies.length];
              return req;
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status === 200) times.push(ms);
    });
  });
  const sorted = Float64Array.from(times).sort();
  return {
    rps: result.requests.total / opts.duration,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

interface AddedSnapshot {
  sum: number;
  count: number;
  /** Cumulative counts per bucket upper bound (seconds). */
  buckets: [number, number][];
}

/** Bulwark's own added-latency histogram (`/metrics`), as cumulative bucket counts. */
async function addedSnapshot(url: string, key: string): Promise<AddedSnapshot> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).text();
  const sum = Number(
    /bulwark_gateway_added_latency_seconds_sum\{[^}]*\} ([0-9.e+-]+)/.exec(text)?.[1] ?? Number.NaN,
  );
  const count = Number(/bulwark_gateway_added_latency_seconds_count\{[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
  const buckets: [number, number][] = [];
  for (const m of text.matchAll(/bulwark_gateway_added_latency_seconds_bucket\{le="([^"]+)"[^}]*\} (\d+)/g))
    buckets.push([m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), Number(m[2])]);
  return { sum, count, buckets };
}

/**
 * Mean and p99 of the time Bulwark added between two snapshots (the fixed-rate phase only). The p99 is
 * the upper bound of the histogram bucket that holds it, so it is coarse (0.25, 0.5, 1, 2.5 ms …).
 */
function serverAdded(a: AddedSnapshot, b: AddedSnapshot): { meanMs: number; p99AtMostMs: number } {
  const count = b.count - a.count;
  const target = 0.99 * count;
  let p99 = Number.NaN;
  for (const [le, n] of b.buckets) {
    const before = a.buckets.find(([l]) => l === le)?.[1] ?? 0;
    if (n - before >= target) {
      p99 = le * 1000;
      break;
    }
  }
  return { meanMs: ((b.sum - a.sum) / count) * 1000, p99AtMostMs: p99 };
}

async function main() {
  const loadBefore = loadavg()[0]!;
  const up = await spawnRole('upstream');
  const upstreamUrl = `http://127.0.0.1:${up.port}/v1`;
  const [bare, none, policy, pooled] = await Promise.all([
    spawnRole('bare', upstreamUrl),
    spawnRole('bulwark-none', upstreamUrl),
    spawnRole('bulwark-default', upstreamUrl),
    spawnRole('bulwark-pool', upstreamUrl),
  ]);
  const targets = [
    {
      id: 'a',
      name: 'upstream direct',
      url: `http://127.0.0.1:${up.port}`,
      key: undefined as string | undefined,
      pid: up.pid,
    },
    {
      id: 'b',
      name: 'bare undici proxy',
      url: `http://127.0.0.1:${bare.port}`,
      key: undefined,
      pid: bare.pid,
    },
    {
      id: 'c',
      name: 'Bulwark, no policy',
      url: `http://127.0.0.1:${none.port}`,
      key: none.key,
      pid: none.pid,
    },
    {
      id: 'd',
      name: 'Bulwark, default policy',
      url: `http://127.0.0.1:${policy.port}`,
      key: policy.key,
      pid: policy.pid,
    },
    {
      id: 'g',
      name: 'Bulwark default, 1 guard thread',
      url: `http://127.0.0.1:${pooled.port}`,
      key: pooled.key,
      pid: pooled.pid,
    },
    {
      id: 'e',
      name: 'bare proxy, 6-turn chats',
      url: `http://127.0.0.1:${bare.port}`,
      key: undefined,
      pid: bare.pid,
      bodies: CONVERSATIONS,
    },
    {
      id: 'f',
      name: 'Bulwark default, 6-turn chats',
      url: `http://127.0.0.1:${policy.port}`,
      key: policy.key,
      pid: policy.pid,
      bodies: CONVERSATIONS,
    },
  ] as { id: string; name: string; url: string; key: string | undefined; pid: number; bodies?: string[] }[];
  const out: Record<
    string,
    {
      name: string;
      saturated: Load;
      fixedRate: Load;
      cpuUsPerRequest: number;
      serverAddedMeanMs?: number;
      serverAddedP99AtMostMs?: number;
    }
  > = {};
  try {
    for (const t of targets) {
      process.stderr.write(`${t.name}: warm-up and saturation (${DURATION}s)…\n`);
      await load(t.url, t.key, { duration: 2, ...(t.bodies ? { bodies: t.bodies } : {}) });
      const cpu0 = cpuSeconds(t.pid);
      const saturated = await load(t.url, t.key, {
        duration: DURATION,
        ...(t.bodies ? { bodies: t.bodies } : {}),
      });
      // CPU the server process spent per request (the proxy itself, not the upstream behind it).
      const cpuUsPerRequest = ((cpuSeconds(t.pid) - cpu0) / (saturated.rps * DURATION)) * 1e6;
      out[t.id] = { name: t.name, saturated, fixedRate: undefined as unknown as Load, cpuUsPerRequest };
    }
    // The fixed rate: half of what the slowest proxy sustains, so that every target (the bare proxy
    // included) serves it without queueing and the latency difference is the work added, not a queue.
    const rate = Math.max(
      50,
      Math.floor(Math.min(...['b', 'c', 'd', 'e', 'f', 'g'].map((id) => out[id]!.saturated.rps)) * 0.5),
    );
    for (const t of targets) {
      process.stderr.write(`${t.name}: ${rate} req/s for ${DURATION}s…\n`);
      const before = t.key ? await addedSnapshot(t.url, t.key) : undefined;
      out[t.id]!.fixedRate = await load(t.url, t.key, {
        ...(t.bodies ? { bodies: t.bodies } : {}),
        duration: DURATION,
        rate,
        connections: LATENCY_CONNECTIONS,
      });
      if (t.key && before) {
        const own = serverAdded(before, await addedSnapshot(t.url, t.key));
        out[t.id]!.serverAddedMeanMs = own.meanMs;
        out[t.id]!.serverAddedP99AtMostMs = own.p99AtMostMs;
      }
    }
    const b = out.b!;
    const d = out.d!;
    const c = out.c!;
    const summary = {
      addedP50Ms: d.fixedRate.p50 - b.fixedRate.p50,
      addedP99Ms: d.fixedRate.p99 - b.fixedRate.p99,
      throughputRatio: d.saturated.rps / b.saturated.rps,
      noPolicy: {
        addedP50Ms: c.fixedRate.p50 - b.fixedRate.p50,
        addedP99Ms: c.fixedRate.p99 - b.fixedRate.p99,
        throughputRatio: c.saturated.rps / b.saturated.rps,
      },
      oneGuardThread: {
        addedP50Ms: out.g!.fixedRate.p50 - b.fixedRate.p50,
        addedP99Ms: out.g!.fixedRate.p99 - b.fixedRate.p99,
        throughputRatio: out.g!.saturated.rps / b.saturated.rps,
      },
      conversations: {
        addedP50Ms: out.f!.fixedRate.p50 - out.e!.fixedRate.p50,
        addedP99Ms: out.f!.fixedRate.p99 - out.e!.fixedRate.p99,
        throughputRatio: out.f!.saturated.rps / out.e!.saturated.rps,
      },
      targets: { throughputRatioAtLeast: 0.8, addedP99MsAtMost: 1 },
    };
    const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—');
    const rows = targets.map((t) => {
      const r = out[t.id]!;
      return `${`(${t.id}) ${t.name}`.padEnd(33)} ${r.saturated.rps.toFixed(0).padStart(8)} ${r.cpuUsPerRequest.toFixed(0).padStart(8)} ${f(r.fixedRate.p50).padStart(9)} ${f(r.fixedRate.p99).padStart(9)} ${String(r.saturated.errors + r.saturated.non2xx + r.fixedRate.errors + r.fixedRate.non2xx).padStart(7)}`;
    });
    console.log(
      `\nGateway benchmark — ${new Date().toISOString()} — ${cpus().length} cores, 1 KB prompt, ${CONNECTIONS} connections`,
    );
    console.log(
      `${'target'.padEnd(33)} ${'req/s'.padStart(8)} ${'CPU µs'.padStart(8)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'errors'.padStart(7)}   (latency at ${rate} req/s, ${LATENCY_CONNECTIONS} connections)`,
    );
    for (const r of rows) console.log(r);
    console.log(
      `\n(d) vs (b): added p50 ${f(summary.addedP50Ms)} ms, added p99 ${f(summary.addedP99Ms)} ms, throughput ratio ${summary.throughputRatio.toFixed(3)}` +
        `\n(c) vs (b): added p50 ${f(summary.noPolicy.addedP50Ms)} ms, added p99 ${f(summary.noPolicy.addedP99Ms)} ms, throughput ratio ${summary.noPolicy.throughputRatio.toFixed(3)}` +
        `\n(g) vs (b): added p50 ${f(summary.oneGuardThread.addedP50Ms)} ms, added p99 ${f(summary.oneGuardThread.addedP99Ms)} ms, throughput ratio ${summary.oneGuardThread.throughputRatio.toFixed(3)}` +
        `\n(f) vs (e): added p50 ${f(summary.conversations.addedP50Ms)} ms, added p99 ${f(summary.conversations.addedP99Ms)} ms, throughput ratio ${summary.conversations.throughputRatio.toFixed(3)}` +
        `\nBulwark's own measure of its added time at the fixed rate (mean; p99 as its histogram bucket): no policy ${f(c.serverAddedMeanMs ?? Number.NaN)} ms, p99 ≤ ${f(c.serverAddedP99AtMostMs ?? Number.NaN)} ms; default policy ${f(d.serverAddedMeanMs ?? Number.NaN)} ms, p99 ≤ ${f(d.serverAddedP99AtMostMs ?? Number.NaN)} ms` +
        `\nMachine load (1-minute average) before and after: ${loadBefore.toFixed(2)} → ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores`,
    );
    let commit = '';
    try {
      commit = execSync('git rev-parse HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {}
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(
      join(ROOT, 'bench/results/gateway.json'),
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: {
            cores: cpus().length,
            cpu: cpus()[0]?.model ?? '',
            memoryGiB: Math.round(totalmem() / 2 ** 30),
            node: process.version,
            loadAverageBefore: loadBefore,
            loadAverageAfter: loadavg()[0],
          },
          commit,
          load: {
            connections: CONNECTIONS,
            latencyConnections: LATENCY_CONNECTIONS,
            durationS: DURATION,
            fixedRate: rate,
            promptBytes: Buffer.byteLength(JSON.parse(BODIES[0]!).messages[1].content),
            distinctPrompts: BODIES.length,
          },
          ...summary,
          results: out,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    for (const ch of [up, bare, none, policy, pooled]) ch.kill();
  }
}

if (process.argv[2] === '--role') await role(process.argv[3]!, process.argv[4] ?? '');
else await main();
