/**
 * Permission changes made through the REST API apply to the very next request of every open session
 * (ACCESS.md section 2): the profile's API Enabled, a permission set assignment, the license, the org switch.
 */
import assert from 'node:assert/strict';
import { startTestOrg, sessionFor, userId } from '../../helpers/org';
import { LocalOrg } from '../../../sync-engine/src/local-org';

const SFO = 'SfdcSalesforceForOutlook';
const API_DISABLED = '[{"message":"API is disabled for this User","errorCode":"API_CURRENTLY_DISABLED"}]';

function restClient(org: LocalOrg, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${org.url}/services/data/v60.0${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  };
}

describe('local org: access revoked and restored through the API', () => {
  let org: LocalOrg;
  let admin: ReturnType<typeof restClient>;
  const idOf = (table: string, name: string) =>
    (org.ctx.store.db.prepare(`SELECT "Id" FROM ${table} WHERE "Name" = ?`).get(name) as { Id: string }).Id;

  /** A data request as the Outlook add-in makes it; only its status and body matter. */
  const probe = (client: ReturnType<typeof restClient>) => client('GET', '/sobjects/Contact/describe');

  before(async () => {
    org = await startTestOrg();
    admin = restClient(org, sessionFor(org, 'admin@test.example'));
  });
  after(() => org.close());

  it('the profile: API Enabled off blocks the next request of an open session, on again restores it', async () => {
    const ann = restClient(org, sessionFor(org, 'ann@test.example', SFO));
    assert.equal((await probe(ann)).status, 200);
    const profile = idOf('sobj_Profile', 'Standard User');

    assert.equal((await admin('PATCH', `/sobjects/Profile/${profile}`, { PermissionsApiEnabled: false })).status, 204);
    const blocked = await probe(ann);
    assert.equal(blocked.status, 403);
    assert.equal(blocked.text, API_DISABLED);

    assert.equal((await admin('PATCH', `/sobjects/Profile/${profile}`, { PermissionsApiEnabled: true })).status, 204);
    assert.equal((await probe(ann)).status, 200);
  });

  it('a permission set: deleting the assignment blocks, inserting it again restores', async () => {
    const cy = restClient(org, sessionFor(org, 'cy@test.example', SFO));
    assert.equal((await probe(cy)).status, 200);
    const cyId = userId(org, 'cy@test.example');
    const setId = idOf('sobj_PermissionSet', 'API_Access');
    const assignment = (
      org.ctx.store.db
        .prepare(`SELECT "Id" FROM sobj_PermissionSetAssignment WHERE "AssigneeId" = ? AND "IsDeleted" = 0`)
        .get(cyId) as { Id: string }
    ).Id;

    assert.equal((await admin('DELETE', `/sobjects/PermissionSetAssignment/${assignment}`)).status, 204);
    const blocked = await probe(cy);
    assert.equal(blocked.status, 403);
    assert.equal(blocked.text, API_DISABLED);

    const inserted = await admin('POST', '/sobjects/PermissionSetAssignment', {
      AssigneeId: cyId,
      PermissionSetId: setId,
    });
    assert.equal(inserted.status, 201);
    assert.equal((await probe(cy)).status, 200);

    const again = await admin('POST', '/sobjects/PermissionSetAssignment', {
      AssigneeId: cyId,
      PermissionSetId: setId,
    });
    assert.equal(again.status, 400);
    assert.equal(
      again.text,
      '[{"message":"duplicate value found: <unknown> duplicates value on record with id: <unknown>","errorCode":"DUPLICATE_VALUE","fields":[]}]',
    );
  });

  it('the permission set itself: API Enabled off on the set blocks its assignees', async () => {
    const cy = restClient(org, sessionFor(org, 'cy@test.example', SFO));
    const setId = idOf('sobj_PermissionSet', 'API_Access');
    assert.equal(
      (await admin('PATCH', `/sobjects/PermissionSet/${setId}`, { PermissionsApiEnabled: false })).status,
      204,
    );
    assert.equal((await probe(cy)).text, API_DISABLED);
    assert.equal(
      (await admin('PATCH', `/sobjects/PermissionSet/${setId}`, { PermissionsApiEnabled: true })).status,
      204,
    );
    assert.equal((await probe(cy)).status, 200);
  });

  it('the license: moving a user to a Chatter Free profile blocks, moving back restores', async () => {
    const ann = restClient(org, sessionFor(org, 'ann@test.example', SFO));
    const annId = userId(org, 'ann@test.example');
    const standard = idOf('sobj_Profile', 'Standard User');

    assert.equal(
      (await admin('PATCH', `/sobjects/User/${annId}`, { ProfileId: idOf('sobj_Profile', 'Chatter Free User') }))
        .status,
      204,
    );
    const blocked = await probe(ann);
    assert.equal(blocked.status, 403);
    assert.equal(blocked.text, API_DISABLED);
    const userType = org.ctx.store.db.prepare(`SELECT "UserType" FROM sobj_User WHERE "Id" = ?`).get(annId) as {
      UserType: string;
    };
    assert.equal(userType.UserType, 'CsnOnly', 'the license comes with the profile');

    assert.equal((await admin('PATCH', `/sobjects/User/${annId}`, { ProfileId: standard })).status, 204);
    assert.equal((await probe(ann)).status, 200);
  });

  it('the org: turning enforcement off lets a user without API Enabled in through an allowlisted app, and on again blocks', async () => {
    const bob = restClient(org, sessionFor(org, 'bob@test.example', SFO));
    assert.equal((await probe(bob)).text, API_DISABLED);
    const orgId = (org.ctx.store.db.prepare(`SELECT "Id" FROM sobj_Organization`).get() as { Id: string }).Id;
    assert.equal(
      (await admin('PATCH', `/sobjects/Organization/${orgId}`, { EnforceApiEnabled__c: false })).status,
      204,
    );
    assert.equal((await probe(bob)).status, 200);
    assert.equal((await admin('PATCH', `/sobjects/Organization/${orgId}`, { EnforceApiEnabled__c: true })).status, 204);
    assert.equal((await probe(bob)).text, API_DISABLED);
  });

  it('deactivating a user ends their sessions', async () => {
    const ann = restClient(org, sessionFor(org, 'ann@test.example', SFO));
    const annId = userId(org, 'ann@test.example');
    assert.equal((await admin('PATCH', `/sobjects/User/${annId}`, { IsActive: false })).status, 204);
    const res = await probe(ann);
    assert.equal(res.status, 401);
    assert.equal(res.text, '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]');
    assert.equal((await admin('PATCH', `/sobjects/User/${annId}`, { IsActive: true })).status, 204);
    assert.equal((await probe(restClient(org, sessionFor(org, 'ann@test.example', SFO)))).status, 200);
  });

  it('a user without Manage Users or Modify All Data cannot change access data', async () => {
    const ann = restClient(org, sessionFor(org, 'ann@test.example'));
    const profile = idOf('sobj_Profile', 'Standard User');
    const res = await ann('PATCH', `/sobjects/Profile/${profile}`, { PermissionsApiEnabled: false });
    assert.equal(res.status, 403);
    assert.equal(
      res.text,
      '[{"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS_OR_READONLY","fields":[]}]',
    );
    const stored = org.ctx.store.db
      .prepare(`SELECT "PermissionsApiEnabled" AS on_ FROM sobj_Profile WHERE "Id" = ?`)
      .get(profile) as { on_: number };
    assert.equal(stored.on_, 1, 'unchanged');

    const viaCollections = await ann('POST', '/composite/sobjects', {
      records: [
        {
          attributes: { type: 'PermissionSetAssignment' },
          AssigneeId: userId(org, 'bob@test.example'),
          PermissionSetId: idOf('sobj_PermissionSet', 'API_Access'),
        },
      ],
    });
    assert.equal(viaCollections.status, 200);
    assert.equal(
      viaCollections.text,
      '[{"success":false,"errors":[{"statusCode":"INSUFFICIENT_ACCESS_OR_READONLY","message":"insufficient access rights on object id","fields":[]}]}]',
    );
    assert.equal(
      (await probe(restClient(org, sessionFor(org, 'bob@test.example', SFO)))).text,
      API_DISABLED,
      'bob still has no API access',
    );
  });

  it('an admin creates a user, who needs a profile', async () => {
    const missing = await admin('POST', '/sobjects/User', {
      Username: 'new@test.example',
      LastName: 'New',
      Email: 'new@test.example',
    });
    assert.equal(missing.status, 400);
    assert.equal(
      missing.text,
      '[{"message":"Required fields are missing: [ProfileId]","errorCode":"REQUIRED_FIELD_MISSING","fields":["ProfileId"]}]',
    );
    const created = await admin('POST', '/sobjects/User', {
      Username: 'new@test.example',
      LastName: 'New',
      Email: 'new@test.example',
      ProfileId: idOf('sobj_Profile', 'Chatter Free User'),
    });
    assert.equal(created.status, 201);
    const row = org.ctx.store.db
      .prepare(`SELECT "UserType", "Alias", "IsActive" FROM sobj_User WHERE "Username" = 'new@test.example'`)
      .get();
    assert.deepEqual(row, { UserType: 'CsnOnly', Alias: 'new', IsActive: 1 });
    const dup = await admin('POST', '/sobjects/User', {
      Username: 'NEW@test.example',
      LastName: 'Dup',
      Email: 'd@test.example',
      ProfileId: idOf('sobj_Profile', 'Standard User'),
    });
    assert.equal(dup.status, 400);
    assert.match(dup.text, /"errorCode":"DUPLICATE_USERNAME","fields":\["Username"\]/);
  });
});
