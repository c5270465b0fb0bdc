/**
 * The Word and Excel add-in's service calls (Connect for Office) over real HTTP against a local org: fields, merge
 * fields, queries by fields and by SOQL, saves through sObject Collections counted at the org, the input checks
 * naming the field, and API access turned off and on again mid-session.
 */
import assert from 'node:assert/strict';
import { AxiosInstance } from 'axios';
import { adminOf, startServiceWorld, ServiceWorld } from '../../helpers/service';
import { sharedMessages } from '../../helpers/shared';
import { requestCounter, seedContacts } from '../../helpers/office-docs';

describe('service: the Word and Excel add-in (Connect for Office)', function () {
  this.timeout(60_000);
  const messages = sharedMessages();
  let w: ServiceWorld;
  let secret: string;
  let sf: AxiosInstance;
  let setApiEnabled: (on: boolean) => Promise<void>;
  let ids: string[];
  let requests: () => Record<string, number>;
  const call = (method: string, path: string, body?: unknown) => w.call(method, path, { secret, body });

  before(async () => {
    w = await startServiceWorld();
    ({ sf, setApiEnabled } = await adminOf(w));
    ids = await seedContacts(w, sf, { count: 30, dept: 'Office', withAccount: 3 });
    secret = await w.signInAnn('connect-for-office');
    requests = requestCounter(w);
  });
  after(() => w?.close());

  it('refuses a blocked sign-in with the two lines Connect for Office shows', async () => {
    const res = await w.call('POST', '/api/sign-in', {
      body: { orgUrl: w.org.url, product: 'connect-for-office', username: 'bob@test.example', password: 'Bob-pass-1' },
    });
    assert.equal(res.status, 403);
    assert.equal(res.body.message, `${messages['connectOffice.login']}\nURL: ${w.org.url}/services/Soap/u/60.0`);
  });

  it('needs the secret, and writes nothing without it', async () => {
    const res = await w.call('POST', '/api/office/query', { body: { object: 'Contact', fields: ['LastName'] } });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'MISSING_SECRET');
    requests();
    const save = await w.call('POST', '/api/office/save', {
      body: { object: 'Contact', rows: [{ row: 1, id: ids[0], values: { Title: 'No secret' } }] },
    });
    assert.equal(save.status, 401);
    assert.deepEqual(requests(), {}, 'nothing reached the org');
  });

  it("refuses another site's page and another Host before anything, and a body past the limit unparsed", async () => {
    const body = { object: 'Contact', rows: [{ row: 1, id: ids[0], values: { Title: 'Forged' } }] };
    const origin = await w.call('POST', '/api/office/save', {
      secret,
      body,
      headers: { Origin: 'https://evil.example' },
    });
    assert.equal(origin.status, 403);
    assert.equal(origin.body.error.code, 'ORIGIN_NOT_ALLOWED');
    // fetch will not send another Host: a rebound name comes in process, to the same app.
    const host = await w.running.app.inject({
      method: 'POST',
      url: '/api/office/save',
      headers: { host: 'evil.example:8702', authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    assert.equal(host.statusCode, 403);
    assert.equal((host.json() as { error: { code: string } }).error.code, 'HOST_NOT_ALLOWED');
    const big = await w.call('POST', '/api/office/save', {
      secret,
      raw: `{"object":"Contact","x":"${'a'.repeat(1024 * 1024)}"}`,
    });
    assert.equal(big.status, 413);
    assert.deepEqual(requests(), {}, 'nothing reached the org');
  });

  it('takes at most 200 changed rows per save, and says to send the rest next', async () => {
    const rows = Array.from({ length: 201 }, (_, i) => ({ row: i, id: ids[i % ids.length], values: { Title: 'x' } }));
    const res = await call('POST', '/api/office/save', { object: 'Contact', rows });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.field, 'rows');
    assert.match(res.body.error.message, /at most 200 changed and 200 new rows/);
  });

  it("describes an object's fields, and names an unknown object", async () => {
    const res = await call('GET', '/api/office/objects/Contact/fields');
    assert.equal(res.status, 200, res.text);
    const email = res.body.fields.find((f: { name: string }) => f.name === 'Email');
    assert.deepEqual(email, {
      name: 'Email',
      label: 'Email',
      type: 'email',
      updateable: true,
      createable: true,
      relationshipName: null,
    });
    const bad = await call('GET', '/api/office/objects/Nope__c/fields');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'object');
  });

  it("lists a Contact's merge fields with its Account's, and only Contact or Lead", async () => {
    const res = await call('GET', '/api/office/merge-fields/Contact');
    assert.equal(res.status, 200, res.text);
    const names = res.body.fields.map((f: { name: string }) => f.name);
    assert.ok(
      names.includes('FirstName') && names.includes('Account.Name') && names.includes('Account.Phone'),
      names.join(),
    );
    assert.ok(!names.includes('AccountId') && !names.includes('Id'), 'no ids or lookups as merge fields');
    const lead = await call('GET', '/api/office/merge-fields/Lead');
    assert.ok(lead.body.fields.some((f: { name: string }) => f.name === 'ConvertedAccount.Name'));
    const other = await call('GET', '/api/office/merge-fields/Case');
    assert.equal(other.status, 400);
    assert.equal(other.body.error.field, 'object');
  });

  it('reads an object by fields, Id first, related fields flattened', async () => {
    const res = await call('POST', '/api/office/query', {
      object: 'Contact',
      fields: ['LastName', 'Email', 'Account.Name'],
      where: "Department = 'Office'",
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.fields, ['Id', 'LastName', 'Email', 'Account.Name']);
    assert.equal(res.body.records.length, 30);
    assert.equal(res.body.complete, true);
    const first = res.body.records.find((r: { Id: string }) => r.Id === ids[0]);
    assert.deepEqual(first, {
      Id: ids[0],
      LastName: 'Sheet 0001',
      Email: 'row1@sheet.example',
      'Account.Name': 'Office Account 0001',
    });
    const noAccount = res.body.records.find((r: { Id: string }) => r.Id === ids[10]);
    assert.equal(noAccount['Account.Name'], null);
  });

  it("reads records by id, and the user's own SOQL", async () => {
    const byId = await call('POST', '/api/office/query', {
      object: 'Contact',
      fields: ['FirstName'],
      ids: ids.slice(0, 2),
    });
    assert.deepEqual(byId.body.records.map((r: { Id: string }) => r.Id).sort(), ids.slice(0, 2).sort());
    const soql = await call('POST', '/api/office/query', {
      soql: "SELECT Id, FirstName, Account.Name FROM Contact WHERE Department = 'Office' AND Title = 'Engineer'",
    });
    assert.equal(soql.status, 200, soql.text);
    assert.equal(soql.body.object, 'Contact');
    assert.deepEqual(soql.body.fields, ['Id', 'FirstName', 'Account.Name']);
    assert.equal(soql.body.records.length, 15);
  });

  it('names the field of a wrong query', async () => {
    const cases: Array<[unknown, string]> = [
      [{ object: 'Contact' }, 'fields'],
      [{ object: 'Contact', fields: ['Email; DROP'] }, 'fields[0]'],
      [{ object: 'Con tact', fields: ['Email'] }, 'object'],
      [{ object: 'Contact', fields: ['Email'], ids: ['nope'] }, 'ids[0]'],
      [{ object: 'Contact', fields: ['Email'], limit: 0 }, 'limit'],
      [{ soql: 'SELECT Name FROM Account' }, 'soql'],
      [{ soql: 'SELECT Id, (SELECT Id FROM Contacts) FROM Account' }, 'soql'],
      [{ soql: 'DELETE Contact' }, 'soql'],
      // Refused by the org, named here all the same:
      [{ object: 'Contact', fields: ['LastName', 'Nope__c'] }, 'fields[1]'],
      [{ object: 'Contact', fields: ['LastName'], where: 'Nope__c = 1' }, 'where'],
      [{ object: 'Contact', fields: ['LastName'], where: "LastName = 'x' LIMIT 3" }, 'where'],
      [{ object: 'Nope', fields: ['Name'] }, 'object'],
      [{ soql: 'SELECT Id, Nope FROM Contact' }, 'soql'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/api/office/query', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.error.field, field, JSON.stringify(body));
      assert.ok(res.body.error.message.startsWith(`${field}: `), res.body.error.message);
    }
  });

  it('saves 20 changed rows in one Collections PATCH and a new row in one POST, answered per row', async () => {
    requests();
    const rows = ids.slice(0, 20).map((id, i) => ({ row: i + 1, id, values: { Title: `Edited ${i}` } }));
    rows.push({
      row: 40,
      id: null as unknown as string,
      values: { LastName: 'Newrow', Department: 'Office' } as never,
    });
    const res = await call('POST', '/api/office/save', { object: 'Contact', rows });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.updated, 20);
    assert.equal(res.body.created, 1);
    assert.equal(res.body.failed, 0);
    assert.equal(res.body.stopped, null);
    assert.deepEqual(requests(), { 'PATCH composite/sobjects': 1, 'POST composite/sobjects': 1 });
    const made = res.body.results.find((r: { row: number }) => r.row === 40);
    assert.equal(made.created, true);
    const check = await sf.get('/query', { params: { q: `SELECT Title FROM Contact WHERE Id = '${ids[19]}'` } });
    assert.equal(check.data.records[0].Title, 'Edited 19');
    const created = await sf.get(`/sobjects/Contact/${made.id}`);
    assert.equal(created.data.LastName, 'Newrow');
  });

  it("answers each row's own failure beside the others", async () => {
    const res = await call('POST', '/api/office/save', {
      object: 'Contact',
      rows: [
        { row: 1, id: ids[0], values: { Title: 'Fine' } },
        { row: 2, id: ids[1], values: { LastName: null } },
      ],
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.results[0].success, true);
    assert.equal(res.body.results[1].success, false);
    assert.equal(res.body.results[1].errors[0].code, 'REQUIRED_FIELD_MISSING');
  });

  it('names the field of a wrong save', async () => {
    const cases: Array<[unknown, string]> = [
      [{ object: 'Contact', rows: [] }, 'rows'],
      [
        { object: 'Contact', rows: [{ row: 1, id: ids[0], values: { 'Account.Name': 'x' } }] },
        'rows[0].values.Account.Name',
      ],
      [{ object: 'Contact', rows: [{ row: 1, id: ids[0], values: { Id: 'x' } }] }, 'rows[0].values.Id'],
      [{ object: 'Contact', rows: [{ row: 1, id: 'x', values: { Title: 'x' } }] }, 'rows[0].id'],
      [{ object: 'Contact', rows: [{ row: 1, id: ids[0], values: { Title: { a: 1 } } }] }, 'rows[0].values.Title'],
      [{ object: 'Contact', rows: [{ row: 1, id: ids[0], values: {} }] }, 'rows[0].values'],
      [
        {
          object: 'Contact',
          rows: [
            { row: 1, id: ids[0], values: { Title: 'a' } },
            { row: 1, id: ids[1], values: { Title: 'b' } },
          ],
        },
        'rows[1].row',
      ],
      // Refused by the org, named here all the same:
      [
        { object: 'Contact', rows: [{ row: 1, id: null, values: { LastName: 'y', Nope__c: 'x' } }] },
        'rows[0].values.Nope__c',
      ],
      [{ object: 'Nope', rows: [{ row: 1, id: null, values: { LastName: 'y' } }] }, 'object'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/api/office/save', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body.error.field, field, JSON.stringify(body));
    }
  });

  it("with API access off: Connect for Office's sync text, nothing written; on again: saved", async () => {
    await setApiEnabled(false);
    try {
      const query = await call('POST', '/api/office/query', { object: 'Contact', fields: ['LastName'] });
      assert.equal(query.status, 403);
      assert.equal(query.body.error.message, messages['connectOffice.syncStopped']);
      const save = await call('POST', '/api/office/save', {
        object: 'Contact',
        rows: [{ row: 1, id: ids[25], values: { Title: 'While off' } }],
      });
      assert.equal(save.status, 403);
      assert.equal(save.body.error.code, 'API_CURRENTLY_DISABLED');
      assert.equal(save.body.error.message, messages['connectOffice.syncStopped']);
    } finally {
      await setApiEnabled(true);
    }
    const unchanged = await sf.get(`/sobjects/Contact/${ids[25]}`);
    assert.notEqual(unchanged.data.Title, 'While off');
    const again = await call('POST', '/api/office/save', {
      object: 'Contact',
      rows: [{ row: 1, id: ids[25], values: { Title: 'While off' } }],
    });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.updated, 1);
    assert.equal((await sf.get(`/sobjects/Contact/${ids[25]}`)).data.Title, 'While off');
  });
});
