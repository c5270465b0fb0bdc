/**
 * A fault-injecting HTTP proxy on loopback, in front of a real server (the local mailbox or org): it forwards every
 * request unchanged (Host included, so the links the server builds point back at the proxy), and on the requests
 * `decide` picks it fails them the way a network and a busy server do:
 * - `error-before`: a 5xx, and the server never saw the request;
 * - `error-after`: the server carried the request out, the client gets a 5xx instead of its answer;
 * - `reset-before` / `reset-after`: the connection is reset before forwarding / after the server answered;
 * - `garbage-after`: the server carried it out, the client gets a 200 that is not Graph's (HTML, or cut-off JSON).
 * A `hold` hook keeps a request waiting while the test acts on the server (a user's edit in the middle of a run).
 */
import http from 'node:http';
import { listenOnLoopback } from './loopback';

export const FAULTS = ['error-before', 'error-after', 'reset-before', 'reset-after', 'garbage-after'] as const;
export type Fault = (typeof FAULTS)[number];

export interface SeenRequest {
  method: string;
  url: string;
  body: string;
}

export interface FaultProxyOptions {
  /** The server behind the proxy (`http://127.0.0.1:PORT`). */
  target: string;
  /** The fault for a request, or null to forward it untouched. */
  decide: (req: SeenRequest) => Fault | null;
  /** Awaited before `decide`, while the request waits: the test may change the server meanwhile. */
  hold?: (req: SeenRequest) => Promise<void>;
}

export interface FaultProxy {
  url: string;
  /** Faults injected so far, by kind. */
  injected: Record<Fault, number>;
  /** Requests that reached the proxy, faulty or not. */
  seen: SeenRequest[];
  /** Resolves once no request is in the proxy (a killed client's last request may still be carried out). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Seeded random faults on a share of writes (anything but GET), spread evenly over the kinds. */
export function randomWriteFaults(random: () => number, share: number, kinds: readonly Fault[] = FAULTS): (req: SeenRequest) => Fault | null {
  return (req) => {
    if (req.method === 'GET') return null;
    if (random() >= share) return null;
    return kinds[Math.floor(random() * kinds.length)];
  };
}

export async function startFaultProxy(o: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(o.target);
  const agent = new http.Agent({ keepAlive: true });
  const injected = Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<Fault, number>;
  const seen: SeenRequest[] = [];
  let answers = 0;
  let inFlight = 0;
  let whenSettled: Array<() => void> = [];

  const forward = (req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      up.on('error', reject);
      up.end(body);
    });

  const serverError = (res: http.ServerResponse) => {
    const status = [500, 502, 504][answers++ % 3];
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'InternalServerError', message: 'injected by the fault proxy' } }));
  };
  const garbage = (res: http.ServerResponse) => {
    if (answers++ % 2) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Service temporarily unavailable</body></html>');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"AAMkAD');
    }
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> => {
    const r: SeenRequest = { method: req.method ?? 'GET', url: req.url ?? '/', body: body.toString('utf8') };
    seen.push(r);
    if (o.hold) await o.hold(r);
    const fault = o.decide(r);
    if (fault) injected[fault] += 1;
    if (fault === 'error-before') return serverError(res);
    if (fault === 'reset-before') return void req.socket.destroy();
    let answer: { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
    try {
      answer = await forward(req, body);
    } catch {
      res.writeHead(502, { 'content-type': 'text/plain' });
      return void res.end('the server behind the proxy did not answer');
    }
    if (fault === 'error-after') return serverError(res);
    if (fault === 'reset-after') return void req.socket.destroy();
    if (fault === 'garbage-after') return garbage(res);
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    delete headers['keep-alive'];
    res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
    res.end(answer.body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    inFlight += 1;
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks)).finally(() => {
        inFlight -= 1;
        if (inFlight === 0) {
          const waiting = whenSettled;
          whenSettled = [];
          for (const w of waiting) w();
        }
      });
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    injected,
    seen,
    settled: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => whenSettled.push(resolve))),
    close: async () => {
      await listening.close();
      agent.destroy();
    },
  };
}
