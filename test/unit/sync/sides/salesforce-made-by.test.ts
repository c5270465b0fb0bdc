/**
 * The record each create sent before made, found in rows read once for the batch of them (salesforce-made-by.ts):
 * the rules a query of its own applied hold for each create, though the rows were read from the batch's earliest
 * first send: made at its own `since` or later, not taken, not the record it brings back, a live one before one in
 * the recycle bin; by its Outlook id (any letter case) with OutlookId__c, else by match keys, exact content first.
 */
import assert from 'node:assert/strict';
import { madeByLookup } from '../../../../sync-engine/src/sync/sides/salesforce-made-by';
import { fromSalesforce } from '../../../../sync-engine/src/sync/mappers/salesforce-records';
import { CanonicalContact, SentCreate } from '../../../../sync-engine/src/sync/types';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const MIN = 60_000;
const stamp = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

const contact = (email: string, title: string | null = null): CanonicalContact => ({
  firstName: 'Ann',
  lastName: 'Lost',
  email,
  phone: null,
  mobilePhone: null,
  company: null,
  title,
  department: null,
  street: null,
  city: null,
  state: null,
  postalCode: null,
  country: null,
  notes: null,
});

/** A row as the org answers madeBy's query. */
const row = (id: string, made: number, c: CanonicalContact, o: { deleted?: boolean; outlookId?: string } = {}) => ({
  Id: id,
  CreatedDate: stamp(made),
  SystemModstamp: stamp(made + 1000),
  IsDeleted: o.deleted ?? false,
  FirstName: c.firstName,
  LastName: c.lastName,
  Email: c.email,
  Title: c.title,
  ...(o.outlookId ? { OutlookId__c: o.outlookId } : {}),
});

const sent = (sourceId: string, since: number, c: CanonicalContact, replaces?: string): SentCreate => ({
  request: { key: sourceId, kind: 'create', sourceId, data: c, ...(replaces ? { replaces } : {}) },
  since: new Date(since),
});

const byContent = (rows: Array<Record<string, unknown>>) =>
  madeByLookup('contacts', { rows, externalId: null, canonical: (r) => fromSalesforce('contacts', r) });
const byOutlookId = (rows: Array<Record<string, unknown>>) =>
  madeByLookup('contacts', {
    rows,
    externalId: {
      of: (c) => `ext-${c.request.sourceId}`.toLowerCase(),
      in: (r) => (typeof r.OutlookId__c === 'string' ? r.OutlookId__c.toLowerCase() : null),
    },
    canonical: (r) => fromSalesforce('contacts', r),
  });
const none = () => false;

describe('sync/sides/salesforce-made-by: what creates sent before made, from one read for their batch', () => {
  it("a record made before this create's first send is not its own, though the batch's read holds it", async () => {
    const lookup = byContent([row('003A00000000001AAA', T0 + MIN, contact('a@x.example'))]);
    assert.equal(
      (await lookup.find(sent('ol-a', T0, contact('a@x.example')), none))?.id,
      '003A00000000001AAA',
      'made since its first send',
    );
    assert.equal(
      await lookup.find(sent('ol-b', T0 + 2 * MIN, contact('a@x.example')), none),
      undefined,
      'made before the later create was first sent',
    );
  });

  it('a live record before one in the recycle bin; taken records and the record a create brings back are not candidates', async () => {
    const rows = [
      row('003A00000000001AAA', T0 + MIN, contact('a@x.example'), { deleted: true }),
      row('003A00000000002AAA', T0 + MIN, contact('a@x.example')),
      row('003A00000000003AAA', T0 + MIN, contact('a@x.example')),
    ];
    const lookup = byContent(rows);
    const create = sent('ol-a', T0, contact('a@x.example'));
    assert.equal((await lookup.find(create, none))?.id, '003A00000000002AAA');
    assert.equal((await lookup.find(create, (id) => id === '003A00000000002AAA'))?.id, '003A00000000003AAA');
    const live = (id: string) => id !== '003A00000000001AAA';
    assert.deepEqual(await lookup.find(create, live), { id: '003A00000000001AAA', deleted: true }, 'in the bin');
    // The 15-character id names the record it brings back as well as the 18.
    assert.equal(
      await lookup.find(sent('ol-a', T0, contact('a@x.example'), '003A00000000001'), live),
      undefined,
      'not the record it brings back',
    );
  });

  it('by match keys, the record holding exactly what was sent before another sharing the key', async () => {
    const lookup = byContent([
      row('003A00000000001AAA', T0 + MIN, contact('a@x.example', 'Edited')),
      row('003A00000000002AAA', T0 + MIN, contact('a@x.example', 'Buyer')),
    ]);
    const found = await lookup.find(sent('ol-a', T0, contact('a@x.example', 'Buyer')), none);
    assert.deepEqual(found, {
      id: '003A00000000002AAA',
      version: stamp(T0 + MIN + 1000),
      deleted: false,
      data: contact('a@x.example', 'Buyer'),
    });
  });

  it("with OutlookId__c, the record holding the create's Outlook id in any letter case, whatever it holds", async () => {
    const lookup = byOutlookId([
      row('003A00000000001AAA', T0 + MIN, contact('a@x.example'), { outlookId: 'EXT-OL-B' }),
      row('003A00000000002AAA', T0 + MIN, contact('edited@x.example'), { outlookId: 'EXT-OL-A' }),
    ]);
    assert.equal((await lookup.find(sent('ol-a', T0, contact('a@x.example')), none))?.id, '003A00000000002AAA');
    assert.equal(await lookup.find(sent('ol-c', T0, contact('a@x.example')), none), undefined, 'no record of its id');
  });
});
