/**
 * The transport under the org client: an axios instance that never throws on an HTTP status (the caller
 * maps Salesforce's answers) and never follows redirects (login flows read the Location themselves).
 * Anything that fails before an answer arrives becomes a SalesforceApiError of kind 'network'.
 * A Connection takes a transport (a test, or a second org, brings its own); callers that bring none share one.
 */
import axios, { AxiosResponse, Method } from 'axios';
import { networkError } from './errors';

export const DEFAULT_TIMEOUT_MS = 15_000;

export interface HttpRequest {
  method: Method;
  url: string;
  headers?: Record<string, string>;
  /** A string body is sent as is; an object is sent as JSON. */
  data?: unknown;
  timeoutMs?: number;
}

export type HttpResponse = AxiosResponse<string>;

/** Sends one request; resolves with any HTTP answer, rejects only with a 'network' SalesforceApiError. */
export type Transport = (req: HttpRequest) => Promise<HttpResponse>;

/** A transport on its own axios instance. */
export function createTransport(): Transport {
  const instance = axios.create({
    validateStatus: () => true,
    maxRedirects: 0,
    responseType: 'text',
    // Keep the body as text: JSON, XML and HTML are each parsed by the code that expects them.
    transformResponse: [(data: unknown) => data],
  });
  return async (req) => {
    try {
      return await instance.request<string>({
        method: req.method,
        url: req.url,
        headers: req.headers,
        data: req.data,
        timeout: req.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
    } catch (err) {
      throw networkError(err, req.url);
    }
  };
}

let shared: Transport | null = null;

/** Send one request on the transport shared by callers that bring none. */
export function send(req: HttpRequest): Promise<HttpResponse> {
  shared ??= createTransport();
  return shared(req);
}

/** `application/x-www-form-urlencoded` body from a record (undefined values are left out). */
export function formBody(fields: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) params.append(k, v);
  return params.toString();
}

/** Join a base URL (no trailing slash needed) and a path. */
export function joinUrl(base: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
