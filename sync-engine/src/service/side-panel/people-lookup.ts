/**
 * Who in an item is in Salesforce: one SOSL search for every address (Contacts and Leads the user can see), then one
 * Composite call whose subrequests query the open Opportunities and Cases and the last activities around them. Two
 * requests per item, whatever its number of people; one when nobody matched.
 */
import { Connection } from '../../salesforce/connection';
import { composite, SubResult, Subrequest, subrequestApiError } from '../../salesforce/composite';
import { soqlString } from '../../salesforce/query';
import {
  ActivitySummary,
  CaseSummary,
  ItemPerson,
  OpportunitySummary,
  PanelPerson,
  PersonRecord,
  PersonRole,
} from '../contract';
import { serviceErrors } from '../errors';
import { suggestPerson } from './suggestion';
import { sharingProbe } from './shared-activities';
import { UserDescribes } from '../describe-cache';

/** How many of each kind the panel shows per person. */
export const TOP = 3;
/** Rows each query brings back at most (the counts say "200" past it). */
const ROWS = 200;
/** Below the SOSL statement's 20,000 characters, with room for RETURNING. */
const MAX_TERM_CHARS = 16_000;

type Row = Record<string, unknown> & { Id: string };

/** SOSL's reserved characters, escaped with a backslash inside `FIND {...}`. */
export function soslEscape(text: string): string {
  return text.replace(/[?&|!{}[\]()^~*:\\"'+-]/g, (c) => `\\${c}`);
}

/** The item's people, one per address (any case), with every role they have in it, in the item's order. */
export function distinctPeople(
  people: ItemPerson[],
): Array<{ address: string; name: string | null; roles: PersonRole[] }> {
  const byAddress = new Map<string, { address: string; name: string | null; roles: PersonRole[] }>();
  for (const p of people) {
    const key = p.address.toLowerCase();
    const seen = byAddress.get(key);
    if (!seen) byAddress.set(key, { address: p.address, name: p.name, roles: [p.role] });
    else {
      if (!seen.roles.includes(p.role)) seen.roles.push(p.role);
      seen.name ??= p.name;
    }
  }
  return [...byAddress.values()];
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const ids = (list: Iterable<string>) => [...new Set(list)].map(soqlString).join(', ');

function searchStatement(addresses: string[]): string {
  const term = addresses.map(soslEscape).join(' OR ');
  if (term.length > MAX_TERM_CHARS)
    throw serviceErrors.invalid('people', `the addresses come to ${term.length} characters; at most ${MAX_TERM_CHARS}`);
  return (
    `FIND {${term}} IN EMAIL FIELDS RETURNING ` +
    `Contact(Id, Name, Title, Email, AccountId, Account.Name ORDER BY LastModifiedDate DESC LIMIT ${ROWS}), ` +
    `Lead(Id, Name, Title, Email, Company WHERE IsConverted = false ORDER BY LastModifiedDate DESC LIMIT ${ROWS})`
  );
}

async function search(conn: Connection, addresses: string[]): Promise<Row[]> {
  const res = await conn.request<{ searchRecords?: Row[] }>({
    method: 'GET',
    path: conn.dataPath('/search'),
    params: { q: searchStatement(addresses) },
  });
  return res.data?.searchRecords ?? [];
}

/**
 * Query subrequests of one Composite call, answered by reference id, and `extra` subrequests answered as they came
 * (their reader decides what a failure means). A query's failure throws.
 */
async function queries(
  conn: Connection,
  soql: Record<string, string>,
  extra: Subrequest[] = [],
): Promise<{ rows: Record<string, Row[]>; extra: Record<string, SubResult> }> {
  const subs: Subrequest[] = [
    ...Object.entries(soql).map(([referenceId, q]) => ({
      method: 'GET' as const,
      path: `/query?q=${encodeURIComponent(q)}`,
      referenceId,
    })),
    ...extra,
  ];
  const out = { rows: {} as Record<string, Row[]>, extra: {} as Record<string, SubResult> };
  if (subs.length === 0) return out;
  const answers = await composite(conn, subs, false);
  for (const a of answers) {
    if (!(a.referenceId in soql)) out.extra[a.referenceId] = a;
    else if (a.httpStatusCode !== 200) throw subrequestApiError(a);
    else out.rows[a.referenceId] = ((a.body as { records?: Row[] } | null)?.records ?? []) as Row[];
  }
  return out;
}

function personRecord(r: Row): PersonRecord {
  const type = (r.attributes as { type?: string } | undefined)?.type === 'Lead' ? 'Lead' : 'Contact';
  const accountId = text(r.AccountId);
  const accountName = text((r.Account as { Name?: unknown } | null | undefined)?.Name);
  return {
    type,
    id: r.Id,
    name: text(r.Name) ?? '',
    title: text(r.Title),
    email: text(r.Email) ?? '',
    account: type === 'Contact' && accountId ? { id: accountId, name: accountName ?? '' } : null,
    company: type === 'Lead' ? text(r.Company) : null,
    opportunities: { count: 0, top: [] },
    cases: { count: 0, top: [] },
    activities: [],
  };
}

/**
 * The people of an item with their records, and whether the org shares activities (asked along in the Composite call
 * unless `describes` knows it); two requests at most.
 */
export async function lookUpPeople(
  conn: Connection,
  people: ItemPerson[],
  describes: UserDescribes,
): Promise<{ people: PanelPerson[]; sharesActivities: boolean }> {
  const distinct = distinctPeople(people);
  if (distinct.length === 0) return { people: [], sharesActivities: false };
  const found = await search(
    conn,
    distinct.map((p) => p.address),
  );
  // SOSL matches words; a person is theirs only when the Email is the address itself.
  const records = found.map(personRecord);
  const byAddress = new Map<string, PersonRecord[]>();
  for (const r of records) {
    const key = r.email.toLowerCase();
    if (!distinct.some((p) => p.address.toLowerCase() === key)) continue;
    byAddress.set(key, [...(byAddress.get(key) ?? []), r]);
  }
  const matched = [...byAddress.values()].flat();
  const sharesActivities = await fillSurroundings(conn, matched, describes);
  return {
    people: distinct.map((p) => {
      const mine = byAddress.get(p.address.toLowerCase()) ?? [];
      return { ...p, records: mine, suggestion: mine.length ? null : suggestPerson(p.address, p.name) };
    }),
    sharesActivities,
  };
}

/**
 * Open Opportunities and Cases and the last activities of the matched people, and whether the org has TaskRelation
 * (Shared Activities): one Composite call.
 */
async function fillSurroundings(conn: Connection, matched: PersonRecord[], describes: UserDescribes): Promise<boolean> {
  if (matched.length === 0) return false;
  const contactIds = matched.filter((r) => r.type === 'Contact').map((r) => r.id);
  const accountIds = matched.flatMap((r) => (r.account ? [r.account.id] : []));
  const whoIds = matched.map((r) => r.id);
  const soql: Record<string, string> = {
    tasks:
      `SELECT Id, Subject, ActivityDate, WhoId FROM Task WHERE WhoId IN (${ids(whoIds)})` +
      ` ORDER BY ActivityDate DESC LIMIT ${ROWS}`,
    events:
      `SELECT Id, Subject, StartDateTime, WhoId FROM Event WHERE WhoId IN (${ids(whoIds)})` +
      ` ORDER BY StartDateTime DESC LIMIT ${ROWS}`,
  };
  if (accountIds.length)
    soql.opportunities =
      `SELECT Id, Name, StageName, CloseDate, Amount, AccountId FROM Opportunity WHERE IsClosed = false` +
      ` AND AccountId IN (${ids(accountIds)}) ORDER BY CloseDate ASC LIMIT ${ROWS}`;
  if (contactIds.length) {
    const byAccount = accountIds.length ? ` OR AccountId IN (${ids(accountIds)})` : '';
    soql.cases =
      `SELECT Id, CaseNumber, Subject, Status, ContactId, AccountId FROM Case WHERE IsClosed = false` +
      ` AND (ContactId IN (${ids(contactIds)})${byAccount}) ORDER BY CreatedDate DESC LIMIT ${ROWS}`;
  }
  const sharing = sharingProbe(describes, 'sharesActivities');
  const { rows, extra } = await queries(conn, soql, 'subrequest' in sharing ? [sharing.subrequest] : []);
  for (const r of matched) {
    const accountId = r.account?.id;
    const opps = (rows.opportunities ?? []).filter((o) => accountId && o.AccountId === accountId);
    r.opportunities = { count: opps.length, top: opps.slice(0, TOP).map(opportunity) };
    const cases =
      r.type === 'Contact'
        ? (rows.cases ?? []).filter((c) => c.ContactId === r.id || (accountId && c.AccountId === accountId))
        : [];
    r.cases = { count: cases.length, top: cases.slice(0, TOP).map(caseSummary) };
    const acts: ActivitySummary[] = [
      ...(rows.tasks ?? [])
        .filter((t) => t.WhoId === r.id)
        .map((t) => ({ type: 'Task' as const, id: t.Id, name: text(t.Subject) ?? '', date: text(t.ActivityDate) })),
      ...(rows.events ?? [])
        .filter((e) => e.WhoId === r.id)
        .map((e) => ({ type: 'Event' as const, id: e.Id, name: text(e.Subject) ?? '', date: text(e.StartDateTime) })),
    ];
    // Newest first; undated last.
    acts.sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
    r.activities = acts.slice(0, TOP);
  }
  return 'known' in sharing ? sharing.known : sharing.read(extra[sharing.subrequest.referenceId]);
}

function opportunity(o: Row): OpportunitySummary {
  return {
    id: o.Id,
    name: text(o.Name) ?? '',
    stage: text(o.StageName),
    closeDate: text(o.CloseDate),
    amount: typeof o.Amount === 'number' ? o.Amount : null,
  };
}

function caseSummary(c: Row): CaseSummary {
  return {
    id: c.Id,
    name: text(c.Subject) ?? text(c.CaseNumber) ?? '',
    caseNumber: text(c.CaseNumber),
    status: text(c.Status),
  };
}
