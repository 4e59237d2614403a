// A guard pool thread (see guard-pool.ts): the routes' guards, built once, answering one check at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { createGuard, type Guard, type GuardPolicy } from '../guard/index.ts';

const guards: Guard[] = (workerData as { policies: GuardPolicy[] }).policies.map((p) => createGuard(p));
const port = parentPort!;
port.postMessage({ ready: true });

port.on(
  'message',
  async (m: {
    id: number;
    policy: number;
    op: 'input' | 'output';
    items?: { role: 'system' | 'user' | 'assistant' | 'tool' | 'document'; content: string }[];
    text?: string;
    ctx: Record<string, unknown>;
  }) => {
    try {
      const g = guards[m.policy];
      if (!g) throw new Error(`no policy ${m.policy} in this guard thread`);
      const decision =
        m.op === 'input' ? await g.checkInputAsync(m.items!, m.ctx) : g.checkOutput(m.text!, m.ctx);
      // Only what the gateway reads goes back: outcomes that triggered or failed (copying every detector's
      // explanation across threads costs more than the check of a short text).
      port.postMessage({
        id: m.id,
        decision: { ...decision, outcomes: decision.outcomes.filter((o) => o.triggered || o.error) },
      });
    } catch (e) {
      port.postMessage({ id: m.id, error: (e as Error).message });
    }
  },
);
