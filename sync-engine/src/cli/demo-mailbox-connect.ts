/**
 * How `sfo-compat demo` connects ann's mailbox with no browser and no one at the keyboard: the same Microsoft sign-in
 * as the pane's "Connect your Outlook mailbox" (msal-node's interactive sign-in with PKCE, run by the service, its
 * answer to msal's loopback), with the demo in the browser's place: it opens the local identity platform's sign-in
 * page over https, fills it with the demo password, and posts the form_post answer on to the loopback. Only for the
 * local mailbox's own page, whose markup is ours (local-mailbox/identity/pages.ts); a real Microsoft page is a person's.
 */
import http from 'node:http';
import https from 'node:https';
import { SyncService } from '../service/service';

/** Pages and answers are small; anything larger is not the page this expects. */
const MAX_PAGE_BYTES = 256 * 1024;
const REQUEST_TIMEOUT_MS = 15_000;
/** How long the service may take to finish the sign-in once msal's loopback has the answer. */
const FINISH_TIMEOUT_MS = 30_000;

export interface DemoMailboxUser {
  login: string;
  password: string;
  /** The local mailbox's self-signed certificate (PEM): its page is trusted by this, and nothing else. */
  ca: string;
}

/** A step of the demo's sign-in that did not go as the page should have made it go. */
export class DemoConnectError extends Error {
  constructor(step: string, detail: string) {
    super(`${step}: ${detail}`);
    this.name = 'DemoConnectError';
  }
}

interface Answer {
  status: number;
  cookie: string | null;
  text: string;
}

function send(url: string, o: { ca?: string; form?: Record<string, string>; cookie?: string | null }): Promise<Answer> {
  const body = o.form ? new URLSearchParams(o.form).toString() : undefined;
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  if (o.cookie) headers.cookie = o.cookie;
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        timeout: REQUEST_TIMEOUT_MS,
        ...(url.startsWith('https:') ? { ca: o.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_PAGE_BYTES) req.destroy(new Error(`the answer is larger than ${MAX_PAGE_BYTES} bytes`));
          else chunks.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            cookie: res.headers['set-cookie']?.[0]?.split(';')[0] ?? null,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

const unescapeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The page's one form: where it posts, and its hidden fields. */
function formOf(page: Answer, step: string, base: string): { action: string; fields: Record<string, string> } {
  const action = /<form method="post" action="([^"]+)"/.exec(page.text)?.[1];
  if (page.status !== 200 || !action)
    throw new DemoConnectError(step, `HTTP ${page.status}, not the page expected (${page.text.slice(0, 200)})`);
  const fields: Record<string, string> = {};
  for (const m of page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[unescapeHtml(m[1])] = unescapeHtml(m[2]);
  return { action: new URL(unescapeHtml(action), base).toString(), fields };
}

/**
 * Connect the signed-in account's mailbox through the service as `user`; resolves with whose mailbox is connected.
 * Throws `DemoConnectError` (or the service's error) saying which step failed.
 */
export async function connectDemoMailbox(service: SyncService, user: DemoMailboxUser): Promise<string> {
  const { authorizeUrl } = await service.connectMailbox();
  const page = await send(authorizeUrl, { ca: user.ca });
  const signIn = formOf(page, 'the sign-in page', authorizeUrl);
  const answer = await send(signIn.action, {
    ca: user.ca,
    cookie: page.cookie,
    form: { ...signIn.fields, login: user.login, passwd: user.password, action: 'signin' },
  });
  const formPost = formOf(answer, 'the answer to the sign-in', signIn.action);
  // msal's loopback, in the service on this machine: the only place the form_post may go.
  const loopback = new URL(formPost.action);
  if (loopback.protocol !== 'http:' || loopback.hostname !== 'localhost')
    throw new DemoConnectError('the answer to the sign-in', `it goes to ${loopback.origin}, not msal's loopback`);
  const back = await send(formPost.action, { form: formPost.fields });
  if (back.status !== 200) throw new DemoConnectError("msal's loopback", `HTTP ${back.status}`);
  for (let waited = 0; waited < FINISH_TIMEOUT_MS; waited += 100) {
    const m = service.status().mailbox;
    if (m && !m.connecting) {
      if (m.connectedAs) return m.connectedAs;
      throw new DemoConnectError('the service', m.connectError ?? 'the sign-in ended without a mailbox');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new DemoConnectError('the service', `not finished within ${FINISH_TIMEOUT_MS / 1000} s`);
}
