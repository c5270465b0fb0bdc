/**
 * SOSL over REST (issue 15): jsforce's `search`, `FIND {...} IN ... FIELDS RETURNING ...` and `parameterizedSearch`,
 * the visibility of SOQL, Salesforce's errors, the statement's length checked first, and the access rule.
 */
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { findSObject } from '../../../sync-engine/src/local-org/schema';
import { startTestOrg, sessionFor, userId } from '../../helpers/org';

type SearchRecord = Record<string, unknown> & { attributes: { type: string; url: string } };

describe('local org: SOSL search', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  let ann: string;
  let annContact: string;

  async function search(q: string, token = ann): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${org.url}/services/data/v60.0/search?q=${encodeURIComponent(q)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: await res.json() };
  }
  async function found(q: string, token = ann): Promise<SearchRecord[]> {
    const res = await search(q, token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return (res.body as { searchRecords: SearchRecord[] }).searchRecords;
  }

  before(async () => {
    org = await startTestOrg();
    ann = sessionFor(org, 'ann@test.example');
    const annId = userId(org, 'ann@test.example');
    const adminId = userId(org, 'admin@test.example');
    const contact = findSObject('Contact')!;
    const account = findSObject('Account')!;
    const s = org.ctx.store;
    s.transaction(() => {
      annContact = s.insert(
        contact,
        { FirstName: 'Zora', LastName: 'Quill', Email: 'zora.quill@search.example', Phone: '(555) 010-2000' },
        annId,
      );
      s.insert(contact, { FirstName: 'Zorann', LastName: 'Other', Email: 'xzora.quill@search.example' }, annId);
      s.insert(contact, { FirstName: 'Zora', LastName: 'Hidden', Email: 'hidden@search.example' }, adminId);
      s.insert(account, { Name: 'Zora Industries', OwnerId: annId }, annId);
      const gone = s.insert(contact, { FirstName: 'Zora', LastName: 'Gone' }, annId);
      s.delete(contact, gone, annId);
    });
  });
  after(async () => org.close());

  it("answers jsforce's search with searchRecords, each with its attributes", async () => {
    const conn = new jsforce.Connection({ loginUrl: org.url, version: '60.0' });
    await conn.login('ann@test.example', 'Ann-pass-1');
    const result = await conn.search(
      'FIND {zora.quill@search.example} IN EMAIL FIELDS RETURNING Contact(Id, Name, Email)',
    );
    assert.deepEqual(result.searchRecords, [
      {
        attributes: { type: 'Contact', url: `/services/data/v60.0/sobjects/Contact/${annContact}` },
        Id: annContact,
        Name: 'Zora Quill',
        Email: 'zora.quill@search.example',
      },
    ]);
  });

  it('finds whole words only, wildcards widen, and records the caller may not see or deleted ones never show', async () => {
    const names = async (q: string) => (await found(q)).map((r) => r.Name);
    assert.deepEqual(
      await names('FIND {Zora} IN NAME FIELDS RETURNING Contact(Name ORDER BY LastName), Account(Name)'),
      ['Zora Quill', 'Zora Industries'],
    );
    assert.deepEqual(await names('FIND {zora*} IN NAME FIELDS RETURNING Contact(Name ORDER BY LastName)'), [
      'Zorann Other',
      'Zora Quill',
    ]);
    // The admin sees every owned record: the same search finds the contact ann may not see.
    const admin = sessionFor(org, 'admin@test.example');
    assert.deepEqual(
      (await found('FIND {Zora} IN NAME FIELDS RETURNING Contact(Name ORDER BY LastName)', admin)).map((r) => r.Name),
      ['Zora Hidden', 'Zora Quill'],
    );
  });

  it('applies WHERE, LIMIT, phone digits and OR terms', async () => {
    const where = await found("FIND {Zora} RETURNING Contact(Name WHERE LastName != 'Quill'), Account(Name LIMIT 1)");
    assert.deepEqual(
      where.map((r) => [r.attributes.type, r.Name]),
      [['Account', 'Zora Industries']],
    );
    const phone = await found('FIND {555-010-2000} IN PHONE FIELDS RETURNING Contact(Name)');
    assert.deepEqual(
      phone.map((r) => r.Name),
      ['Zora Quill'],
    );
    const either = await found(
      'FIND {Quill OR Industries} IN NAME FIELDS RETURNING Contact(Name), Account(Name) LIMIT 1',
    );
    assert.deepEqual(
      either.map((r) => r.Name),
      ['Zora Quill'],
    );
    const bare = await found('FIND {Industries}');
    assert.deepEqual(bare, [
      {
        attributes: { type: 'Account', url: bare[0].attributes.url },
        Id: bare[0].Id,
      },
    ]);
  });

  it('answers parameterizedSearch by GET and by POST', async () => {
    const q = new URLSearchParams({
      q: 'zora.quill@search.example',
      sobject: 'Contact',
      'Contact.fields': 'Id,Email',
      in: 'EMAIL',
    });
    const get = await fetch(`${org.url}/services/data/v60.0/parameterizedSearch?${q}`, {
      headers: { authorization: `Bearer ${ann}` },
    });
    assert.equal(get.status, 200);
    assert.deepEqual(
      ((await get.json()) as { searchRecords: SearchRecord[] }).searchRecords.map((r) => r.Email),
      ['zora.quill@search.example'],
    );
    const post = await fetch(`${org.url}/services/data/v60.0/parameterizedSearch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ann}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        q: 'Zora',
        in: 'NAME',
        fields: ['Name'],
        sobjects: [{ name: 'Account' }, { name: 'Contact', where: "LastName = 'Quill'" }],
      }),
    });
    assert.equal(post.status, 200);
    assert.deepEqual(
      ((await post.json()) as { searchRecords: SearchRecord[] }).searchRecords.map((r) => r.Name),
      ['Zora Industries', 'Zora Quill'],
    );
  });

  it("refuses bad searches with Salesforce's codes", async () => {
    const cases: Array<[string, number, string]> = [
      ['Zora', 400, 'MALFORMED_SEARCH'],
      ['FIND {Zora', 400, 'MALFORMED_SEARCH'],
      ['FIND {z}', 400, 'INVALID_SEARCH'],
      ['FIND {Zora} RETURNING Nope(Id)', 400, 'INVALID_TYPE'],
      ['FIND {Zora} RETURNING Contact(Nope)', 400, 'INVALID_FIELD'],
      ['FIND {Zora} RETURNING Contact(Id) WITH SNIPPET', 400, 'MALFORMED_SEARCH'],
    ];
    for (const [q, status, code] of cases) {
      const res = await search(q);
      assert.equal(res.status, status, q);
      assert.equal((res.body as Array<{ errorCode: string }>)[0].errorCode, code, `${q}: ${JSON.stringify(res.body)}`);
    }
    const post = await fetch(`${org.url}/services/data/v60.0/parameterizedSearch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ann}`, 'content-type': 'application/json' },
      body: JSON.stringify({ q: 'x'.repeat(20_001) }),
    });
    assert.equal(post.status, 400);
    assert.match(((await post.json()) as Array<{ message: string }>)[0].message, /cannot exceed 20000 characters/);
  });

  it('gives a user the rule refuses API_CURRENTLY_DISABLED', async () => {
    const res = await search('FIND {Zora}', sessionFor(org, 'bob@test.example'));
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, [{ message: 'API is disabled for this User', errorCode: 'API_CURRENTLY_DISABLED' }]);
  });
});
