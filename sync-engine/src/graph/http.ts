/**
 * The transport under the mailbox client, ordered like Graph's own middleware chain: auth -> retry ->
 * transport. One axios instance per mailbox; `Authorization: Bearer` is added per request and only for
 * URLs on the mailbox's own origin, redirects are not followed, and on 401 the token is refreshed once
 * (shared by all callers) and the request replayed once (a 401 was not carried out).
 */
import crypto from 'node:crypto';
import https from 'node:https';
import axios, { AxiosInstance, AxiosResponse, Method } from 'axios';
import {
  GraphApiError,
  fromResponse,
  fromNetworkError,
  foreignLink,
  notGraph,
  parseJson,
  describeContent,
  withoutQuery,
} from './errors';
import { RetryOptions, DEFAULT_RETRY_OPTIONS } from '../failures/retry-plan';
import { installRetry, markIdempotent, noRetry, retriesMade, networkCodeOf } from './retry';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const API_VERSION = 'v1.0';

/** Where the client reports what it does. It is never given the token. */
export interface GraphLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  debug?(message: string, meta?: Record<string, unknown>): void;
}

export interface GraphHttpOptions {
  /** The mailbox: `https://graph.microsoft.com` or a local mailbox's `http://127.0.0.1:8701`. */
  baseUrl: string;
  token: string;
  /** Gets a new token after a 401; without it a 401 fails with kind 'authExpired'. */
  refreshToken?: () => Promise<string>;
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  logger?: GraphLogger;
  userAgent?: string;
  /** Extra certificate authorities to trust (PEM), e.g. a local mailbox's self-signed certificate. */
  ca?: string | Buffer;
}

export interface GraphRequest {
  method: Method;
  /** A path under `/v1.0` (`/me/contacts`) or an absolute link the mailbox returned (nextLink, deltaLink). */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Preferences joined into one `Prefer` header (`odata.maxpagesize=50`, `outlook.timezone="UTC"`). */
  prefer?: string[];
  /** `If-Match`: the item's `@odata.etag`, so a concurrent change fails with 412 instead of being overwritten. */
  ifMatch?: string;
  /** False: send exactly once. */
  retry?: boolean;
  /** Sending it twice does no harm, whatever its method (a `$batch` of reads): retried on a 5xx or a reset too. */
  idempotent?: boolean;
}

export interface GraphResponse<T> {
  status: number;
  data: T;
  headers: Record<string, unknown>;
}

export interface GraphStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  retries: number;
}

export class GraphHttp {
  /** `scheme://host[:port]` of the mailbox; links elsewhere are refused. */
  readonly origin: string;
  /** `{origin}{path prefix}/v1.0`. */
  readonly root: string;
  readonly stats: GraphStats = { requests: 0, retries: 0 };
  readonly retryOptions: RetryOptions;
  // An ES private field: util.inspect and JSON.stringify do not show it.
  #token: string;
  #refreshing: Promise<void> | null = null;
  readonly #refresher: (() => Promise<string>) | undefined;
  readonly #axios: AxiosInstance;
  readonly #logger: GraphLogger | undefined;
  readonly #timeoutMs: number;
  readonly #userAgent: string | undefined;

  constructor(o: GraphHttpOptions) {
    const base = new URL(o.baseUrl);
    if (base.protocol !== 'https:' && base.protocol !== 'http:')
      throw new TypeError(`mailbox URL must be http(s): ${base.origin}`);
    this.origin = base.origin;
    const prefix = base.pathname.replace(/\/+$/, '').replace(/\/v1\.0$/i, '');
    this.root = `${this.origin}${prefix}/${API_VERSION}`;
    this.#token = o.token;
    this.#refresher = o.refreshToken;
    this.#logger = o.logger;
    this.#timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#userAgent = o.userAgent;
    this.retryOptions = { ...DEFAULT_RETRY_OPTIONS, ...o.retry };
    this.#axios = axios.create({
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      transitional: { clarifyTimeoutError: true },
      ...(o.ca ? { httpsAgent: new https.Agent({ keepAlive: true, ca: o.ca }) } : {}),
    });
    this.#axios.interceptors.request.use((config) => {
      this.stats.requests++;
      return config;
    });
    installRetry(this.#axios, this.retryOptions, (n) => {
      this.stats.retries++;
      this.#logger?.warn(
        `Graph ${n.method} ${withoutQuery(n.url)}: ${n.reason}; retry ${n.retryNumber} of ${this.retryOptions.maxRetries} in ${n.delayMs} ms`,
        {
          method: n.method,
          url: withoutQuery(n.url),
          retry: n.retryNumber,
          delayMs: n.delayMs,
        },
      );
    });
  }

  /** Send a request; resolves with a 2xx answer, rejects with GraphApiError for anything else. */
  async request<T = unknown>(r: GraphRequest): Promise<GraphResponse<T>> {
    const token = this.#token;
    try {
      return await this.once<T>(r, token);
    } catch (err) {
      if (!(err instanceof GraphApiError) || err.kind !== 'authExpired' || !this.#refresher) throw err;
      await this.refreshToken(token);
      return this.once<T>(r, this.#token);
    }
  }

  /** Use this token from the next request on (a token source refreshed it before a run). */
  useToken(token: string): void {
    this.#token = token;
  }

  async get<T = unknown>(path: string, r: Partial<GraphRequest> = {}): Promise<T> {
    return (await this.request<T>({ ...r, method: 'GET', path })).data;
  }

  /**
   * Get a new token once for everyone: callers that saw `staleToken` rejected share one refresh; a
   * caller whose token was already replaced returns at once.
   */
  refreshToken(staleToken?: string): Promise<void> {
    if (staleToken !== undefined && staleToken !== this.#token && !this.#refreshing) return Promise.resolve();
    const refresher = this.#refresher;
    if (!refresher) {
      return Promise.reject(
        new GraphApiError({
          kind: 'authExpired',
          code: 'InvalidAuthenticationToken',
          statusCode: 401,
          message: 'the mailbox token was refused and cannot be refreshed',
        }),
      );
    }
    if (!this.#refreshing) {
      this.#refreshing = (async () => {
        try {
          this.#token = await refresher();
        } finally {
          this.#refreshing = null;
        }
      })();
    }
    return this.#refreshing;
  }

  /** The absolute URL for a path or a link; a link to another origin is refused. */
  resolve(path: string, query?: GraphRequest['query']): string {
    let url: URL;
    if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
      try {
        url = new URL(path);
      } catch {
        throw foreignLink(path, this.origin);
      }
      if (url.origin !== this.origin) throw foreignLink(path, this.origin);
    } else {
      url = new URL(`${this.root}/${path.replace(/^\/+/, '')}`);
    }
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  private async once<T>(r: GraphRequest, token: string): Promise<GraphResponse<T>> {
    const url = this.resolve(r.path, r.query);
    const method = r.method.toUpperCase();
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      // One id for all attempts of this call, so they can be told apart in the mailbox's logs.
      'client-request-id': crypto.randomUUID(),
    };
    if (this.#userAgent) headers['User-Agent'] = this.#userAgent;
    if (r.prefer?.length) headers.Prefer = r.prefer.join(', ');
    if (r.ifMatch) headers['If-Match'] = r.ifMatch;
    let data: string | undefined;
    if (r.body !== undefined) {
      data = JSON.stringify(r.body);
      headers['Content-Type'] = 'application/json';
    }
    this.#logger?.debug?.(`Graph ${method} ${withoutQuery(url)}`, { method, url: withoutQuery(url) });
    let res: AxiosResponse<string>;
    try {
      res = await this.#axios.request<string>({
        method,
        url,
        headers,
        data,
        timeout: this.#timeoutMs,
        ...(r.retry === false ? noRetry() : {}),
        ...(r.idempotent ? markIdempotent() : {}),
      });
    } catch (err) {
      if (!axios.isAxiosError(err)) throw err;
      if (err.response) {
        res = err.response as AxiosResponse<string>;
      } else {
        // Built from the code alone: the axios error holds the request headers, token included.
        throw fromNetworkError(networkCodeOf(err), { method, url, attempts: retriesMade(err.config) + 1 });
      }
    }
    const attempts = retriesMade(res.config) + 1;
    const ctx = { method, url, nowMs: this.retryOptions.now(), attempts, secret: token };
    if (res.status >= 300) throw fromResponse(res, ctx);
    if (res.status === 204 || res.data === undefined || res.data === '')
      return { status: res.status, data: undefined as T, headers: res.headers };
    const body = parseJson(res);
    if (body === undefined) throw notGraph({ method, url, status: res.status, what: describeContent(res.headers) });
    return { status: res.status, data: body as T, headers: res.headers };
  }
}

/** `encodeURIComponent` for an id in a path (Outlook ids carry `=`, `+`, `/`). */
export function seg(id: string): string {
  return encodeURIComponent(id);
}
