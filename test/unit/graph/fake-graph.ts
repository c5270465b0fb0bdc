/** A tiny Graph stand-in for the mailbox client's unit tests: real HTTP on 127.0.0.1, each request answered by a handler and recorded. */
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
  headers?: Record<string, string>;
  /** An object is sent as Graph JSON. */
  body?: string | object;
  /** Close the connection without answering (a reset after the request arrived). */
  destroy?: boolean;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

export interface FakeGraph {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

export const GRAPH_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** `{"error": {...}}` as Graph sends it. */
export function graphError(code: string, message: string, requestId = 'req-1'): object {
  return {
    error: {
      code,
      message,
      innerError: { date: '2026-06-01T12:00:00', 'request-id': requestId, 'client-request-id': requestId },
    },
  };
}

export async function fakeGraph(
  handler: (req: Seen, n: number, origin: string) => Answer | Promise<Answer>,
): Promise<FakeGraph> {
  const seen: Seen[] = [];
  let origin = '';
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
      const a = await handler(s, seen.length, origin);
      if (a.hang) return;
      if (a.destroy) {
        req.socket.destroy();
        return;
      }
      const body = typeof a.body === 'string' || a.body === undefined ? (a.body ?? '') : JSON.stringify(a.body);
      const headers = { ...(typeof a.body === 'object' ? { 'content-type': GRAPH_JSON } : {}), ...a.headers };
      res.writeHead(a.status ?? 200, headers).end(body);
    });
  });
  const listening = await listenOnLoopback(server);
  origin = listening.url;
  return { url: origin, seen, close: listening.close };
}

export { closedPort };

/** Retry options that never wait: every wait is recorded instead. */
export function instantRetry(now = Date.parse('2026-06-01T12:00:00Z')): {
  waits: number[];
  retry: { sleep: (ms: number) => Promise<void>; random: () => number; now: () => number };
} {
  const waits: number[] = [];
  return {
    waits,
    retry: {
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0,
      now: () => now,
    },
  };
}
