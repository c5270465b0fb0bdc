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
 * A Graph `$batch` carries many requests in one: `decideInBatch` fails each of them on its own, as Graph answers a
 * request inside a batch (`error-before`: the proxy takes it out of the batch and answers it 5xx; `error-after`: the
 * server carried it out, its answer becomes a 5xx); `subrequestsOf` shows a batch's requests to a test's matchers.
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
  /** For each request inside a Graph `$batch` the proxy forwards: the fault for it alone, or null. */
  decideInBatch?: (req: SeenRequest) => BatchFault | null;
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

/**
 * A fault of one request inside a `$batch`: `error-before`/`error-after` as above; `refuse`: the proxy answers it
 * Graph's 400 for a bad record (`ErrorInvalidProperty`) and the server never sees it; `deny`: Graph's 403
 * `ErrorAccessDenied` (the mailbox refusing the app), which stops a run, and the server never sees it either.
 */
export type BatchFault = 'error-before' | 'error-after' | 'refuse' | 'deny';

const BATCH_URL = /\/v1\.0\/(?:\$|%24)batch(?:\?|$)/i;

/** The requests a Graph `$batch` carries (method, `/v1.0` url, body as JSON), or the request itself. */
export function subrequestsOf(req: SeenRequest): SeenRequest[] {
  if (req.method !== 'POST' || !BATCH_URL.test(req.url)) return [req];
  try {
    const list = (JSON.parse(req.body) as { requests?: Array<Record<string, unknown>> }).requests ?? [];
    return list.map((r) => ({
      method: String(r.method).toUpperCase(),
      url: `/v1.0${String(r.url).replace(/^\/?(v1\.0)?/i, '/')}`.replace(/^\/v1\.0\/\//, '/v1.0/'),
      body: r.body === undefined ? '' : JSON.stringify(r.body),
    }));
  } catch {
    return [req];
  }
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
    headers: http.IncomingHttpHeaders = req.headers,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
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

  /** Each request of a batch and its own fault; null when the body is not a batch the proxy can read. */
  const batchFaults = (
    r: SeenRequest,
  ): { requests: Array<Record<string, unknown>>; faults: Array<string | null> } | null => {
    let requests: Array<Record<string, unknown>>;
    try {
      requests = (JSON.parse(r.body) as { requests: Array<Record<string, unknown>> }).requests;
      if (!Array.isArray(requests)) return null;
    } catch {
      return null;
    }
    const subs = subrequestsOf(r);
    const faults = subs.map((sub) => {
      const f = o.decideInBatch!(sub);
      if (f === 'error-before' || f === 'error-after') injected[f] += 1;
      return f;
    });
    return { requests, faults };
  };
  const refusedAnswer = (id: unknown) => ({
    id,
    status: 400,
    headers: { 'Content-Type': 'application/json' },
    body: { error: { code: 'ErrorInvalidProperty', message: 'injected by the fault proxy: a bad record' } },
  });
  const deniedAnswer = (id: unknown) => ({
    id,
    status: 403,
    headers: { 'Content-Type': 'application/json' },
    body: { error: { code: 'ErrorAccessDenied', message: 'injected by the fault proxy: access is denied' } },
  });
  const failedAnswer = (id: unknown) => ({
    id,
    status: [500, 502, 504][answers++ % 3],
    headers: { 'Content-Type': 'application/json' },
    body: { error: { code: 'InternalServerError', message: 'injected by the fault proxy' } },
  });
  /** Forward a batch without its `error-before` requests; its `error-after` requests' answers become 5xx. */
  const forwardBatch = async (
    req: http.IncomingMessage,
    b: { requests: Array<Record<string, unknown>>; faults: Array<string | null> },
  ): Promise<Awaited<ReturnType<typeof forward>>> => {
    const sent = b.requests.filter((_, i) => b.faults[i] === null || b.faults[i] === 'error-after');
    let answered: Array<Record<string, unknown>> = [];
    let upstream: Awaited<ReturnType<typeof forward>> | null = null;
    if (sent.length) {
      const payload = Buffer.from(JSON.stringify({ requests: sent }));
      upstream = await forward(req, payload, { ...req.headers, 'content-length': String(payload.length) });
      if (upstream.status !== 200) return upstream;
      answered = (JSON.parse(upstream.body.toString('utf8')) as { responses: Array<Record<string, unknown>> })
        .responses;
    }
    const byId = new Map(answered.map((a) => [String(a.id), a]));
    const responses = b.requests.map((r, i) =>
      b.faults[i] === null
        ? byId.get(String(r.id))
        : b.faults[i] === 'refuse'
          ? refusedAnswer(r.id)
          : b.faults[i] === 'deny'
            ? deniedAnswer(r.id)
            : failedAnswer(r.id),
    );
    const out = Buffer.from(JSON.stringify({ responses }));
    return {
      status: 200,
      headers: {
        ...(upstream?.headers ?? { 'content-type': 'application/json' }),
        'content-length': String(out.length),
      },
      body: out,
    };
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
        const inBatch = o.decideInBatch && BATCH_URL.test(r.url) && r.method === 'POST' ? batchFaults(r) : null;
        let answer: Awaited<ReturnType<typeof forward>>;
        try {
          answer = inBatch ? await forwardBatch(req, inBatch) : await forward(req, body);
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
