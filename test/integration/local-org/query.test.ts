import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { findSObject } from '../../../sync-engine/src/local-org/schema';
import { startTestOrg, sessionFor, userId } from '../../helpers/org';

interface Page {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Array<Record<string, unknown>>;
}

const PAGING_CONTACTS = 4500;
const DAY = 86_400_000;

describe('local org: SOQL query over REST', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  let admin: string;
  let adminId: string;
  let deletedId: string;

  async function get(path: string, token = admin, headers: Record<string, string> = {}) {
    const res = await fetch(`${org.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get('content-type'), body: JSON.parse(text) as unknown };
  }

  async function query(soql: string, resource = 'query', token = admin): Promise<Page> {
    const res = await get(`/services/data/v60.0/${resource}?q=${encodeURIComponent(soql)}`, token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Page;
  }

  async function queryError(soql: string): Promise<{ status: number; body: unknown }> {
    const res = await get(`/services/data/v60.0/query?q=${encodeURIComponent(soql)}`);
    return { status: res.status, body: res.body };
  }

  const names = (page: Page, key = 'LastName') => page.records.map((r) => r[key]);

  before(async () => {
    org = await startTestOrg();
    admin = sessionFor(org, 'admin@test.example');
    adminId = userId(org, 'admin@test.example');
    const store = org.ctx.store;
    const contact = findSObject('Contact')!;
    const account = findSObject('Account')!;
    const task = findSObject('Task')!;
    const now = store.clock.now().getTime();
    store.transaction(() => {
      for (let i = 0; i < PAGING_CONTACTS; i++) {
        store.insert(
          contact,
          { LastName: `Page ${String(i).padStart(4, '0')}`, Department: 'Paging', OwnerId: adminId },
          adminId,
        );
      }
      const acme = store.insert(account, { Name: 'Acme', OwnerId: adminId }, adminId);
      store.insert(
        contact,
        {
          FirstName: 'Alan',
          LastName: 'Turing',
          Title: 'Dr',
          Department: 'Query',
          AccountId: acme,
          OwnerId: adminId,
          CreatedDate: new Date(now - 10 * DAY).toISOString(),
        },
        adminId,
      );
      store.insert(
        contact,
        {
          FirstName: 'Ada',
          LastName: 'Lovelace',
          Title: null,
          Department: 'Query',
          OwnerId: adminId,
          CreatedDate: new Date(now - 2 * DAY).toISOString(),
          Email: "ada.o'brien@example.com",
        },
        adminId,
      );
      deletedId = store.insert(
        contact,
        { FirstName: 'Gone', LastName: 'Deleted', Department: 'Query', OwnerId: adminId },
        adminId,
      );
      store.delete(contact, deletedId, adminId);
      const today = new Date(now).toISOString().slice(0, 10);
      store.insert(task, { Subject: 'Call today', ActivityDate: today, OwnerId: adminId }, adminId);
      store.insert(task, { Subject: 'Call 2024', ActivityDate: '2024-02-29', OwnerId: adminId }, adminId);
    });
  });

  after(async () => {
    await org.close();
  });

  describe('paging', () => {
    it('pages 4,500 records as 2,000 / 2,000 / 500 through nextRecordsUrl, without duplicates', async () => {
      const soql = "SELECT Id, LastName FROM Contact WHERE Department = 'Paging'";
      const first = await get(`/services/data/v60.0/query?q=${encodeURIComponent(soql)}`);
      assert.equal(first.contentType, 'application/json;charset=UTF-8');
      let page = first.body as Page;
      const sizes: number[] = [];
      const ids = new Set<string>();
      for (;;) {
        assert.equal(page.totalSize, PAGING_CONTACTS);
        sizes.push(page.records.length);
        for (const r of page.records) ids.add(r.Id as string);
        if (page.done) {
          assert.equal(page.nextRecordsUrl, undefined);
          break;
        }
        assert.match(page.nextRecordsUrl!, /^\/services\/data\/v60\.0\/query\/01g[A-Za-z0-9]{15}-\d+$/);
        const next = await get(page.nextRecordsUrl!);
        assert.equal(next.status, 200);
        page = next.body as Page;
      }
      assert.deepEqual(sizes, [2000, 2000, 500]);
      assert.equal(ids.size, PAGING_CONTACTS);
    });

    it('keeps the key order totalSize, done, nextRecordsUrl, records', async () => {
      const page = await query("SELECT Id FROM Contact WHERE Department = 'Paging'");
      assert.deepEqual(Object.keys(page), ['totalSize', 'done', 'nextRecordsUrl', 'records']);
    });

    it('honours Sforce-Query-Options: batchSize, held to 200..2000', async () => {
      const soql = encodeURIComponent("SELECT Id FROM Contact WHERE Department = 'Paging'");
      const small = await get(`/services/data/v60.0/query?q=${soql}`, admin, {
        'Sforce-Query-Options': 'batchSize=500',
      });
      assert.equal((small.body as Page).records.length, 500);
      assert.match((small.body as Page).nextRecordsUrl!, /-500$/);
      const tiny = await get(`/services/data/v60.0/query/?q=${soql}`, admin, { 'Sforce-Query-Options': 'batchSize=5' });
      assert.equal((tiny.body as Page).records.length, 200);
    });

    it('serves the same rows in the same order to every page read of a snapshot', async () => {
      const page = await query("SELECT Id FROM Contact WHERE Department = 'Paging' ORDER BY LastName DESC");
      const a = (await get(page.nextRecordsUrl!)).body as Page;
      const b = (await get(page.nextRecordsUrl!)).body as Page;
      assert.deepEqual(a.records, b.records);
    });

    it('jsforce pages through 4,500 records with autoFetch, unchanged', async () => {
      const conn = new jsforce.Connection({ instanceUrl: org.url, accessToken: admin, version: '60.0' });
      const result = await conn
        .query("SELECT Id, LastName FROM Contact WHERE Department = 'Paging' ORDER BY LastName")
        .autoFetch(true)
        .maxFetch(10_000);
      assert.equal(result.totalSize, PAGING_CONTACTS);
      assert.equal(result.records.length, PAGING_CONTACTS);
      assert.equal(new Set(result.records.map((r) => r.Id)).size, PAGING_CONTACTS);
      assert.equal(result.records[0].LastName, 'Page 0000');
      assert.equal(result.records[PAGING_CONTACTS - 1].LastName, 'Page 4499');
    });

    it('jsforce queryMore follows the locator by hand', async () => {
      const conn = new jsforce.Connection({ instanceUrl: org.url, accessToken: admin, version: '60.0' });
      const first = await conn.query("SELECT Id FROM Contact WHERE Department = 'Paging'");
      assert.equal(first.done, false);
      const second = await conn.queryMore(first.nextRecordsUrl!);
      assert.equal(second.records.length, 2000);
      assert.match(second.nextRecordsUrl!, /-4000$/);
    });

    it("answers INVALID_QUERY_LOCATOR for an unknown locator and for another user's", async () => {
      const unknown = await get('/services/data/v60.0/query/01gDx0000000001AAA-2000');
      assert.equal(unknown.status, 400);
      assert.deepEqual(unknown.body, [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
      const page = await query("SELECT Id FROM Contact WHERE Department = 'Paging'");
      const other = await get(page.nextRecordsUrl!, sessionFor(org, 'ann@test.example'));
      assert.deepEqual(other.body, [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
      assert.equal((await get('/services/data/v60.0/query/not-a-locator')).status, 400);
    });
  });

  describe('select list', () => {
    it('renders parent fields as nested records, and null for an empty reference', async () => {
      const page = await query(
        "SELECT id, lastname, Account.Name, Owner.Username FROM Contact WHERE Department = 'Query' ORDER BY LastName",
      );
      assert.deepEqual(names(page), ['Lovelace', 'Turing']);
      const [ada, alan] = page.records;
      assert.deepEqual(Object.keys(alan), ['attributes', 'Id', 'LastName', 'Account', 'Owner']);
      assert.equal(ada.Account, null);
      const acct = alan.Account as Record<string, unknown>;
      assert.deepEqual(Object.keys(acct), ['attributes', 'Name']);
      assert.equal(acct.Name, 'Acme');
      assert.match(
        (acct.attributes as { url: string }).url,
        /^\/services\/data\/v60\.0\/sobjects\/Account\/001[A-Za-z0-9]{15}$/,
      );
      assert.deepEqual(alan.Owner, {
        attributes: { type: 'User', url: `/services/data/v60.0/sobjects/User/${adminId}` },
        Username: 'admin@test.example',
      });
    });

    it('follows two relationships: Profile.UserLicense.Name', async () => {
      const page = await query(
        "SELECT Username, Profile.Name, Profile.UserLicense.Name FROM User WHERE Username = 'dee@test.example'",
      );
      const profile = page.records[0].Profile as Record<string, unknown>;
      assert.equal(profile.Name, 'Chatter Free User');
      assert.equal((profile.UserLicense as Record<string, unknown>).Name, 'Chatter Free');
    });

    it('renders values from their stored types', async () => {
      const page = await query("SELECT IsActive, CreatedDate, IsDeleted FROM User WHERE Username = 'old@test.example'");
      const r = page.records[0];
      assert.equal(r.IsActive, false);
      assert.equal(r.IsDeleted, false);
      assert.match(r.CreatedDate as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    });
  });

  describe('WHERE', () => {
    const contactsWhere = async (where: string) =>
      names(await query(`SELECT LastName FROM Contact WHERE Department = 'Query' AND (${where}) ORDER BY LastName`));

    it('compares with =, !=, <>, IN and NOT IN; != and NOT IN also match empty values', async () => {
      assert.deepEqual(await contactsWhere("LastName = 'turing'"), ['Turing']);
      assert.deepEqual(await contactsWhere("Title != 'Dr'"), ['Lovelace']);
      assert.deepEqual(await contactsWhere("Title <> 'Dr'"), ['Lovelace']);
      assert.deepEqual(await contactsWhere("FirstName IN ('Ada', 'Grace')"), ['Lovelace']);
      assert.deepEqual(await contactsWhere("Title NOT IN ('Dr')"), ['Lovelace']);
    });

    it('compares with null', async () => {
      assert.deepEqual(await contactsWhere('Title = null'), ['Lovelace']);
      assert.deepEqual(await contactsWhere('AccountId != null'), ['Turing']);
      assert.deepEqual(await contactsWhere('Account.Name = null'), ['Lovelace']);
    });

    it('matches LIKE case-insensitively, with % and _ and escapes', async () => {
      assert.deepEqual(await contactsWhere("LastName LIKE 'tur%'"), ['Turing']);
      assert.deepEqual(await contactsWhere("LastName LIKE '_ovelac_'"), ['Lovelace']);
      assert.deepEqual(await contactsWhere("Email LIKE '%o\\'brien%'"), ['Lovelace']);
      assert.deepEqual(await contactsWhere("Email LIKE 'ada\\_%'"), []);
    });

    it('combines AND, OR and NOT with parentheses', async () => {
      assert.deepEqual(await contactsWhere("LastName = 'Turing' OR (FirstName = 'Ada' AND Title = null)"), [
        'Lovelace',
        'Turing',
      ]);
      assert.deepEqual(await contactsWhere("NOT LastName = 'Turing'"), ['Lovelace']);
      assert.deepEqual(await contactsWhere("(NOT (LastName = 'Turing' OR LastName = 'Lovelace'))"), []);
    });

    it('filters booleans, parent fields and numbers', async () => {
      const inactive = await query('SELECT Username FROM User WHERE IsActive = false');
      assert.deepEqual(names(inactive, 'Username'), ['old@test.example']);
      const free = await query("SELECT Username FROM User WHERE Profile.UserLicense.Name = 'Chatter Free'");
      assert.deepEqual(names(free, 'Username'), ['dee@test.example']);
    });

    it("compares datetimes as instants, whatever the literal's offset", async () => {
      const alan = await query("SELECT CreatedDate FROM Contact WHERE LastName = 'Turing'");
      const created = new Date((alan.records[0].CreatedDate as string).replace('+0000', 'Z'));
      const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
      const plus2h = (d: Date) => new Date(d.getTime() + 2 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+02:00');
      const before = new Date(created.getTime() - 1000);
      assert.deepEqual(await contactsWhere(`CreatedDate > ${iso(before)} AND LastName = 'Turing'`), ['Turing']);
      assert.deepEqual(await contactsWhere(`CreatedDate > ${plus2h(before)} AND LastName = 'Turing'`), ['Turing']);
      assert.deepEqual(await contactsWhere(`CreatedDate < ${plus2h(before)} AND LastName = 'Turing'`), []);
    });

    it('understands date literals: TODAY, LAST_N_DAYS:n, THIS_MONTH', async () => {
      assert.deepEqual(await contactsWhere('CreatedDate = LAST_N_DAYS:5'), ['Lovelace']);
      assert.deepEqual(await contactsWhere('CreatedDate = LAST_N_DAYS:30'), ['Lovelace', 'Turing']);
      assert.deepEqual(await contactsWhere('CreatedDate < LAST_N_DAYS:5'), ['Turing']);
      const today = await query('SELECT Subject FROM Task WHERE ActivityDate = TODAY');
      assert.deepEqual(names(today, 'Subject'), ['Call today']);
      const month = await query('SELECT Subject FROM Task WHERE ActivityDate = THIS_MONTH');
      assert.deepEqual(names(month, 'Subject'), ['Call today']);
      const leap = await query('SELECT Subject FROM Task WHERE ActivityDate = 2024-02-29');
      assert.deepEqual(names(leap, 'Subject'), ['Call 2024']);
    });

    it('semi-joins: users holding a permission set', async () => {
      const page = await query(
        "SELECT Username FROM User WHERE Id IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.Name = 'API_Access')",
      );
      assert.deepEqual(names(page, 'Username'), ['cy@test.example']);
      const others = await query(
        'SELECT COUNT() FROM User WHERE Id NOT IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.PermissionsApiEnabled = true AND PermissionSet.IsOwnedByProfile = false)',
      );
      assert.equal(others.totalSize, 6);
    });
  });

  describe('ORDER BY, LIMIT, OFFSET, COUNT', () => {
    it('orders by several fields, parent fields and null placement', async () => {
      const desc = await query(
        "SELECT LastName FROM Contact WHERE Department = 'Query' ORDER BY Account.Name DESC NULLS FIRST, LastName",
      );
      assert.deepEqual(names(desc), ['Lovelace', 'Turing']);
      const asc = await query(
        "SELECT LastName FROM Contact WHERE Department = 'Query' ORDER BY Account.Name ASC NULLS LAST",
      );
      assert.deepEqual(names(asc), ['Turing', 'Lovelace']);
      const users = await query('SELECT Username FROM User ORDER BY Profile.Name, Username DESC LIMIT 3');
      assert.deepEqual(names(users, 'Username'), ['eve@test.example', 'dee@test.example', 'cy@test.example']);
    });

    it('applies LIMIT and OFFSET, and refuses an OFFSET over 2,000', async () => {
      const page = await query(
        "SELECT LastName FROM Contact WHERE Department = 'Paging' ORDER BY LastName LIMIT 3 OFFSET 10",
      );
      assert.equal(page.totalSize, 3);
      assert.deepEqual(names(page), ['Page 0010', 'Page 0011', 'Page 0012']);
      const err = await queryError('SELECT Id FROM Contact OFFSET 2001');
      assert.deepEqual(err, {
        status: 400,
        body: [{ message: 'Maximum SOQL offset allowed is 2000', errorCode: 'NUMBER_OUTSIDE_VALID_RANGE' }],
      });
    });

    it('answers COUNT() with totalSize and no records', async () => {
      const page = await query("SELECT COUNT() FROM Contact WHERE Department = 'Paging'");
      assert.deepEqual(page, { totalSize: PAGING_CONTACTS, done: true, records: [] });
    });

    it('answers COUNT(Id) and GROUP BY as AggregateResult rows', async () => {
      const page = await query("SELECT COUNT(Id) FROM Contact WHERE Department = 'Query'");
      assert.deepEqual(page, {
        totalSize: 1,
        done: true,
        records: [{ attributes: { type: 'AggregateResult' }, expr0: 2 }],
      });
      const grouped = await query(
        'SELECT Profile.Name, COUNT(Id) n FROM User GROUP BY Profile.Name ORDER BY COUNT(Id) DESC, Profile.Name LIMIT 2',
      );
      assert.deepEqual(grouped.records, [
        { attributes: { type: 'AggregateResult' }, Name: 'Sales Rep (no API)', n: 2 },
        { attributes: { type: 'AggregateResult' }, Name: 'Standard User', n: 2 },
      ]);
    });
  });

  describe('query and queryAll', () => {
    it('query leaves deleted records out; queryAll shows them with IsDeleted true', async () => {
      const soql = "SELECT Id, IsDeleted FROM Contact WHERE LastName = 'Deleted'";
      assert.equal((await query(soql)).totalSize, 0);
      const all = await query(soql, 'queryAll');
      assert.deepEqual(
        all.records.map((r) => [r.Id, r.IsDeleted]),
        [[deletedId, true]],
      );
      const slash = await get(`/services/data/v60.0/queryAll/?q=${encodeURIComponent(soql)}`);
      assert.equal((slash.body as Page).totalSize, 1);
    });

    it('queryAll pages on /queryAll/{locator}', async () => {
      const page = await query("SELECT Id FROM Contact WHERE Department = 'Paging'", 'queryAll');
      assert.match(page.nextRecordsUrl!, /^\/services\/data\/v60\.0\/queryAll\/01g/);
      assert.equal(((await get(page.nextRecordsUrl!)).body as Page).records.length, 2000);
    });

    it('shows a non-admin only the records they own', async () => {
      const ann = sessionFor(org, 'ann@test.example');
      const page = await query('SELECT LastName FROM Contact', 'query', ann);
      assert.deepEqual(names(page), ['Hopper']);
    });
  });

  describe('errors, as Salesforce words them', () => {
    const WSDL = 'Please reference your WSDL or the describe call for the appropriate names.';

    it('MALFORMED_QUERY for a statement that does not parse', async () => {
      assert.deepEqual(await queryError('invalid'), {
        status: 400,
        body: [{ message: "unexpected token: 'invalid'", errorCode: 'MALFORMED_QUERY' }],
      });
      assert.deepEqual(await queryError('SELECT Id FROM Contact WHERE'), {
        status: 400,
        body: [{ message: "unexpected token: '<EOF>'", errorCode: 'MALFORMED_QUERY' }],
      });
      assert.deepEqual(await queryError('SELECT Id, FROM Account'), {
        status: 400,
        body: [
          {
            message: "\nSELECT Id, FROM Account\n           ^\nERROR at Row:1:Column:12\nunexpected token: 'FROM'",
            errorCode: 'MALFORMED_QUERY',
          },
        ],
      });
    });

    it('MALFORMED_QUERY when AND and OR mix without parentheses', async () => {
      const soql = "SELECT Id FROM Contact WHERE LastName = 'a' AND FirstName = 'b' OR Title = 'c'";
      const offset = soql.indexOf(' OR ') + 1;
      assert.deepEqual(await queryError(soql), {
        status: 400,
        body: [
          {
            message: `\n${soql}\n${' '.repeat(offset)}^\nERROR at Row:1:Column:${offset + 1}\nunexpected token: 'OR'`,
            errorCode: 'MALFORMED_QUERY',
          },
        ],
      });
    });

    it('MALFORMED_QUERY when q is missing or empty', async () => {
      for (const path of [
        '/services/data/v60.0/query',
        '/services/data/v60.0/query/?q=',
        '/services/data/v60.0/queryAll?q=%20',
      ]) {
        const res = await get(path);
        assert.equal(res.status, 400);
        assert.equal((res.body as Array<{ errorCode: string }>)[0].errorCode, 'MALFORMED_QUERY');
      }
    });

    it('INVALID_TYPE for an unknown sObject', async () => {
      assert.deepEqual(await queryError('select count() from XYZZY'), {
        status: 400,
        body: [
          {
            message:
              "\nselect count() from XYZZY\n                    ^\nERROR at Row:1:Column:21\nsObject type 'XYZZY' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. " +
              WSDL,
            errorCode: 'INVALID_TYPE',
          },
        ],
      });
    });

    it('INVALID_FIELD for an unknown field or relationship', async () => {
      assert.deepEqual(await queryError('SELECT Id, Foo__c FROM Account'), {
        status: 400,
        body: [
          {
            message:
              "\nSELECT Id, Foo__c FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo__c' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. " +
              WSDL,
            errorCode: 'INVALID_FIELD',
          },
        ],
      });
      const rel = await queryError('SELECT Acount.Name FROM Contact');
      assert.equal((rel.body as Array<{ errorCode: string }>)[0].errorCode, 'INVALID_FIELD');
      assert.match(
        (rel.body as Array<{ message: string }>)[0].message,
        /Didn't understand relationship 'Acount' in field path/,
      );
    });

    it('INVALID_FIELD for a literal of the wrong type, INVALID_QUERY_FILTER_OPERATOR for a bad id', async () => {
      const bool = await queryError("SELECT Id FROM User WHERE IsActive = 'true'");
      assert.match(
        (bool.body as Array<{ message: string }>)[0].message,
        /value of filter criterion for field 'IsActive' must be of type boolean and should not be enclosed in quotes$/,
      );
      const date = await queryError('SELECT Id FROM User WHERE CreatedDate > 2024-01-01');
      assert.match(
        (date.body as Array<{ message: string }>)[0].message,
        /must be of type dateTime and should not be enclosed in quotes$/,
      );
      assert.deepEqual(await queryError("SELECT Id FROM Contact WHERE Id = 'ZZZ'"), {
        status: 400,
        body: [
          {
            message:
              "\nSELECT Id FROM Contact WHERE Id = 'ZZZ'\n                             ^\nERROR at Row:1:Column:30\ninvalid ID field: ZZZ",
            errorCode: 'INVALID_QUERY_FILTER_OPERATOR',
          },
        ],
      });
    });

    it('never answers 500, whatever the query (fuzz)', async () => {
      let seed = 42;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
      const pieces = [
        'SELECT',
        'Id',
        'Name',
        ',',
        'FROM',
        'Contact',
        'User',
        'WHERE',
        'AND',
        'OR',
        'NOT',
        '(',
        ')',
        '=',
        '!=',
        '<',
        'LIKE',
        'IN',
        "'x'",
        "'\\'",
        '\\',
        '5',
        '-1',
        'null',
        'true',
        '2024-01-01',
        '2024-01-01T00:00:00Z',
        'TODAY',
        'LAST_N_DAYS:99999999',
        'ORDER BY',
        'LIMIT',
        'OFFSET',
        'LIMIT 99999999999999999999',
        'COUNT()',
        'COUNT(Id)',
        'GROUP BY',
        'Profile.Name',
        'Account.Owner.Profile.Name',
        '"',
        ';',
        '--',
        '%',
        '_',
        ':x',
        'Id IN (SELECT AssigneeId FROM PermissionSetAssignment)',
        'é',
        '\u0000',
        'NULLS LAST',
        'DESC',
      ];
      const queries: string[] = [];
      for (let i = 0; i < 150; i++) {
        const n = 1 + Math.floor(random() * 12);
        queries.push(Array.from({ length: n }, () => pick(pieces)).join(' '));
        queries.push(`SELECT Id FROM Contact ${Array.from({ length: n }, () => pick(pieces)).join(' ')}`);
        queries.push(Array.from({ length: n }, () => String.fromCharCode(Math.floor(random() * 0x2500))).join(''));
      }
      for (const soql of queries) {
        const res = await get(`/services/data/v60.0/query?q=${encodeURIComponent(soql)}`);
        assert.ok(
          res.status === 200 || res.status === 400,
          `${res.status} for ${JSON.stringify(soql)}: ${JSON.stringify(res.body)}`,
        );
        if (res.status === 400)
          assert.ok(Array.isArray(res.body) && typeof (res.body[0] as { errorCode: string }).errorCode === 'string');
      }
    });
  });
});
