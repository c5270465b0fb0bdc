/**
 * What a synced user holds on each side, read over the wire as a test would check it by hand: every
 * record of one object in canonical form, from the org's REST API (as an admin) and from the mailbox's
 * Graph API (as the user). Used to assert that both sides hold the same records, once each.
 */
import axios from 'axios';
import { LocalOrg } from '../../sync-engine/src/local-org';
import { LocalMailbox } from '../../sync-engine/src/local-mailbox';
import { SyncObject } from '../../sync-engine/src/sync/objects';
import { Canonical } from '../../sync-engine/src/sync/types';
import { FIELDS_OF, SOBJECT_OF, fromSalesforce } from '../../sync-engine/src/sync/mappers/salesforce-records';
import { fromOutlook } from '../../sync-engine/src/sync/mappers/outlook-records';
import { matchKeys } from '../../sync-engine/src/sync/canonical';
import { graphCaller, walk } from './mailbox';
import { sessionFor, userId } from './org';

export interface SideRecord {
  id: string;
  data: Canonical;
}

/** Every record of `object` owned by `username` in the org, as canonical content. */
export async function salesforceRecords(
  org: LocalOrg,
  object: SyncObject,
  username: string,
  admin = 'admin@test.example',
): Promise<SideRecord[]> {
  const http = axios.create({ baseURL: org.url, headers: { authorization: `Bearer ${sessionFor(org, admin)}` } });
  // A stock org has no Company__c: the company is the contact's Account, as the engine links it.
  const stock = !org.ctx.store.schema.find('Contact')!.fields.some((f) => f.name === 'Company__c');
  const fields = FIELDS_OF[object].map((f) => (stock && f === 'Company__c' ? 'Account.Name' : f));
  const soql = `SELECT Id, ${fields.join(', ')} FROM ${SOBJECT_OF[object]} WHERE OwnerId = '${userId(org, username)}' ORDER BY Id`;
  const out: SideRecord[] = [];
  let page = (await http.get('/services/data/v60.0/query', { params: { q: soql } })).data as {
    done: boolean;
    nextRecordsUrl?: string;
    records: Array<Record<string, unknown>>;
  };
  for (;;) {
    for (const r of page.records) {
      if (stock && object === 'contacts') r.Company__c = (r.Account as { Name: string } | null)?.Name ?? null;
      out.push({ id: String(r.Id), data: fromSalesforce(object, r) });
    }
    if (page.done) return out;
    page = (await http.get(page.nextRecordsUrl!)).data;
  }
}

/** Every contact of the default folder, event of the default calendar, or task of the default To Do list. */
export async function outlookRecords(mailbox: LocalMailbox, object: SyncObject, token: string): Promise<SideRecord[]> {
  const call = graphCaller(mailbox, token);
  const utc = { Prefer: 'outlook.timezone="UTC"' };
  let items: Array<Record<string, unknown>>;
  if (object === 'contacts') items = (await walk(call, '/me/contacts?$top=500')).items;
  else if (object === 'events') items = (await walk(call, '/me/events?$top=500', utc)).items;
  else {
    const lists = (await call('GET', '/me/todo/lists')).body.value as Array<{ id: string; wellknownListName: string }>;
    const list = lists.find((l) => l.wellknownListName === 'defaultList')!;
    items = (await walk(call, `/me/todo/lists/${encodeURIComponent(list.id)}/tasks?$top=500`)).items;
  }
  return items.map((i) => ({ id: String(i.id), data: fromOutlook(object, i) }));
}

/** The strongest match key of a record (email, subject + start, subject + due date). */
export function keyOf(object: SyncObject, data: Canonical): string {
  return matchKeys(object, data)[0];
}

/** Keys held by more than one record. */
export function duplicateKeys(object: SyncObject, records: SideRecord[]): string[] {
  const seen = new Map<string, number>();
  for (const r of records) {
    const k = keyOf(object, r.data);
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

/** Canonical content as a comparable string (keys sorted). */
export function contentOf(data: Canonical): string {
  const obj = data as unknown as Record<string, unknown>;
  return JSON.stringify(
    Object.keys(obj)
      .sort()
      .map((k) => [k, obj[k] ?? null]),
  );
}
