/**
 * The transport under the org client: one axios instance that never throws on an HTTP status (the caller
 * maps Salesforce's answers) and never follows redirects (login flows read the Location themselves).
 * Anything that fails before an answer arrives becomes a SalesforceApiError of kind 'network'.
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

const transport = axios.create({
  validateStatus: () => true,
  maxRedirects: 0,
  responseType: 'text',
  // Keep the body as text: JSON, XML and HTML are each parsed by the code that expects them.
  transformResponse: [(data: unknown) => data],
});

/** Send one request; resolves with any HTTP answer, rejects only with a 'network' SalesforceApiError. */
export async function send(req: HttpRequest): Promise<HttpResponse> {
  try {
    return await transport.request<string>({
      method: req.method,
      url: req.url,
      headers: req.headers,
      data: req.data,
      timeout: req.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  } catch (err) {
    throw networkError(err, req.url);
  }
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
