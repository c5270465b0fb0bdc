/**
 * A fault-injecting HTTP proxy on loopback, in front of a real server (the local mailbox): it forwards every
 * request unchanged (Host included, so the links the server builds point back at the proxy), and on the requests
 * `decide` picks it fails them the way a network and a busy server do:
 * - `error-before`: a 5xx, and the server never saw the request;
 * - `error-after`: the server carried the request out, the client gets a 5xx instead of its answer;
 * - `reset-before` / `reset-after`: the connection is reset before forwarding / after the server answered;
 * - `garbage-after`: the server carried it out, the client gets a 200 that is not the server's (HTML, or cut-off JSON).
 * A `delay` holds a request before any of that, as a slow network or a busy server does. When the server behind
 * it does not answer (stopped, or killed mid-request), the proxy answers 502, as a gateway would.
 * A test can also act while a request waits: before it goes on (`beforeForward`), or once the server answered and
 * before the client has the answer (`beforeAnswer`): an edit made then lands between a client's read and its write.
 * It can also answer a request itself (`answer`), with what the server behind it never says (a 403, a 503).
 * A `hold` hook keeps a request waiting, before its fault is decided, while the test acts on the server.
 * Shared by the tests and the chaos harness (bench/chaos.ts), which puts one in front of the org and the mailbox.
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
  /** Awaited before the request goes on (or fails as `decide` says); the server has not seen it yet. */
  beforeForward?: (req: SeenRequest) => Promise<void> | void;
  /** Awaited once the server answered, before the client gets the answer. */
  beforeAnswer?: (req: SeenRequest, answer: { status: number; body: string }) => Promise<void> | void;
  /** An answer the proxy gives itself instead of forwarding (the server never sees the request), or null. */
  answer?: (req: SeenRequest) => CannedAnswer | null;
  /** Awaited before `decide`, while the request waits: the test may change the server meanwhile. */
  hold?: (req: SeenRequest) => Promise<void>;
  /** How long to hold a request (decided on arrival) before failing or forwarding it, in ms (default none). */
  delay?: (req: SeenRequest) => number;
  /** Keep every request in `seen` (default true; a long run switches it off to keep its memory flat). */
  keepSeen?: boolean;
}

export interface CannedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body: unknown;
}

export interface FaultProxy {
  url: string;
  /** Faults injected so far, by kind. */
  injected: Record<Fault, number>;
  /** Requests that reached the proxy, faulty or not (unless `keepSeen` is false). */
  seen: SeenRequest[];
  /** Requests held by `delay` so far. */
  readonly delayed: number;
  /** Requests received and not answered yet (the harness waits for a killed client's to land). */
  readonly inFlight: number;
  /** Resolves once no request is in the proxy (a killed client's last request may still be carried out). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Seeded random faults on a share of writes (anything but GET), spread evenly over the kinds. */
export function randomWriteFaults(
  random: () => number,
  share: number,
  kinds: readonly Fault[] = FAULTS,
): (req: SeenRequest) => Fault | null {
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
  let delayed = 0;
  let inFlight = 0;
  let whenSettled: Array<() => void> = [];
  const done = () => {
    inFlight -= 1;
    if (inFlight > 0) return;
    const waiting = whenSettled;
    whenSettled = [];
    for (const w of waiting) w();
  };

  const forward = (
    req: http.IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
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

  const server = http.createServer((req, res) => {
    inFlight += 1;
    let received = false;
    // A client gone before its request was whole: nothing will be forwarded.
    req.once('close', () => {
      if (!received) done();
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received = true;
      const body = Buffer.concat(chunks);
      const r: SeenRequest = { method: req.method ?? 'GET', url: req.url ?? '/', body: body.toString('utf8') };
      if (o.keepSeen !== false) seen.push(r);
      const handle = async () => {
        await o.beforeForward?.(r);
        const canned = o.answer?.(r);
        if (canned) {
          res.writeHead(canned.status, { 'content-type': 'application/json', ...canned.headers });
          return void res.end(JSON.stringify(canned.body));
        }
        if (fault === 'error-before') return serverError(res);
        if (fault === 'reset-before') return void req.socket.destroy();
        let answer: Awaited<ReturnType<typeof forward>>;
        try {
          answer = await forward(req, body);
        } catch {
          // The client may be gone already (a killed engine); the answer then goes nowhere.
          if (res.headersSent || res.destroyed) return;
          res.writeHead(502, { 'content-type': 'text/plain' });
          return void res.end('the server behind the proxy did not answer');
        }
        await o.beforeAnswer?.(r, { status: answer.status, body: answer.body.toString('utf8') });
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
      const go = () => {
        handle()
          .catch((err: unknown) => {
            // A hook that failed: the client sees a 500 and the test its error in the log.
            console.error('fault proxy hook failed:', err);
            if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
            res.end();
          })
          .finally(done);
      };
      let fault: Fault | null = null;
      const arrive = () => {
        // Decided on arrival, so a seeded schedule follows the order the client sent its requests in.
        fault = o.decide(r);
        if (fault) injected[fault] += 1;
        const wait = o.delay?.(r) ?? 0;
        if (wait > 0) {
          delayed += 1;
          setTimeout(go, wait);
        } else go();
      };
      if (o.hold)
        o.hold(r).then(arrive, (err: unknown) => {
          console.error('fault proxy hold failed:', err);
          arrive();
        });
      else arrive();
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    injected,
    seen,
    get delayed() {
      return delayed;
    },
    get inFlight() {
      return inFlight;
    },
    settled: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => whenSettled.push(resolve))),
    close: async () => {
      await listening.close();
      agent.destroy();
    },
  };
}
