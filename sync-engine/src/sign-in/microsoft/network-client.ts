/**
 * msal-node's HTTP client for the identity platform, on Node's https module instead of its default `fetch`: so a
 * local authority's self-signed certificate can be trusted for this client only (`ca`, as the Graph client takes
 * it), and an answer is read up to a limit before it is parsed (an identity platform's answers are a few KB).
 */
import http from 'node:http';
import https from 'node:https';
import { AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';

/** No token, discovery or device-code answer comes near this. */
export const MAX_ANSWER_BYTES = 1024 * 1024;
const TIMEOUT_MS = 30_000;

export interface NetworkClientOptions {
  /** Extra certificate authorities to trust (PEM): a local authority's self-signed certificate. */
  ca?: string | Buffer;
  timeoutMs?: number;
}

export class IdentityNetworkClient implements INetworkModule {
  private readonly agent: https.Agent;
  private readonly timeoutMs: number;

  constructor(o: NetworkClientOptions = {}) {
    this.agent = new https.Agent({ keepAlive: false, ...(o.ca ? { ca: o.ca } : {}) });
    this.timeoutMs = o.timeoutMs ?? TIMEOUT_MS;
  }

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private send<T>(
    method: 'GET' | 'POST',
    url: string,
    options: NetworkRequestOptions = {},
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const u = new URL(url);
    const body = method === 'POST' ? Buffer.from(options.body ?? '', 'utf8') : null;
    const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
    if (body) headers['Content-Length'] = body.length;
    const lib = u.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        u,
        {
          method,
          headers,
          timeout: timeout ?? this.timeoutMs,
          ...(u.protocol === 'https:' ? { agent: this.agent } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) {
              req.destroy();
              reject(networkError(`the answer from ${u.origin} is larger than ${MAX_ANSWER_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            if (size > MAX_ANSWER_BYTES) return;
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text === '' ? {} : JSON.parse(text);
            } catch {
              reject(
                new AuthError(
                  'token_parsing_error',
                  '',
                  `the identity platform at ${u.origin} answered HTTP ${res.statusCode} that is not JSON`,
                ),
              );
              return;
            }
            const h: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = String(v);
            resolve({ headers: h, body: parsed as T, status: res.statusCode ?? 0 });
          });
          res.on('error', (err) => reject(networkError(err.message)));
        },
      );
      req.on('timeout', () => req.destroy(new Error('the request timed out')));
      req.on('error', (err: NodeJS.ErrnoException) => reject(networkError(err.code ?? err.message)));
      if (body) req.write(body);
      req.end();
    });
  }
}

/** msal's own code for a request that got no usable answer, so its callers treat it as one. */
function networkError(reason: string): AuthError {
  return new AuthError('network_error', '', `Network request failed: ${reason}`);
}
