/**
 * "Save to Salesforce" when the updates are written and then the creates are refused: by the org's own validation,
 * row by row (a Contact with no LastName, an email it will not take), or whole (a field it does not know, sent by
 * some new rows: those rows name it, the others go again without them and are saved). Each row's result says what
 * became of it, the org holds the updates and nothing half written, and the refused rows, fixed, save again without
 * the updated ones being written twice.
 */
import assert from 'node:assert/strict';
import { AxiosInstance } from 'axios';
import { adminOf, startServiceWorld, ServiceWorld } from '../../helpers/service';
import { requestCounter, seedContacts } from '../../helpers/office-docs';
import type { OfficeRowResult, OfficeSaveRequest } from '../../../sync-engine/src/service/contract';

type Row = OfficeSaveRequest['rows'][number];

describe('service: a partial save of the Word and Excel add-in (updates written, creates refused)', function () {
  this.timeout(60_000);
  let w: ServiceWorld;
  let secret: string;
  let sf: AxiosInstance;
  let ids: string[];
  let requests: () => Record<string, number>;
  const save = (rows: Row[]) => w.call('POST', '/api/office/save', { secret, body: { object: 'Contact', rows } });

  /** The Contacts of a department, as the org holds them, by LastName. */
  async function contactsOf(dept: string): Promise<Array<Record<string, string | null>>> {
    const q = `SELECT Id, FirstName, LastName, Email, Title, SystemModstamp FROM Contact WHERE Department = '${dept}' ORDER BY LastName`;
    const res = await sf.get('/query', { params: { q } });
    assert.equal(res.status, 200, JSON.stringify(res.data));
    return res.data.records.map(({ attributes: _a, ...r }: Record<string, string | null>) => r);
  }
  const byRow = (results: OfficeRowResult[]) => new Map(results.map((r) => [r.row, r]));

  before(async () => {
    w = await startServiceWorld();
    ({ sf } = await adminOf(w));
    ids = await seedContacts(w, sf, { count: 12, dept: 'Partial' });
    secret = await w.signInAnn('connect-for-office');
    requests = requestCounter(w);
  });
  after(() => w?.close());

  it('the org refuses some new rows: each row says what happened, the updates are in, the fixed rows save once', async () => {
    const before = await contactsOf('Partial');
    requests();
    const first = await save([
      ...ids.slice(0, 5).map((id, i) => ({ row: i + 1, id, values: { Title: `Partial ${i}` } })),
      // An update the org refuses: its good field must not be written without its bad one.
      { row: 6, id: ids[5], values: { Title: 'Half', Email: 'not an address' } },
      { row: 20, id: null, values: { FirstName: 'Nolast', Department: 'Partial' } },
      { row: 21, id: null, values: { LastName: 'New Bademail', Email: 'nope', Department: 'Partial' } },
      { row: 22, id: null, values: { LastName: 'New Fine', Department: 'Partial' } },
    ]);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(requests(), { 'PATCH composite/sobjects': 1, 'POST composite/sobjects': 1 });
    assert.deepEqual(
      { updated: first.body.updated, created: first.body.created, failed: first.body.failed },
      { updated: 5, created: 1, failed: 3 },
    );
    assert.equal(first.body.stopped, null, 'nothing stopped the save: the org answered every row');
    const results = byRow(first.body.results);
    assert.deepEqual([...results.keys()], [1, 2, 3, 4, 5, 6, 20, 21, 22], 'one result per row sent, in row order');
    for (let i = 0; i < 5; i++)
      assert.deepEqual(results.get(i + 1), { row: i + 1, id: ids[i], success: true, created: false, errors: [] });
    assert.deepEqual(results.get(6), {
      row: 6,
      id: ids[5],
      success: false,
      created: false,
      errors: [
        { code: 'INVALID_EMAIL_ADDRESS', message: 'Email: invalid email address: not an address', fields: ['Email'] },
      ],
    });
    assert.deepEqual(results.get(20), {
      row: 20,
      id: null,
      success: false,
      created: false,
      errors: [
        { code: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] },
      ],
    });
    assert.deepEqual(results.get(21), {
      row: 21,
      id: null,
      success: false,
      created: false,
      errors: [{ code: 'INVALID_EMAIL_ADDRESS', message: 'Email: invalid email address: nope', fields: ['Email'] }],
    });
    const made = results.get(22)!;
    assert.equal(made.success && made.created, true);
    assert.match(made.id ?? '', /^003[A-Za-z0-9]{15}$/);

    // Through the org: the five updates, the one create, and nothing of the refused rows.
    const after = await contactsOf('Partial');
    const was = new Map(before.map((c) => [c.Id, c]));
    const now = new Map(after.map((c) => [c.Id, c]));
    for (let i = 0; i < 5; i++) assert.equal(now.get(ids[i])!.Title, `Partial ${i}`);
    assert.deepEqual(now.get(ids[5]), was.get(ids[5]), 'the refused update wrote nothing, not even its Title');
    assert.deepEqual(
      after.map((c) => c.LastName).filter((n) => n!.startsWith('New')),
      ['New Fine'],
      'only the accepted new row is in the org',
    );
    assert.equal(after.length, before.length + 1);

    // The user fixes the refused rows; the pane sends only those (the saved ones match what was read now).
    requests();
    const second = await save([
      { row: 6, id: ids[5], values: { Title: 'Half', Email: 'half@sheet.example' } },
      { row: 20, id: null, values: { FirstName: 'Nolast', LastName: 'New Named', Department: 'Partial' } },
      { row: 21, id: null, values: { LastName: 'New Bademail', Email: 'fixed@sheet.example', Department: 'Partial' } },
    ]);
    assert.equal(second.status, 200, second.text);
    assert.deepEqual(
      { updated: second.body.updated, created: second.body.created, failed: second.body.failed },
      { updated: 1, created: 2, failed: 0 },
    );
    assert.deepEqual(requests(), { 'PATCH composite/sobjects': 1, 'POST composite/sobjects': 1 });
    const last = await contactsOf('Partial');
    const lastById = new Map(last.map((c) => [c.Id, c]));
    assert.equal(last.length, before.length + 3, 'two more records, no copy of any');
    assert.deepEqual(
      last.map((c) => c.LastName).filter((n) => n!.startsWith('New')),
      ['New Bademail', 'New Fine', 'New Named'],
    );
    for (let i = 0; i < 5; i++)
      assert.deepEqual(lastById.get(ids[i]), now.get(ids[i]), 'an update saved the first time is not written again');
    assert.deepEqual([lastById.get(ids[5])!.Title, lastById.get(ids[5])!.Email], ['Half', 'half@sheet.example']);
  });

  it("the org refuses the new rows whole for one row's unknown field: that row names it, the others are saved in one more call", async () => {
    requests();
    const res = await save([
      { row: 1, id: ids[6], values: { Title: 'Whole 6' } },
      { row: 2, id: ids[7], values: { Title: 'Whole 7' } },
      { row: 30, id: null, values: { LastName: 'New Unknownfield', Nope__c: 'x', Department: 'Partial' } },
      { row: 31, id: null, values: { LastName: 'New Other', Department: 'Partial' } },
      { row: 32, id: null, values: { LastName: 'New Another', Department: 'Partial' } },
    ]);
    assert.equal(res.status, 200, res.text);
    // The org refused the first POST whole (writing nothing), so the rows that did not send Nope__c go again alone.
    assert.deepEqual(requests(), { 'PATCH composite/sobjects': 1, 'POST composite/sobjects': 2 });
    assert.deepEqual(
      { updated: res.body.updated, created: res.body.created, failed: res.body.failed },
      { updated: 2, created: 2, failed: 1 },
    );
    // Not a stop (API access is on): the pane shows a stop as the product's own text and leaves the other rows
    // unsent; the refused row is the user's to fix, naming the field Salesforce refused.
    assert.equal(res.body.stopped, null);
    const results = byRow(res.body.results);
    assert.deepEqual([...results.keys()], [1, 2, 30, 31, 32]);
    assert.deepEqual(results.get(30), {
      row: 30,
      id: null,
      success: false,
      created: false,
      errors: [
        { code: 'INVALID_FIELD', message: "No such column 'Nope__c' on sobject of type Contact", fields: ['Nope__c'] },
      ],
    });
    // The other new rows sent no such field: they say what is true of them, created, not row 30's refusal.
    const made = new Map<number, string>();
    for (const row of [31, 32]) {
      const r = results.get(row)!;
      assert.deepEqual({ ...r, id: null }, { row, id: null, success: true, created: true, errors: [] });
      assert.match(r.id ?? '', /^003[A-Za-z0-9]{15}$/);
      made.set(row, r.id!);
    }
    const after = await contactsOf('Partial');
    assert.deepEqual(
      after.filter((c) => c.Id === ids[6] || c.Id === ids[7]).map((c) => c.Title),
      ['Whole 6', 'Whole 7'],
    );
    assert.deepEqual(
      after
        .filter((c) => ['New Unknownfield', 'New Other', 'New Another'].includes(c.LastName!))
        .map((c) => [c.LastName, c.Id]),
      [
        ['New Another', made.get(32)],
        ['New Other', made.get(31)],
      ],
      'one record of each saved row, none of the refused one',
    );
  });

  it('two rows send two different unknown fields: each names its own, the rest are saved', async () => {
    requests();
    const res = await save([
      { row: 1, id: ids[8], values: { Title: 'Two 8' } },
      { row: 40, id: null, values: { LastName: 'New Firstbad', Nope__c: 'x', Department: 'Partial' } },
      { row: 41, id: null, values: { LastName: 'New Good One', Department: 'Partial' } },
      { row: 42, id: null, values: { LastName: 'New Secondbad', Other__c: 'y', Department: 'Partial' } },
      { row: 43, id: null, values: { LastName: 'New Thirdbad', Nope__c: 'z', Department: 'Partial' } },
      { row: 44, id: null, values: { LastName: 'New Good Two', Department: 'Partial' } },
    ]);
    assert.equal(res.status, 200, res.text);
    // Refused for Nope__c (rows 40, 43), then for Other__c (row 42), then the two good rows are written.
    assert.deepEqual(requests(), { 'PATCH composite/sobjects': 1, 'POST composite/sobjects': 3 });
    assert.deepEqual(
      { updated: res.body.updated, created: res.body.created, failed: res.body.failed, stopped: res.body.stopped },
      { updated: 1, created: 2, failed: 3, stopped: null },
    );
    const results = byRow(res.body.results);
    const refused = (field: string) => [
      { code: 'INVALID_FIELD', message: `No such column '${field}' on sobject of type Contact`, fields: [field] },
    ];
    assert.deepEqual(results.get(40)!.errors, refused('Nope__c'));
    assert.deepEqual(results.get(42)!.errors, refused('Other__c'));
    assert.deepEqual(results.get(43)!.errors, refused('Nope__c'));
    for (const row of [40, 42, 43]) assert.equal(results.get(row)!.success, false);
    for (const row of [41, 44]) assert.equal(results.get(row)!.success && results.get(row)!.created, true);
    const after = await contactsOf('Partial');
    assert.deepEqual(
      after.map((c) => c.LastName).filter((n) => /^New (Good|Firstbad|Secondbad|Thirdbad)/.test(n!)),
      ['New Good One', 'New Good Two'],
    );
  });
});
