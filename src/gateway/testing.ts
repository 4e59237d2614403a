import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubUpstream {
  url: string;
  /** Requests seen: method, path and parsed body. */
  seen: { method: string; path: string; body: unknown }[];
  close(): Promise<void>;
}

export type StubHandler = (req: IncomingMessage, body: unknown, res: ServerResponse) => void | Promise<void>;

/**
 * A real OpenAI-compatible HTTP server on loopback for tests and benchmarks: answers chat completions
 * (streamed or not) with `reply`, completions, embeddings and models, unless `handler` takes over.
 */
export async function startStubUpstream(
  options: {
    reply?: string | ((body: Record<string, unknown>) => string);
    handler?: StubHandler;
    chunkSize?: number;
    record?: boolean;
  } = {},
): Promise<StubUpstream> {
  const seen: StubUpstream['seen'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        body = {};
      }
      if (options.record !== false) seen.push({ method: req.method ?? '', path: req.url ?? '', body });
      if (options.handler) return void options.handler(req, body, res);
      const reply =
        typeof options.reply === 'function' ? options.reply(body) : (options.reply ?? 'Hello from the stub.');
      const path = req.url ?? '';
      if (path.endsWith('/models'))
        return json(res, { object: 'list', data: [{ id: 'stub-model', object: 'model' }] });
      if (path.endsWith('/embeddings'))
        return json(res, {
          object: 'list',
          data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
        });
      if (body.stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const size = options.chunkSize ?? 8;
        for (let i = 0; i < reply.length; i += size) {
          const piece = reply.slice(i, i + size);
          const delta = path.endsWith('/chat/completions')
            ? { choices: [{ index: 0, delta: { content: piece } }] }
            : { choices: [{ index: 0, text: piece }] };
          res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', ...delta })}\n\n`);
        }
        res.end('data: [DONE]\n\n');
        return;
      }
      const choice = path.endsWith('/chat/completions')
        ? { index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }
        : { index: 0, text: reply, finish_reason: 'stop' };
      json(res, {
        id: 'c1',
        object: 'chat.completion',
        model: body.model ?? 'stub',
        choices: [choice],
        usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
      });
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function json(res: ServerResponse, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
