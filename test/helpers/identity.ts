/**
 * The local identity platform in tests: a seed with a tenant, a public-client app and passwords; a clock tests move;
 * an https client that trusts only the mailbox's self-signed certificate (for msal-node's `system.networkClient`,
 * since NODE_EXTRA_CA_CERTS cannot be set in-process); and a user filling the device-code page as a browser would.
 */
import https from 'node:https';
import http from 'node:http';
import { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { Clock } from '../../sync-engine/src/common/clock';
import { MailboxSeed } from '../../sync-engine/src/local-mailbox/seed';
import { testMailboxSeed } from './mailbox';

export const TENANT_ID = '0b7a2c4e-1d3f-4a5b-8c6d-9e0f1a2b3c4d';
export const CLIENT_ID = '3f6e1b2a-9c8d-4e7f-a1b2-c3d4e5f60718';
export const OTHER_CLIENT_ID = '7a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9';
export const ANN_PASSWORD = 'Ann-Local-Pass-1';
export const GRAPH_SCOPES = [
  'Contacts.ReadWrite',
  'Calendars.ReadWrite',
  'Tasks.ReadWrite',
  'User.Read',
  'offline_access',
];

/** The test fixture with the identity keys: ann has a password, bob has none. */
export function identitySeed(tokenLifetimeSeconds?: number): MailboxSeed {
  const seed = testMailboxSeed();
  seed.tenantId = TENANT_ID;
  seed.apps = [
    { name: 'Sync test app', clientId: CLIENT_ID, redirectUris: ['http://localhost'], publicClient: true },
    {
      name: 'Other app',
      clientId: OTHER_CLIENT_ID,
      redirectUris: ['https://app.example/callback'],
      publicClient: true,
    },
  ];
  if (tokenLifetimeSeconds !== undefined) seed.tokenLifetimeSeconds = tokenLifetimeSeconds;
  seed.mailboxes[0].password = ANN_PASSWORD;
  return seed;
}

/** The real time, moved forward by `advance` (the mailbox checks expiry by it; msal-node keeps its own clock). */
export class MovableClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request over http or https (trusting `ca` only); the answer as text. */
export function request(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; ca?: string } = {},
): Promise<RawAnswer> {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      { method: o.method ?? 'GET', headers: o.headers, ...(o.ca ? { ca: o.ca } : {}) },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

/** POST a form. */
export function postForm(
  url: string,
  fields: Record<string, string>,
  o: { ca?: string; headers?: Record<string, string> } = {},
): Promise<RawAnswer> {
  return request(url, {
    method: 'POST',
    ca: o.ca,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(o.headers ?? {}) },
    body: new URLSearchParams(fields).toString(),
  });
}

/** msal-node's network module over https trusting only the given certificate. */
export function trustingNetworkClient(ca: string): INetworkModule {
  const send = async (url: string, method: string, options?: NetworkRequestOptions): Promise<NetworkResponse<any>> => {
    const res = await request(url, { method, ca, headers: options?.headers, body: options?.body });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v;
    return { headers, body: JSON.parse(res.text), status: res.status };
  };
  return {
    sendGetRequestAsync: (url, options) => send(url, 'GET', options),
    sendPostRequestAsync: (url, options) => send(url, 'POST', options),
  };
}

/** The hidden form value and the cookie a sign-in or device page set. */
export function pageState(page: RawAnswer): { flow: string; cookie: string } {
  const flow = /name="flow" value="([^"]+)"/.exec(page.text)?.[1];
  const setCookie = page.headers['set-cookie']?.[0];
  if (!flow || !setCookie) throw new Error(`not a sign-in page: ${page.status} ${page.text.slice(0, 300)}`);
  return { flow, cookie: setCookie.split(';')[0] };
}

/** Do what a person does with a device code: open the page, type the code, the address and the password. */
export async function approveDeviceCode(
  verificationUri: string,
  userCode: string,
  login: string,
  password: string,
  ca?: string,
): Promise<RawAnswer> {
  const page = await request(verificationUri, { ca });
  const { flow, cookie } = pageState(page);
  return postForm(
    verificationUri,
    { flow, otc: userCode, login, passwd: password, action: 'signin' },
    { ca, headers: { cookie } },
  );
}

/** A Graph GET with a bearer token. */
export async function graphGet(
  baseUrl: string,
  path: string,
  token: string,
  ca?: string,
): Promise<{ status: number; body: any }> {
  const res = await request(`${baseUrl}/v1.0${path}`, { ca, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: res.text ? JSON.parse(res.text) : undefined };
}

/** The refresh token secrets in msal's serialized cache. */
export function refreshTokensIn(serializedCache: string): string[] {
  const cache = JSON.parse(serializedCache) as { RefreshToken?: Record<string, { secret: string }> };
  return Object.values(cache.RefreshToken ?? {}).map((t) => t.secret);
}

/** An access token for ann with these scopes from a mailbox's identity platform, through the device-code flow. */
export async function deviceCodeToken(mailboxUrl: string, scope: string): Promise<string> {
  const base = `${mailboxUrl}/${TENANT_ID}/oauth2/v2.0`;
  const d = JSON.parse((await postForm(`${base}/devicecode`, { client_id: CLIENT_ID, scope })).text);
  await approveDeviceCode(d.verification_uri, d.user_code, 'ann@test.example', ANN_PASSWORD);
  const answer = await postForm(`${base}/token`, {
    grant_type: 'device_code',
    client_id: CLIENT_ID,
    device_code: d.device_code,
  });
  const tokens = JSON.parse(answer.text) as { access_token?: string };
  if (!tokens.access_token) throw new Error(`no access token: ${answer.text}`);
  return tokens.access_token;
}
