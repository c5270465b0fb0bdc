/**
 * The one-shot HTTP server on 127.0.0.1 that a browser sign-in ends at: the org redirects the browser to
 * `http://localhost:<port>/OauthRedirect?code=...&state=...` (as the Salesforce CLI's web login does). Only the
 * state this sign-in sent is taken; anything else is refused with a page and the wait goes on, so a stale tab
 * or another page cannot end or hijack it. The browser's request is held until the caller has a result to show.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';

export const CALLBACK_PATH = '/OauthRedirect';
export const DEFAULT_CALLBACK_PORT = 1717;
const HOST = '127.0.0.1';

/** The page the browser shows at the end. */
export interface CallbackPage {
  status: number;
  title: string;
  text: string;
}

/** How waiting for the browser ended. */
export type CallbackResult =
  | { kind: 'code'; code: string; reply: (page: CallbackPage) => Promise<void> }
  | { kind: 'error'; error: string; description: string | null; reply: (page: CallbackPage) => Promise<void> }
  | { kind: 'timeout' }
  | { kind: 'aborted' };

/**
 * - PORT_IN_USE: another program (or sign-in) listens on the port
 * - PORT_DENIED: the system does not let this user listen on it
 */
export class CallbackServerError extends Error {
  constructor(
    readonly code: 'PORT_IN_USE' | 'PORT_DENIED' | 'LISTEN_FAILED',
    readonly port: number,
    message: string,
  ) {
    super(message);
    this.name = 'CallbackServerError';
  }
}

export class CallbackServer {
  private waiting: ((r: CallbackResult) => void) | null = null;
  /** The accepted callback, kept when it came before anyone waited (a quick browser). */
  private received: CallbackResult | null = null;
  private taken = false;

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
    private readonly state: string,
    private readonly onRefused: (why: string) => void,
  ) {
    server.on('request', (req, res) => this.handle(req, res));
  }

  /** Listen on 127.0.0.1:port for the redirect carrying `state`; `onRefused` hears about requests turned away. */
  static start(o: { port: number; state: string; onRefused?: (why: string) => void }): Promise<CallbackServer> {
    const server = http.createServer();
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE')
          reject(
            new CallbackServerError(
              'PORT_IN_USE',
              o.port,
              `port ${o.port} on ${HOST} is in use (another sign-in still waiting?)`,
            ),
          );
        else if (err.code === 'EACCES')
          reject(new CallbackServerError('PORT_DENIED', o.port, `this user may not listen on port ${o.port}`));
        else
          reject(
            new CallbackServerError(
              'LISTEN_FAILED',
              o.port,
              `cannot listen on ${HOST}:${o.port}: ${err.code ?? err.message}`,
            ),
          );
      });
      server.listen(o.port, HOST, () =>
        resolve(
          new CallbackServer(server, (server.address() as AddressInfo).port, o.state, o.onRefused ?? (() => undefined)),
        ),
      );
    });
  }

  /** The redirect URI the connected app must list (`localhost`, as real orgs' apps are set up for the CLI). */
  get redirectUri(): string {
    return `http://localhost:${this.port}${CALLBACK_PATH}`;
  }

  /** Wait for the org's redirect with this sign-in's state, at most `timeoutMs`, or until `signal` aborts. */
  wait(o: { timeoutMs: number; signal?: AbortSignal }): Promise<CallbackResult> {
    return new Promise((resolve) => {
      if (this.received) return resolve(this.received);
      if (o.signal?.aborted) return resolve({ kind: 'aborted' });
      const timer = setTimeout(() => finish({ kind: 'timeout' }), o.timeoutMs);
      const onAbort = () => finish({ kind: 'aborted' });
      const finish = (r: CallbackResult) => {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
        this.waiting = null;
        resolve(r);
      };
      o.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting = finish;
    });
  }

  /** Stop listening and drop any connection still open (a browser's keep-alive must not keep the process up). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', `http://localhost:${this.port}`);
    if (url.pathname !== CALLBACK_PATH)
      return void send(res, {
        status: 404,
        title: 'Not found',
        text: 'Nothing here: this server only receives the Salesforce sign-in.',
      });
    if (req.method !== 'GET')
      return void send(res, { status: 405, title: 'Method not allowed', text: 'The sign-in comes back with GET.' });
    if (this.taken) {
      return void send(res, {
        status: 410,
        title: 'Sign-in finished',
        text: 'This sign-in is already finished. Run sfo-compat sync --sign-in again to sign in again.',
      });
    }
    if (url.searchParams.get('state') !== this.state) {
      this.onRefused(
        url.searchParams.has('state')
          ? 'a callback with another state than this sign-in sent'
          : 'a callback without a state',
      );
      return void send(res, {
        status: 400,
        title: 'Not this sign-in',
        text: 'This answer does not belong to the sign-in sfo-compat is waiting for (its state does not match), so it was ignored. Use the link the command printed.',
      });
    }
    this.taken = true;
    const reply = (page: CallbackPage) =>
      new Promise<void>((resolve) => {
        if (res.writableEnded || res.destroyed) return resolve();
        res.once('finish', () => resolve());
        res.once('close', () => resolve());
        send(res, page);
      });
    const error = url.searchParams.get('error');
    const code = url.searchParams.get('code');
    const result: CallbackResult = error
      ? { kind: 'error', error, description: url.searchParams.get('error_description'), reply }
      : code
        ? { kind: 'code', code, reply }
        : {
            kind: 'error',
            error: 'invalid_request',
            description: 'the callback carried neither a code nor an error',
            reply,
          };
    if (this.waiting) this.waiting(result);
    else this.received = result;
  }
}

function send(res: http.ServerResponse, page: CallbackPage): void {
  const body =
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title></head>` +
    `<body><h1>${escapeHtml(page.title)}</h1>${page.text
      .split('\n')
      .map((line) => `<p>${escapeHtml(line)}</p>`)
      .join('')}</body></html>\n`;
  res.writeHead(page.status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The address held the authorization code: do not pass it on to anything this page loads or links to.
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'",
    'x-content-type-options': 'nosniff',
    connection: 'close',
  });
  res.end(body);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
