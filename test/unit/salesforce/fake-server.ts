/** A tiny HTTP server for the org client's unit tests: each request answered by a handler, every request recorded. */
import http from 'node:http';
import { AddressInfo } from 'node:net';

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
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(s);
      const a = await handler(s, seen.length);
      if (a.hang) return;
      const body = typeof a.body === 'string' || a.body === undefined ? a.body ?? '' : JSON.stringify(a.body);
      const headers = { ...(typeof a.body === 'object' ? { 'content-type': 'application/json;charset=UTF-8' } : {}), ...a.headers };
      res.writeHead(a.status ?? 200, headers).end(body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** A port nothing listens on. */
export async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
