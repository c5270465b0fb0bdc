/** A tiny HTTP server for the org client's unit tests: each request answered by a handler, every request recorded. */
import http from 'node:http';
import { closedPort, listenOnLoopback } from '../../helpers/loopback';

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string | object;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

export interface FakeServer {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

export async function fakeServer(handler: (req: Seen, n: number) => Answer | Promise<Answer>): Promise<FakeServer> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const s: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(s);
      const a = await handler(s, seen.length);
      if (a.hang) return;
      const body = typeof a.body === 'string' || a.body === undefined ? (a.body ?? '') : JSON.stringify(a.body);
      const headers = {
        ...(typeof a.body === 'object' ? { 'content-type': 'application/json;charset=UTF-8' } : {}),
        ...a.headers,
      };
      res.writeHead(a.status ?? 200, headers).end(body);
    });
  });
  const listening = await listenOnLoopback(server);
  return { url: listening.url, seen, close: listening.close };
}

export { closedPort };
