/**
 * A session with an org's REST API: instance URL, access token, API version. On `401` the session is
 * refreshed once and the request replayed once; every caller that hits the expiry at the same time waits
 * on the same refresh. A failure that may pass (a 5xx, a reset, a timeout) is sent again as the shared planner
 * says (failures/retry-plan.ts): only requests that do no harm sent twice (GET, DELETE, and what the caller marks
 * idempotent), never a create.
 */
import { Method } from 'axios';
import { send, joinUrl, DEFAULT_TIMEOUT_MS, Transport } from './http';
import { DEFAULT_RETRY_OPTIONS, RetryOptions, planRetry } from '../failures/retry-plan';
import { SalesforceApiError, fromRestResponse, notSalesforce, describeContent, parseJsonBody } from './errors';
import { DEFAULT_API_VERSION } from './soap-login';

export interface SessionTokens {
  accessToken: string;
  instanceUrl?: string;
}

/** Gets a new access token (refresh-token grant, or a new login). */
export type Refresher = () => Promise<SessionTokens>;

export interface ConnectionOptions {
  instanceUrl: string;
  accessToken: string;
  apiVersion?: string;
  refresh?: Refresher;
  timeoutMs?: number;
  userAgent?: string;
  /** Sent as `Sforce-Call-Options: client=<value>` on every REST request. */
  client?: string;
  /** Default: the transport shared by callers that bring none. */
  transport?: Transport;
  retry?: Partial<RetryOptions>;
}

export interface RestRequest {
  method: Method;
  /** A path on the instance (`/services/data/v60.0/...`) or an absolute URL. */
  path: string;
  params?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Sending it twice does no harm, whatever its method: a collections update (the same values again) or an upsert
   * by external id (finds what the first one made). Default: by method (GET and DELETE are; POST and PATCH are not).
   */
  idempotent?: boolean;
}

export interface RestResponse<T> {
  status: number;
  data: T;
  headers: Record<string, unknown>;
}

export class Connection {
  instanceUrl: string;
  accessToken: string;
  readonly apiVersion: string;
  /** From the last `Sforce-Limit-Info` header. */
  limitInfo: { used: number; limit: number } | null = null;
  /** The org's clock at its last answer (its `Date` header, whole seconds), in ms; null before one or without it. */
  serverTime: number | null = null;
  /** The retry policy; its sleep is the engine's to replace (tests never wait). */
  readonly retryOptions: RetryOptions;
  /** Requests sent again after a failure that may pass. */
  retries = 0;
  private readonly refresher: Refresher | undefined;
  private refreshing: Promise<void> | null = null;
  private readonly transport: Transport;

  constructor(private readonly o: ConnectionOptions) {
    this.instanceUrl = o.instanceUrl.replace(/\/+$/, '');
    this.accessToken = o.accessToken;
    this.apiVersion = o.apiVersion ?? DEFAULT_API_VERSION;
    this.refresher = o.refresh;
    this.transport = o.transport ?? send;
    this.retryOptions = { ...DEFAULT_RETRY_OPTIONS, ...o.retry };
  }

  /** `/services/data/v{version}{path}`. */
  dataPath(path: string): string {
    return `/services/data/v${this.apiVersion}${path}`;
  }

  /** Send a REST request; rejects with SalesforceApiError for any Salesforce error or network failure. */
  async request<T = unknown>(r: RestRequest): Promise<RestResponse<T>> {
    const token = this.accessToken;
    try {
      return await this.withRetries<T>(r, token);
    } catch (err) {
      if (!(err instanceof SalesforceApiError) || err.kind !== 'authExpired' || !this.refresher) throw err;
      await this.refreshSession(token);
      return this.withRetries<T>(r, this.accessToken);
    }
  }

  get<T = unknown>(path: string, params?: Record<string, string>): Promise<T> {
    return this.request<T>({ method: 'GET', path, params }).then((r) => r.data);
  }

  /**
   * Refresh the session once for everyone: callers that saw `staleToken` expire share one refresh; a
   * caller whose token was already replaced returns at once.
   */
  refreshSession(staleToken?: string): Promise<void> {
    if (staleToken !== undefined && staleToken !== this.accessToken && !this.refreshing) return Promise.resolve();
    if (!this.refresher) {
      return Promise.reject(
        new SalesforceApiError({
          errorCode: 'INVALID_SESSION_ID',
          kind: 'authExpired',
          status: 401,
          message: 'Session expired or invalid',
        }),
      );
    }
    if (!this.refreshing) {
      const refresher = this.refresher;
      this.refreshing = (async () => {
        try {
          const t = await refresher();
          this.accessToken = t.accessToken;
          if (t.instanceUrl) this.instanceUrl = t.instanceUrl.replace(/\/+$/, '');
        } catch (err) {
          // A refused refresh means the session is over; a network failure stays a network failure.
          if (err instanceof SalesforceApiError && err.kind !== 'network') {
            throw new SalesforceApiError({
              errorCode: err.errorCode,
              message: err.message,
              kind: 'authExpired',
              status: err.status,
              url: err.url,
            });
          }
          throw err;
        } finally {
          this.refreshing = null;
        }
      })();
    }
    return this.refreshing;
  }

  /** Send, and again while the planner says a failure may pass and the budget lasts. */
  private async withRetries<T>(r: RestRequest, token: string): Promise<RestResponse<T>> {
    for (let retryNumber = 1; ; retryNumber++) {
      try {
        return await this.once<T>(r, token);
      } catch (err) {
        if (!(err instanceof SalesforceApiError) || retryNumber > this.retryOptions.maxRetries) throw err;
        const plan = planRetry(
          {
            method: r.method,
            idempotent: r.idempotent,
            status: err.status,
            networkCode: err.status === null ? err.errorCode : undefined,
            retryAfterMs: err.retryAfterMs,
            replayable: true,
            retryNumber,
          },
          this.retryOptions,
        );
        if (!plan.retry) throw err;
        this.retries += 1;
        await this.retryOptions.sleep(plan.delayMs);
      }
    }
  }

  private async once<T>(r: RestRequest, token: string): Promise<RestResponse<T>> {
    const url = new URL(joinUrl(this.instanceUrl, r.path));
    for (const [k, v] of Object.entries(r.params ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      ...r.headers,
    };
    if (this.o.userAgent) headers['User-Agent'] = this.o.userAgent;
    if (this.o.client) headers['Sforce-Call-Options'] = `client=${this.o.client}`;
    let data: string | undefined;
    if (r.body !== undefined) {
      data = JSON.stringify(r.body);
      headers['Content-Type'] = 'application/json';
    }
    const target = url.toString();
    const res = await this.transport({
      method: r.method,
      url: target,
      headers,
      data,
      timeoutMs: this.o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    const limit = /api-usage=(\d+)\/(\d+)/.exec(String(res.headers['sforce-limit-info'] ?? ''));
    if (limit) this.limitInfo = { used: Number(limit[1]), limit: Number(limit[2]) };
    const date = Date.parse(String(res.headers.date ?? ''));
    if (!Number.isNaN(date)) this.serverTime = date;
    if (res.status >= 400) throw fromRestResponse(res, target, this.retryOptions.now());
    if (res.status === 300) {
      throw new SalesforceApiError({
        errorCode: 'MULTIPLE_CHOICES',
        kind: 'validation',
        status: 300,
        url: target,
        message: 'Multiple records found',
      });
    }
    if (res.status === 204 || res.data === '' || res.data === undefined)
      return { status: res.status, data: undefined as T, headers: res.headers };
    const body = parseJsonBody(res);
    if (body === undefined) throw notSalesforce(target, res.status, describeContent(res));
    return { status: res.status, data: body as T, headers: res.headers };
  }
}
