/**
 * Lead, Opportunity, Case and the complete Account (issue 15 item 6) through jsforce 3.10.16: describe with a stock
 * org's picklists, create/read/update/delete and Collections, fields Salesforce computes (Lead.Name, CaseNumber,
 * Opportunity.IsClosed/IsWon, Case.IsClosed), parent relationships in SOQL, polymorphic `Who`/`What` on Task and
 * Event, SOSL `RETURNING Lead(...)`, and another user's private records staying out of reach.
 */
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { startTestOrg, testSeed } from '../../helpers/org';

type Conn = InstanceType<typeof jsforce.Connection>;
type Rec = Record<string, unknown>;
type Field = { name: string; type: string; picklistValues: Array<{ value: string; defaultValue: boolean }> } & Rec;

describe('local org: Lead, Opportunity, Case and Account', function () {
  this.timeout(60_000);
  let org: LocalOrg;
  let ann: Conn;
  let admin: Conn;
  const V = '60.0';

  const login = async (username: string, password: string) => {
    const conn = new jsforce.Connection({ loginUrl: org.url, version: V });
    await conn.login(username, password);
    return conn;
  };
  const created = async (conn: Conn, type: string, fields: Rec) => {
    const res = (await conn.sobject(type).create(fields)) as { id: string; success: boolean };
    assert.equal(res.success, true, JSON.stringify(res));
    return res.id;
  };

  before(async () => {
    org = await startTestOrg();
    ann = await login('ann@test.example', 'Ann-pass-1');
    admin = await login('admin@test.example', 'Admin-pass-1');
  });
  after(async () => org.close());

  it('describes the objects with their stock picklists and polymorphic activity references', async () => {
    const global = await ann.describeGlobal();
    for (const name of ['Lead', 'Opportunity', 'Case', 'Account'])
      assert.ok(
        global.sobjects.some((o) => o.name === name),
        name,
      );
    const lead = await ann.sobject('Lead').describe();
    assert.equal(lead.keyPrefix, '00Q');
    const leadFields = new Map((lead.fields as unknown as Field[]).map((f) => [f.name, f]));
    for (const f of [
      'FirstName',
      'LastName',
      'Company',
      'Email',
      'Phone',
      'Status',
      'IsConverted',
      'ConvertedContactId',
    ])
      assert.ok(leadFields.has(f), f);
    const status = leadFields.get('Status')!;
    assert.deepEqual(
      status.picklistValues.map((v) => v.value),
      ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
    );
    assert.deepEqual(
      status.picklistValues.filter((v) => v.defaultValue).map((v) => v.value),
      ['Open - Not Contacted'],
    );
    assert.deepEqual(leadFields.get('ConvertedContactId')!.referenceTo, ['Contact']);

    const opp = await ann.sobject('Opportunity').describe();
    const stage = (opp.fields as unknown as Field[]).find((f) => f.name === 'StageName')!;
    assert.equal(stage.nillable, false);
    assert.ok(stage.picklistValues.some((v) => v.value === 'Closed Won'));
    const amount = (opp.fields as unknown as Field[]).find((f) => f.name === 'Amount')!;
    assert.equal(amount.type, 'currency');
    assert.equal(amount.soapType, 'xsd:double');

    const kase = await ann.sobject('Case').describe();
    const caseNumber = (kase.fields as unknown as Field[]).find((f) => f.name === 'CaseNumber')!;
    assert.equal(caseNumber.autoNumber, true);
    assert.equal(caseNumber.createable, false);
    assert.equal(caseNumber.nameField, true);

    const account = await ann.sobject('Account').describe();
    const accountFields = new Map((account.fields as unknown as Field[]).map((f) => [f.name, f]));
    for (const f of ['Industry', 'Phone', 'Website', 'Type', 'BillingCity', 'ShippingCountry', 'AnnualRevenue'])
      assert.ok(accountFields.has(f), f);
    assert.ok(accountFields.get('Industry')!.picklistValues.some((v) => v.value === 'Technology'));
    assert.ok(
      (account.childRelationships as Array<{ childSObject: string; relationshipName: string | null }>).some(
        (r) => r.childSObject === 'Opportunity' && r.relationshipName === 'Opportunities',
      ),
    );

    const task = await ann.sobject('Task').describe();
    const who = (task.fields as unknown as Field[]).find((f) => f.name === 'WhoId')!;
    const what = (task.fields as unknown as Field[]).find((f) => f.name === 'WhatId')!;
    assert.deepEqual(who.referenceTo, ['Contact', 'Lead']);
    assert.deepEqual(what.referenceTo, ['Account', 'Opportunity', 'Case']);
    assert.equal(who.polymorphicForeignKey, true);
  });

  it('creates, reads, updates and deletes leads, computing Name and refusing a lead without Company', async () => {
    const id = await created(ann, 'Lead', {
      FirstName: 'Lea',
      LastName: 'Dunn',
      Company: 'Dunn Ltd',
      Email: 'lea@dunn.example',
    });
    const lead = (await ann.sobject('Lead').retrieve(id)) as Rec;
    assert.equal(lead.Name, 'Lea Dunn');
    assert.equal(lead.Status, 'Open - Not Contacted');
    assert.equal(lead.IsConverted, false);
    await ann.sobject('Lead').update({ Id: id, Status: 'Working - Contacted', LastName: 'Dunne' });
    const again = (await ann.sobject('Lead').retrieve(id)) as Rec;
    assert.equal(again.Name, 'Lea Dunne');
    assert.equal(again.Status, 'Working - Contacted');

    const missing = await ann
      .sobject('Lead')
      .create({ LastName: 'NoCompany' })
      .then(
        (r) => r,
        (e: { errorCode?: string; message?: string }) => e,
      );
    assert.match(JSON.stringify(missing), /REQUIRED_FIELD_MISSING/);
    assert.match(JSON.stringify(missing), /Company/);

    await ann.sobject('Lead').destroy(id);
    assert.equal((await ann.query(`SELECT Id FROM Lead WHERE Id = '${id}'`)).totalSize, 0);
  });

  it('derives IsClosed, IsWon and Probability from the stage, and numbers cases in order', async () => {
    const acct = await created(ann, 'Account', { Name: 'Globex', Industry: 'Technology', BillingCity: 'Springfield' });
    const opp = await created(ann, 'Opportunity', {
      Name: 'Globex renewal',
      AccountId: acct,
      StageName: 'Prospecting',
      CloseDate: '2027-03-31',
      Amount: 12500.5,
    });
    let row = (await ann.sobject('Opportunity').retrieve(opp)) as Rec;
    assert.deepEqual([row.IsClosed, row.IsWon, row.Probability, row.Amount], [false, false, 10, 12500.5]);
    await ann.sobject('Opportunity').update({ Id: opp, StageName: 'Closed Won' });
    row = (await ann.sobject('Opportunity').retrieve(opp)) as Rec;
    assert.deepEqual([row.IsClosed, row.IsWon, row.ForecastCategoryName], [true, true, 'Closed']);

    const missingStage = await ann
      .sobject('Opportunity')
      .create({ Name: 'No stage', CloseDate: '2027-01-01' })
      .then(
        (r) => r,
        (e: unknown) => e,
      );
    assert.match(JSON.stringify(missingStage), /REQUIRED_FIELD_MISSING/);

    const first = await created(ann, 'Case', { Subject: 'Broken', AccountId: acct });
    const second = await created(ann, 'Case', { Subject: 'Also broken', Status: 'Closed' });
    const cases = await ann.query<Rec>(
      `SELECT Id, CaseNumber, Status, Priority, IsClosed, ClosedDate FROM Case WHERE Id IN ('${first}', '${second}') ORDER BY CaseNumber`,
    );
    const [a, b] = cases.records;
    assert.match(String(a.CaseNumber), /^\d{8}$/);
    assert.equal(Number(b.CaseNumber), Number(a.CaseNumber) + 1);
    assert.deepEqual([a.Status, a.Priority, a.IsClosed, a.ClosedDate], ['New', 'Medium', false, null]);
    assert.deepEqual([b.Status, b.IsClosed], ['Closed', true]);
    assert.match(String(b.ClosedDate), /^\d{4}-\d\d-\d\dT/);
    const refused = await ann
      .sobject('Case')
      .update({ Id: first, CaseNumber: '1' })
      .then(
        (r) => r,
        (e: unknown) => e,
      );
    assert.match(JSON.stringify(refused), /INVALID_FIELD_FOR_INSERT_UPDATE|CaseNumber/);
  });

  it('reads parent relationships: Opportunity.Account.Name and Case.Contact.Email', async () => {
    const acct = await created(ann, 'Account', { Name: 'Initech', Website: 'https://initech.example' });
    const contact = await created(ann, 'Contact', {
      LastName: 'Lumbergh',
      Email: 'bill@initech.example',
      AccountId: acct,
    });
    await created(ann, 'Opportunity', {
      Name: 'Initech TPS',
      AccountId: acct,
      StageName: 'Qualification',
      CloseDate: '2027-02-01',
    });
    await created(ann, 'Case', { Subject: 'Stapler', ContactId: contact, AccountId: acct, Origin: 'Email' });

    const opps = await ann.query<Rec>(
      "SELECT Name, Account.Name, Account.Website FROM Opportunity WHERE Account.Name = 'Initech'",
    );
    assert.equal(opps.totalSize, 1);
    assert.deepEqual(
      { name: opps.records[0].Name, account: opps.records[0].Account },
      {
        name: 'Initech TPS',
        account: {
          attributes: { type: 'Account', url: `/services/data/v${V}/sobjects/Account/${acct}` },
          Name: 'Initech',
          Website: 'https://initech.example',
        },
      },
    );
    const cases = await ann.query<Rec>(
      "SELECT Subject, Contact.Email, Account.Name FROM Case WHERE Contact.Email = 'bill@initech.example'",
    );
    assert.equal(cases.totalSize, 1);
    assert.equal((cases.records[0].Contact as Rec).Email, 'bill@initech.example');
    assert.equal((cases.records[0].Account as Rec).Name, 'Initech');
    const children = await ann.query<Rec>(`SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity)`);
    assert.ok(children.records.some((r) => r.Id === acct));

    // sObject Tree: an account with its opportunities and cases under their child relationship names.
    const tree = await ann.requestPost<{ hasErrors: boolean; results: Array<{ referenceId: string; id: string }> }>(
      `/services/data/v${V}/composite/tree/Account`,
      {
        records: [
          {
            attributes: { type: 'Account', referenceId: 'acct' },
            Name: 'Tree Account',
            Opportunities: {
              records: [
                {
                  attributes: { type: 'Opportunity', referenceId: 'opp' },
                  Name: 'Tree deal',
                  StageName: 'Prospecting',
                  CloseDate: '2027-04-04',
                },
              ],
            },
            Cases: { records: [{ attributes: { type: 'Case', referenceId: 'case' }, Subject: 'Tree case' }] },
          },
        ],
      },
    );
    assert.equal(tree.hasErrors, false, JSON.stringify(tree));
    const treeOpp = await ann.query<Rec>("SELECT Account.Name FROM Opportunity WHERE Name = 'Tree deal'");
    assert.equal((treeOpp.records[0].Account as Rec).Name, 'Tree Account');
    const treeCase = await ann.query<Rec>("SELECT Account.Name FROM Case WHERE Subject = 'Tree case'");
    assert.equal((treeCase.records[0].Account as Rec).Name, 'Tree Account');
  });

  it('links tasks and events to leads, opportunities and cases, read through polymorphic Who and What', async () => {
    const lead = await created(ann, 'Lead', {
      FirstName: 'Pat',
      LastName: 'Poly',
      Company: 'Poly Co',
      Email: 'pat@poly.example',
    });
    const acct = await created(ann, 'Account', { Name: 'Poly Account' });
    const opp = await created(ann, 'Opportunity', {
      Name: 'Poly deal',
      AccountId: acct,
      StageName: 'Prospecting',
      CloseDate: '2027-05-05',
    });
    const contact = await created(ann, 'Contact', { FirstName: 'Cora', LastName: 'Poly' });
    const kase = await created(ann, 'Case', { Subject: 'Poly case', ContactId: contact });
    await created(ann, 'Task', { Subject: 'Call Pat', WhoId: lead, WhatId: opp });
    await created(ann, 'Task', { Subject: 'Call Cora', WhoId: contact, WhatId: kase });
    await created(ann, 'Event', {
      Subject: 'Meet Pat',
      WhoId: lead,
      WhatId: acct,
      StartDateTime: '2027-01-10T10:00:00.000Z',
      EndDateTime: '2027-01-10T11:00:00.000Z',
    });

    const tasks = await ann.query<Rec>(
      "SELECT Subject, Who.Name, Who.Type, Who.Email, What.Name, What.Type FROM Task WHERE Subject LIKE 'Call %' ORDER BY Subject",
    );
    const caseNumber = ((await ann.sobject('Case').retrieve(kase)) as Rec).CaseNumber;
    assert.deepEqual(
      tasks.records.map((r) => [r.Subject, r.Who, r.What]),
      [
        [
          'Call Cora',
          {
            attributes: { type: 'Name', url: `/services/data/v${V}/sobjects/Contact/${contact}` },
            Name: 'Cora Poly',
            Type: 'Contact',
            Email: null,
          },
          {
            attributes: { type: 'Name', url: `/services/data/v${V}/sobjects/Case/${kase}` },
            Name: caseNumber,
            Type: 'Case',
          },
        ],
        [
          'Call Pat',
          {
            attributes: { type: 'Name', url: `/services/data/v${V}/sobjects/Lead/${lead}` },
            Name: 'Pat Poly',
            Type: 'Lead',
            Email: 'pat@poly.example',
          },
          {
            attributes: { type: 'Name', url: `/services/data/v${V}/sobjects/Opportunity/${opp}` },
            Name: 'Poly deal',
            Type: 'Opportunity',
          },
        ],
      ],
    );
    const byType = await ann.query<Rec>("SELECT Subject FROM Task WHERE Who.Type = 'Lead'");
    assert.deepEqual(
      byType.records.map((r) => r.Subject),
      ['Call Pat'],
    );
    const semi = await ann.query<Rec>('SELECT Subject FROM Task WHERE WhoId IN (SELECT Id FROM Lead)');
    assert.deepEqual(
      semi.records.map((r) => r.Subject),
      ['Call Pat'],
    );
    const events = await ann.query<Rec>("SELECT What.Name, What.Type, Who.Name FROM Event WHERE Subject = 'Meet Pat'");
    assert.equal((events.records[0].What as Rec).Name, 'Poly Account');
    assert.equal((events.records[0].What as Rec).Type, 'Account');
    assert.equal((events.records[0].Who as Rec).Name, 'Pat Poly');

    // A Who that is not a person, or a What that is not a business record, is refused by its field.
    const wrongWho = await ann
      .sobject('Task')
      .create({ Subject: 'x', WhoId: acct })
      .then(
        (r) => r,
        (e: unknown) => e,
      );
    assert.match(JSON.stringify(wrongWho), /MALFORMED_ID.*WhoId|WhoId.*MALFORMED_ID/);
  });

  it("reads TYPEOF What WHEN ... THEN ... ELSE ... END as each record's own object", async () => {
    const acct = await created(ann, 'Account', { Name: 'Typeof Account', Industry: 'Energy' });
    const opp = await created(ann, 'Opportunity', {
      Name: 'Typeof deal',
      AccountId: acct,
      StageName: 'Prospecting',
      CloseDate: '2027-06-06',
      Amount: 900,
    });
    const kase = await created(ann, 'Case', { Subject: 'Typeof case' });
    await created(ann, 'Task', { Subject: 'Typeof 1', WhatId: opp });
    await created(ann, 'Task', { Subject: 'Typeof 2', WhatId: acct });
    await created(ann, 'Task', { Subject: 'Typeof 3', WhatId: kase });
    await created(ann, 'Task', { Subject: 'Typeof 4' });
    const res = await ann.query<Rec>(
      "SELECT Subject, TYPEOF What WHEN Opportunity THEN Name, Amount, StageName WHEN Account THEN Name, Industry ELSE Name END FROM Task WHERE Subject LIKE 'Typeof%' ORDER BY Subject",
    );
    const caseNumber = ((await ann.sobject('Case').retrieve(kase)) as Rec).CaseNumber;
    const url = (type: string, id: string) => `/services/data/v${V}/sobjects/${type}/${id}`;
    assert.deepEqual(
      res.records.map((r) => r.What),
      [
        {
          attributes: { type: 'Opportunity', url: url('Opportunity', opp) },
          Name: 'Typeof deal',
          Amount: 900,
          StageName: 'Prospecting',
        },
        { attributes: { type: 'Account', url: url('Account', acct) }, Name: 'Typeof Account', Industry: 'Energy' },
        { attributes: { type: 'Case', url: url('Case', kase) }, Name: caseNumber },
        null,
      ],
    );
    await assert.rejects(
      async () => ann.query('SELECT TYPEOF What WHEN Lead THEN Name END FROM Task').then((r) => r),
      /MALFORMED_QUERY[\s\S]*Lead is not one of its types|Lead is not one of its types/,
    );
  });

  it("keeps another user's private leads, opportunities and cases out of reach", async () => {
    const lead = await created(admin, 'Lead', {
      LastName: 'Secret',
      Company: 'Hidden Inc',
      Email: 'secret@hidden.example',
    });
    const acct = await created(admin, 'Account', { Name: 'Hidden Account' });
    const opp = await created(admin, 'Opportunity', {
      Name: 'Hidden deal',
      AccountId: acct,
      StageName: 'Prospecting',
      CloseDate: '2027-01-01',
    });
    const kase = await created(admin, 'Case', { Subject: 'Hidden case' });
    for (const [type, id] of [
      ['Lead', lead],
      ['Opportunity', opp],
      ['Case', kase],
    ]) {
      assert.equal((await ann.query(`SELECT Id FROM ${type} WHERE Id = '${id}'`)).totalSize, 0, type);
      await assert.rejects(ann.sobject(type).retrieve(id), /NOT_FOUND|ENTITY_IS_DELETED|INSUFFICIENT/, type);
    }
    // The admin sees them, and sees a task of ann's pointing at ann's own lead.
    assert.equal((await admin.query(`SELECT Id FROM Lead WHERE Id = '${lead}'`)).totalSize, 1);

    // Ann cannot point her task at the admin's lead.
    const refused = await ann
      .sobject('Task')
      .create({ Subject: 'Peek', WhoId: lead })
      .then(
        (r) => r,
        (e: unknown) => e,
      );
    assert.match(JSON.stringify(refused), /INSUFFICIENT_ACCESS|insufficient access/);

    // A task of ann's that the admin linked to the admin's lead and deal: Who and What read as absent for ann.
    const annId = ((await ann.identity()) as { user_id: string }).user_id;
    const task = await created(admin, 'Task', { Subject: 'Linked by admin', OwnerId: annId, WhoId: lead, WhatId: opp });
    const seen = await ann.query<Rec>(`SELECT Who.Name, What.Name FROM Task WHERE Id = '${task}'`);
    assert.deepEqual([seen.records[0].Who, seen.records[0].What], [null, null]);
    const typed = await ann.query<Rec>(
      `SELECT TYPEOF What WHEN Opportunity THEN Name, Amount END FROM Task WHERE Id = '${task}'`,
    );
    assert.equal(typed.records[0].What, null);
    const asAdmin = await admin.query<Rec>(`SELECT Who.Name, What.Name FROM Task WHERE Id = '${task}'`);
    assert.equal((asAdmin.records[0].Who as Rec).Name, 'Secret');
    assert.equal((asAdmin.records[0].What as Rec).Name, 'Hidden deal');
    // Ann's search does not find the admin's lead.
    const search = await ann.search('FIND {secret@hidden.example} IN EMAIL FIELDS RETURNING Lead(Id)');
    assert.equal(search.searchRecords.length, 0);
  });

  it('creates leads through Collections and finds them with SOSL RETURNING Lead(...)', async () => {
    const results = (await ann.sobject('Lead').create(
      [
        { LastName: 'Bulk1', Company: 'Collections Co', Email: 'one@collections.example' },
        { LastName: 'Bulk2', Company: 'Collections Co', Email: 'two@collections.example' },
      ],
      { allOrNone: true },
    )) as Array<{ success: boolean }>;
    assert.deepEqual(
      results.map((r) => r.success),
      [true, true],
    );
    const found = await ann.search(
      'FIND {two@collections.example} IN EMAIL FIELDS RETURNING Lead(Name, Company, Email), Contact(Name)',
    );
    assert.deepEqual(
      found.searchRecords.map((r) => [r.attributes?.type, (r as Rec).Name, (r as Rec).Company]),
      [['Lead', 'Bulk2', 'Collections Co']],
    );
    const byName = await ann.search('FIND {Bulk1} IN NAME FIELDS RETURNING Lead(Email)');
    assert.deepEqual(
      byName.searchRecords.map((r) => (r as Rec).Email),
      ['one@collections.example'],
    );
  });

  it('seeds leads, opportunities and cases, linked to earlier seeded records by records.Type[i]', async () => {
    const seed = testSeed();
    const ann = 'username:ann@test.example';
    seed.records = {
      Account: [{ Name: 'Seeded Account', Industry: 'Banking', OwnerId: ann }],
      Contact: [
        { LastName: 'Seeded Contact', Email: 'sc@seed.example', AccountId: 'records.Account[0]', OwnerId: ann },
      ],
      Lead: [{ LastName: 'Seeded', Company: 'Seed Co', OwnerId: ann }],
      Opportunity: [
        {
          Name: 'Seeded deal',
          AccountId: 'records.Account[0]',
          StageName: 'Closed Lost',
          CloseDate: '2026-12-01',
          OwnerId: ann,
        },
      ],
      Case: [{ Subject: 'Seeded case', ContactId: 'records.Contact[0]', OwnerId: ann }],
      Task: [{ Subject: 'Seeded task', WhoId: 'records.Lead[0]', WhatId: 'records.Opportunity[0]', OwnerId: ann }],
    };
    const seeded = await startTestOrg(seed);
    try {
      const conn = new jsforce.Connection({ loginUrl: seeded.url, version: V });
      await conn.login('ann@test.example', 'Ann-pass-1');
      assert.equal((await conn.query<Rec>('SELECT Name FROM Lead')).records[0].Name, 'Seeded');
      const opp = (await conn.query<Rec>('SELECT IsClosed, IsWon, Account.Name FROM Opportunity')).records[0];
      assert.deepEqual([opp.IsClosed, opp.IsWon, (opp.Account as Rec).Name], [true, false, 'Seeded Account']);
      const kase = (await conn.query<Rec>('SELECT CaseNumber, Contact.Email FROM Case')).records[0];
      assert.deepEqual([kase.CaseNumber, (kase.Contact as Rec).Email], ['00001001', 'sc@seed.example']);
      const task = (await conn.query<Rec>('SELECT Who.Type, What.Name FROM Task')).records[0];
      assert.deepEqual([(task.Who as Rec).Type, (task.What as Rec).Name], ['Lead', 'Seeded deal']);
    } finally {
      await seeded.close();
    }

    const bad = testSeed();
    bad.records = {
      Opportunity: [{ Name: 'x', StageName: 'Prospecting', CloseDate: '2027-01-01', AccountId: 'records.Account[0]' }],
    };
    await assert.rejects(startTestOrg(bad), (e: Error) => {
      assert.match(
        String((e as { problems?: string[] }).problems ?? e.message),
        /records\.Opportunity\[0\]\.AccountId: "records\.Account\[0\]" names no record seeded before this one/,
      );
      return true;
    });
  });
});
