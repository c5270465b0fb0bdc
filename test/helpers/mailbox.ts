/** Start throwaway local mailboxes for tests, and call them over real HTTP on loopback. */
import { fetchJson } from './loopback';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startLocalMailbox, LocalMailbox, LocalMailboxOptions } from '../../sync-engine/src/local-mailbox';
import { MailboxSeed } from '../../sync-engine/src/local-mailbox/seed';
import { REPO_ROOT } from './shared';

export const MAILBOX_FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'mailbox-seed.json');
export const DEMO_MAILBOX_SEED = path.join(REPO_ROOT, 'demo', 'mailbox-seed.json');

/** The tokens of the fixture's mailboxes. */
export const ANN = { user: 'ann@test.example', token: 'test-token-ann' };
export const BOB = { user: 'bob@test.example', token: 'test-token-bob' };

/** The standard test seed (a fresh copy each call, so tests may change it). */
export function testMailboxSeed(): MailboxSeed {
  return JSON.parse(fs.readFileSync(MAILBOX_FIXTURE, 'utf8')) as MailboxSeed;
}

/** A seeded in-memory mailbox listening on a free loopback port. Close it in after(). */
export async function startTestMailbox(o: Partial<LocalMailboxOptions> = {}): Promise<LocalMailbox> {
  return startLocalMailbox({ seed: o.seedFile ? undefined : testMailboxSeed(), dataDir: ':memory:', port: 0, ...o });
}

export interface GraphAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export interface CallOptions {
  body?: unknown;
  /** A raw body sent as is (for bad-input tests). */
  raw?: string;
  headers?: Record<string, string>;
  token?: string | null;
}

/**
 * A Graph caller for one mailbox: `call('GET', '/me/contacts')` goes to `${url}/v1.0/me/contacts`; an absolute
 * url (a nextLink) is used as it is. Answers keep the raw text so bodies can be compared exactly.
 */
export function graphCaller(mb: LocalMailbox, token: string | null = ANN.token) {
  return async (method: string, pathOrUrl: string, o: CallOptions = {}): Promise<GraphAnswer> => {
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${mb.url}/v1.0${pathOrUrl}`;
    const bearer = o.token === undefined ? token : o.token;
    const headers: Record<string, string> = { ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) };
    if (o.body !== undefined) headers['Content-Type'] = 'application/json';
    Object.assign(headers, o.headers ?? {});
    return fetchJson(url, {
      method,
      headers,
      body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
    });
  };
}

export type GraphCaller = ReturnType<typeof graphCaller>;

/** Follow a delta or list round to its end: every page's value, and the final deltaLink. */
export async function walk(
  call: GraphCaller,
  first: string,
  headers: Record<string, string> = {},
): Promise<{ pages: any[][]; items: any[]; deltaLink?: string }> {
  const pages: any[][] = [];
  let url: string | undefined = first;
  let deltaLink: string | undefined;
  for (let guard = 0; url && guard < 200; guard++) {
    const res = await call('GET', url, { headers });
    if (res.status !== 200) throw new Error(`GET ${url} → ${res.status} ${res.text}`);
    pages.push(res.body.value);
    if (res.body['@odata.nextLink'] && res.body['@odata.deltaLink']) throw new Error('a page with both links');
    url = res.body['@odata.nextLink'];
    deltaLink = res.body['@odata.deltaLink'];
  }
  return { pages, items: pages.flat(), deltaLink };
}

/** Assert Graph's error body (WIRE.md 11): status, code, message, and innerError with the request's ids. */
export function assertGraphError(
  res: { status: number; headers: Headers; body: any },
  status: number,
  code: string,
  message?: string,
): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.deepEqual(Object.keys(res.body ?? {}), ['error']);
  assert.equal(res.body.error.code, code);
  if (message !== undefined) assert.equal(res.body.error.message, message);
  const inner = res.body.error.innerError;
  assert.match(String(inner.date), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  assert.equal(inner['request-id'], res.headers.get('request-id'));
  assert.equal(inner['client-request-id'], res.headers.get('client-request-id'));
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
}
