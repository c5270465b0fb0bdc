/**
 * The synced user at work on each side, straight at the servers (never through the fault proxies): Salesforce's
 * REST data API signed in with the OAuth password flow, and Graph with the mailbox's bearer token. The harness
 * makes its edits and the oracle reads both sides through these.
 */
import { ChaosObject, SOBJECT, SF_FIELDS, readOutlook, readSalesforce } from './chaos-records';

const API = '/services/data/v60.0';

/** One record as a side holds it: its id there, and the harness's key and value read from it. */
export interface SideRecord {
  id: string;
  key: string | null;
  value: string | null;
}

export class SideCallError extends Error {
  constructor(
    readonly side: 'salesforce' | 'outlook',
    readonly status: number,
    readonly what: string,
    body: string,
  ) {
    super(`${side}: ${what}: HTTP ${status} ${body.slice(0, 300)}`);
    this.name = 'SideCallError';
  }
}

async function call(
  side: 'salesforce' | 'outlook',
  url: string,
  init: RequestInit,
  what: string,
): Promise<{ status: number; body: any }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (res.status >= 400) throw new SideCallError(side, res.status, what, text);
  return { status: res.status, body };
}

export interface SalesforceLogin {
  url: string;
  clientId: string;
  username: string;
  password: string;
}

/** The user in Salesforce: REST calls as them, on their own records. */
export class SalesforceUser {
  private token: string | null = null;
  private userId: string | null = null;

  constructor(private readonly login: SalesforceLogin) {}

  /** The user's Salesforce id (signs in when needed). */
  async id(): Promise<string> {
    if (!this.userId) await this.signIn();
    return this.userId!;
  }

  private async signIn(): Promise<void> {
    const form = new URLSearchParams({
      grant_type: 'password',
      client_id: this.login.clientId,
      username: this.login.username,
      password: this.login.password,
    });
    const { body } = await call(
      'salesforce',
      `${this.login.url}/services/oauth2/token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      },
      'sign-in',
    );
    this.token = String(body.access_token);
    this.userId = String(body.id).split('/').pop()!;
  }

  /** One REST call; signs in again once when the session is no longer known (401). */
  private async rest(method: string, pathAndQuery: string, data?: unknown): Promise<any> {
    if (!this.token) await this.signIn();
    const send = () =>
      call(
        'salesforce',
        `${this.login.url}${pathAndQuery}`,
        {
          method,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(data === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: data === undefined ? undefined : JSON.stringify(data),
        },
        `${method} ${pathAndQuery.replace(/\?.*$/, '')}`,
      );
    try {
      return (await send()).body;
    } catch (err) {
      if (!(err instanceof SideCallError) || err.status !== 401) throw err;
      await this.signIn();
      return (await send()).body;
    }
  }

  /** Every record of the object the user owns (not deleted), paged to the end. */
  async list(object: ChaosObject): Promise<SideRecord[]> {
    const f = SF_FIELDS[object];
    const soql = `SELECT Id, ${f.key}, ${f.value} FROM ${SOBJECT[object]} WHERE OwnerId = '${await this.id()}' ORDER BY Id`;
    const out: SideRecord[] = [];
    let page = await this.rest('GET', `${API}/query?q=${encodeURIComponent(soql)}`);
    for (;;) {
      for (const r of page.records as Array<Record<string, unknown>>)
        out.push({ id: String(r.Id), ...readSalesforce(object, r) });
      if (page.done) return out;
      page = await this.rest('GET', page.nextRecordsUrl);
    }
  }

  async create(object: ChaosObject, fields: Record<string, unknown>): Promise<string> {
    return String((await this.rest('POST', `${API}/sobjects/${SOBJECT[object]}`, fields)).id);
  }

  async update(object: ChaosObject, id: string, fields: Record<string, unknown>): Promise<void> {
    await this.rest('PATCH', `${API}/sobjects/${SOBJECT[object]}/${id}`, fields);
  }

  async remove(object: ChaosObject, id: string): Promise<void> {
    await this.rest('DELETE', `${API}/sobjects/${SOBJECT[object]}/${id}`);
  }
}

/** The user in Outlook: Graph calls on the default contacts folder, calendar and To Do list. */
export class OutlookUser {
  private listId: string | null = null;

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  private async graph(method: string, pathOrUrl: string, data?: unknown): Promise<any> {
    const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${this.url}/v1.0${pathOrUrl}`;
    return (
      await call(
        'outlook',
        url,
        {
          method,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(data === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: data === undefined ? undefined : JSON.stringify(data),
        },
        `${method} ${pathOrUrl.replace(/\?.*$/, '')}`,
      )
    ).body;
  }

  private async collection(object: ChaosObject): Promise<string> {
    if (object === 'contacts') return '/me/contacts';
    if (object === 'events') return '/me/events';
    if (!this.listId) {
      const lists = (await this.graph('GET', '/me/todo/lists')).value as Array<{
        id: string;
        wellknownListName?: string;
      }>;
      const list = lists.find((l) => l.wellknownListName === 'defaultList');
      if (!list) throw new Error('outlook: the mailbox has no default To Do list');
      this.listId = list.id;
    }
    return `/me/todo/lists/${encodeURIComponent(this.listId)}/tasks`;
  }

  /** Every item of the default folder, calendar or task list, paged to the end. */
  async list(object: ChaosObject): Promise<SideRecord[]> {
    const out: SideRecord[] = [];
    let next: string | undefined = `${await this.collection(object)}?$top=500`;
    while (next) {
      const page: { value: Array<Record<string, unknown>>; '@odata.nextLink'?: string } = await this.graph('GET', next);
      for (const item of page.value) out.push({ id: String(item.id), ...readOutlook(object, item) });
      next = page['@odata.nextLink'];
    }
    return out;
  }

  async create(object: ChaosObject, properties: Record<string, unknown>): Promise<string> {
    return String((await this.graph('POST', await this.collection(object), properties)).id);
  }

  async update(object: ChaosObject, id: string, properties: Record<string, unknown>): Promise<void> {
    await this.graph('PATCH', `${await this.collection(object)}/${encodeURIComponent(id)}`, properties);
  }

  async remove(object: ChaosObject, id: string): Promise<void> {
    await this.graph('DELETE', `${await this.collection(object)}/${encodeURIComponent(id)}`);
  }
}
