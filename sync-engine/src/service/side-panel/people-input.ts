/** Checking a `POST /api/side-panel/people` body: limits before anything reaches Salesforce, one field named per error. */
import { ItemPerson, PeopleRequest, PersonRole } from '../contract';
import { serviceErrors } from '../errors';

/** Outlook caps a meeting at 500 attendees; the panel looks up at most this many addresses of one item. */
export const MAX_PEOPLE = 100;
/** RFC 5321's longest address. */
export const MAX_ADDRESS = 254;
const MAX_NAME = 256;
const MAX_KEY = 1024;
const ROLES: PersonRole[] = ['from', 'to', 'cc', 'organizer', 'required', 'optional'];
export const EMAIL = /^[^\s@<>"(){}[\]\\,;]+@[^\s@<>"(){}[\]\\,;]+\.[^\s@<>"(){}[\]\\,;]+$/;

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An item's key: its Internet message id, or a meeting's item id. */
export function parseItemKey(v: unknown, field = 'itemKey'): string {
  if (typeof v !== 'string' || v.trim() === '')
    throw serviceErrors.invalid(field, "required: the email's Internet message id, or the meeting's item id");
  if (v.length > MAX_KEY) throw serviceErrors.invalid(field, `at most ${MAX_KEY} characters`);
  return v.trim();
}

/** One `{address, name}`; `field` names it in errors (`people[2]`). */
export function parseAddress(v: unknown, field: string): { address: string; name: string | null } {
  if (!isObj(v)) throw serviceErrors.invalid(field, 'must be an object {"address", "name"}');
  if (typeof v.address !== 'string' || v.address.trim() === '')
    throw serviceErrors.invalid(`${field}.address`, 'required: an email address');
  const address = v.address.trim();
  if (address.length > MAX_ADDRESS)
    throw serviceErrors.invalid(`${field}.address`, `at most ${MAX_ADDRESS} characters`);
  if (!EMAIL.test(address))
    throw serviceErrors.invalid(`${field}.address`, `${JSON.stringify(address)} is not an email address`);
  if (v.name !== undefined && v.name !== null && typeof v.name !== 'string')
    throw serviceErrors.invalid(`${field}.name`, 'must be text or null');
  const name = typeof v.name === 'string' ? v.name.trim().slice(0, MAX_NAME) : '';
  return { address, name: name === '' ? null : name };
}

export function parsePeople(body: unknown): PeopleRequest {
  if (!isObj(body)) throw serviceErrors.bodyRequired();
  const itemKey = parseItemKey(body.itemKey);
  if (!Array.isArray(body.people))
    throw serviceErrors.invalid('people', 'required: the list of {"address", "name", "role"} in the item');
  if (body.people.length > MAX_PEOPLE)
    throw serviceErrors.invalid('people', `at most ${MAX_PEOPLE} addresses (this item has ${body.people.length})`);
  const people: ItemPerson[] = body.people.map((p: unknown, i: number) => {
    const { address, name } = parseAddress(p, `people[${i}]`);
    const role = (p as Obj).role;
    if (typeof role !== 'string' || !ROLES.includes(role as PersonRole))
      throw serviceErrors.invalid(`people[${i}].role`, `one of ${ROLES.join(', ')}`);
    return { address, name, role: role as PersonRole };
  });
  return { itemKey, people };
}
