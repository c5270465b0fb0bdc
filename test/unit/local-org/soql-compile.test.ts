import assert from 'node:assert/strict';
import { OrgStore } from '../../../sync-engine/src/local-org/store';
import { SalesforceRestError } from '../../../sync-engine/src/local-org/errors';
import { compileSoql, CompileOptions, QueryPlan, RecordsPlan } from '../../../sync-engine/src/local-org/soql/compile';
import { dateLiteralRange } from '../../../sync-engine/src/local-org/soql/date-literals';
import { parseLocator } from '../../../sync-engine/src/local-org/soql/cursors';

const NOW = new Date('2024-03-13T15:30:00.000Z'); // a Wednesday
const options: CompileOptions = { now: NOW, includeDeleted: false };

function records(soql: string, o: Partial<CompileOptions> = {}): RecordsPlan {
  const plan = compileSoql(soql, { ...options, ...o });
  assert.equal(plan.kind, 'records');
  return plan as RecordsPlan;
}

function compileError(soql: string): SalesforceRestError {
  try {
    compileSoql(soql, options);
  } catch (err) {
    assert.ok(err instanceof SalesforceRestError, String(err));
    return err;
  }
  throw new assert.AssertionError({ message: `compiled: ${soql}` });
}

describe('local-org/soql/compile', () => {
  let store: OrgStore;

  before(() => {
    store = new OrgStore(':memory:');
  });

  after(() => {
    store.close();
  });

  /** Every statement of a plan must be valid SQL for the store's tables. */
  function prepareAll(plan: QueryPlan): void {
    if (plan.kind === 'records') {
      store.db.prepare(plan.ids.sql);
      store.db.prepare(plan.page.sql);
    } else {
      store.db.prepare(plan.kind === 'count' ? plan.count.sql : plan.rows.sql);
    }
  }

  it('passes every literal as a parameter, never as SQL text', () => {
    const plan = records("SELECT Id FROM Contact WHERE LastName = 'x\\' OR 1=1 --' AND Email IN ('a@b.c', 'd@e.f')");
    assert.ok(!plan.ids.sql.includes('1=1'));
    assert.ok(!plan.ids.sql.includes('a@b.c'));
    assert.deepEqual(plan.ids.params, ["x' OR 1=1 --", 'a@b.c', 'd@e.f']);
    prepareAll(plan);
  });

  it('leaves deleted records out of query and in for queryAll', () => {
    assert.match(records('SELECT Id FROM Contact').ids.sql, /"IsDeleted" = 0/);
    assert.doesNotMatch(records('SELECT Id FROM Contact', { includeDeleted: true }).ids.sql, /IsDeleted/);
    assert.doesNotMatch(records('SELECT Id FROM LoginHistory').ids.sql, /IsDeleted/);
  });

  it('restricts owned objects to the owner when asked, and only those', () => {
    const viewer = { userId: '005x', isAdmin: false, manageUsers: false };
    const contacts = records('SELECT Id FROM Contact', { viewer });
    assert.match(contacts.ids.sql, /"OwnerId" = @viewer/);
    assert.deepEqual(contacts.ids.named, { viewer: '005x' });
    assert.doesNotMatch(records('SELECT Id FROM User', { viewer }).ids.sql, /@viewer/);
    assert.doesNotMatch(records('SELECT Id FROM Contact', { viewer: { ...viewer, isAdmin: true } }).ids.sql, /@viewer/);
  });

  it('restricts the objects of semi-joins and joined parents too, in SQL that prepares', () => {
    const viewer = { userId: '005x', isAdmin: false, manageUsers: false };
    const semi = records("SELECT Id FROM User WHERE Id IN (SELECT OwnerId FROM Contact WHERE Email = 'a@b.c')", {
      viewer,
    });
    assert.match(semi.ids.sql, /FROM sobj_Contact t\d+ WHERE .*t\d+\."OwnerId" = @viewer/);
    const parent = records("SELECT Account.Name FROM Contact WHERE Account.Name = 'x'", { viewer });
    assert.match(
      parent.ids.sql,
      /LEFT JOIN sobj_Account t\d+ ON t\d+\."Id" = t\d+\."AccountId" AND t\d+\."OwnerId" = @viewer/,
    );
    assert.match(parent.page.sql, /LEFT JOIN sobj_Account t\d+ ON .* AND t\d+\."OwnerId" = @viewer/);
    assert.match(records('SELECT Id FROM LoginHistory', { viewer }).ids.sql, /"UserId" = @viewer/);
    assert.match(
      records('SELECT Id FROM LoginHistory', { viewer: { ...viewer, isAdmin: true } }).ids.sql,
      /"UserId" = @viewer/,
    );
    assert.doesNotMatch(
      records('SELECT Id FROM LoginHistory', { viewer: { ...viewer, manageUsers: true } }).ids.sql,
      /@viewer/,
    );
    prepareAll(semi);
    prepareAll(parent);
  });

  it('joins parents once per relationship path and nests them in the shape', () => {
    const plan = records('SELECT Name, Profile.Name, profile.userlicense.name FROM User');
    assert.equal(plan.page.sql.match(/LEFT JOIN sobj_Profile /g)?.length, 1);
    assert.equal(plan.page.sql.match(/LEFT JOIN sobj_UserLicense /g)?.length, 1);
    const [name, profile] = plan.shape.nodes;
    assert.deepEqual(name.kind === 'field' && name.key, 'Name');
    assert.ok(profile.kind === 'parent');
    assert.equal(profile.key, 'Profile');
    assert.deepEqual(
      profile.children.map((c) => c.key),
      ['Name', 'UserLicense'],
    );
    prepareAll(plan);
  });

  it('normalises datetime literals to ISO instants, whatever their offset', () => {
    const plan = records(
      'SELECT Id FROM Contact WHERE CreatedDate > 2024-01-01T02:00:00+02:00 AND LastModifiedDate <= 2024-01-01T00:00:00Z',
    );
    assert.deepEqual(plan.ids.params, ['2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z']);
  });

  it('turns date literals into ranges from the injected clock', () => {
    assert.deepEqual(records('SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:2').ids.params, [
      '2024-03-11T00:00:00.000Z',
      '2024-03-14T00:00:00.000Z',
    ]);
    assert.deepEqual(records('SELECT Id FROM Task WHERE ActivityDate = THIS_MONTH').ids.params, [
      '2024-03-01',
      '2024-04-01',
    ]);
    assert.deepEqual(records('SELECT Id FROM Task WHERE ActivityDate > TODAY').ids.params, ['2024-03-14']);
  });

  it('knows the date literal ranges (UTC, weeks from Sunday, fiscal = calendar)', () => {
    const range = (literal: string) => {
      const r = dateLiteralRange(literal, NOW)!;
      return [r.start.toISOString().slice(0, 10), r.end.toISOString().slice(0, 10)];
    };
    assert.deepEqual(range('TODAY'), ['2024-03-13', '2024-03-14']);
    assert.deepEqual(range('YESTERDAY'), ['2024-03-12', '2024-03-13']);
    assert.deepEqual(range('LAST_N_DAYS:1'), ['2024-03-12', '2024-03-14']);
    assert.deepEqual(range('NEXT_N_DAYS:2'), ['2024-03-14', '2024-03-16']);
    assert.deepEqual(range('N_DAYS_AGO:3'), ['2024-03-10', '2024-03-11']);
    assert.deepEqual(range('THIS_WEEK'), ['2024-03-10', '2024-03-17']);
    assert.deepEqual(range('LAST_MONTH'), ['2024-02-01', '2024-03-01']);
    assert.deepEqual(range('THIS_QUARTER'), ['2024-01-01', '2024-04-01']);
    assert.deepEqual(range('LAST_N_MONTHS:2'), ['2024-01-01', '2024-03-01']);
    assert.deepEqual(range('THIS_FISCAL_YEAR'), ['2024-01-01', '2025-01-01']);
    assert.equal(dateLiteralRange('LAST_N_YEARS:999999', NOW), undefined);
  });

  it('compiles a semi-join to a subquery that ignores empty references', () => {
    const plan = records(
      "SELECT Id FROM User WHERE Id IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.Name = 'API_Access')",
    );
    assert.match(
      plan.ids.sql,
      /IN \(SELECT t\d+\."AssigneeId" FROM sobj_PermissionSetAssignment t\d+ LEFT JOIN sobj_PermissionSet/,
    );
    assert.match(plan.ids.sql, /"AssigneeId" IS NOT NULL/);
    assert.deepEqual(plan.ids.params, ['API_Access']);
    prepareAll(plan);
  });

  it('plans COUNT() as a count and COUNT(Id) as an aggregate', () => {
    const count = compileSoql('SELECT COUNT() FROM Contact LIMIT 5', options);
    assert.equal(count.kind, 'count');
    prepareAll(count);
    const agg = compileSoql(
      'SELECT Profile.Name, COUNT(Id), MAX(CreatedDate) latest FROM User GROUP BY Profile.Name',
      options,
    );
    assert.ok(agg.kind === 'aggregate');
    assert.deepEqual(
      agg.columns.map((c) => c.key),
      ['Name', 'expr0', 'latest'],
    );
    prepareAll(agg);
  });

  it('orders with case-insensitive text, null placement and a total tie-break', () => {
    const plan = records('SELECT Id FROM Contact ORDER BY LastName DESC NULLS LAST, Account.Name');
    assert.match(
      plan.ids.sql,
      /ORDER BY t\d+\."LastName" COLLATE NOCASE DESC NULLS LAST, t\d+\."Name" COLLATE NOCASE ASC, t\d+\.rowid$/,
    );
    prepareAll(plan);
  });

  it("reports unknown fields, objects and relationships in Salesforce's words", () => {
    const field = compileError('SELECT Id, Foo__c FROM Account');
    assert.equal(field.errorCode, 'INVALID_FIELD');
    assert.equal(
      field.message.split('\n').slice(0, 4).join('|'),
      '|SELECT Id, Foo__c FROM Account|           ^|ERROR at Row:1:Column:12',
    );
    assert.equal(compileError('SELECT Id FROM Nope').errorCode, 'INVALID_TYPE');
    assert.match(compileError('SELECT Acount.Name FROM Contact').message, /Didn't understand relationship 'Acount'/);
    assert.equal(compileError('SELECT Id FROM Contact OFFSET 2001').errorCode, 'NUMBER_OUTSIDE_VALID_RANGE');
  });

  it('refuses AND and OR mixed without parentheses, pointing at the operator', () => {
    const err = compileError("SELECT Id FROM Contact WHERE LastName = 'a' AND FirstName = 'b' OR Title = 'c'");
    assert.equal(err.errorCode, 'MALFORMED_QUERY');
    assert.match(err.message, /ERROR at Row:1:Column:65\nunexpected token: 'OR'$/);
  });

  it('refuses a NOT the parser would drop rather than invert the filter', () => {
    assert.equal(
      compileError('SELECT Id FROM Contact WHERE NOT (NOT (NOT (LastName = null)))').errorCode,
      'MALFORMED_QUERY',
    );
  });

  it('splits a query locator into id and offset', () => {
    assert.deepEqual(parseLocator('01gD0000002HU6KIAW-2000'), { id: '01gD0000002HU6KIAW', offset: 2000 });
    assert.equal(parseLocator('01gD0000002HU6KIAW'), undefined);
    assert.equal(parseLocator('../etc-1'), undefined);
  });
});
