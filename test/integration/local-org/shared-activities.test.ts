/**
 * Shared Activities in the local org (issue 16): an org seeded with `organization.features.sharedActivities` has
 * TaskRelation and EventRelation, so an activity has up to 50 Contacts (or one Lead) and one other record; an org
 * without it has neither object, as Salesforce answers. Over REST, with the rule's limits, IsWhat and AccountId set by
 * the org, visibility, and relations going with their activity.
 */
import assert from 'node:assert/strict';
import axios, { AxiosInstance } from 'axios';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { validateSeed } from '../../../sync-engine/src/local-org/seed';
import { sessionFor, startTestOrg, testSeed } from '../../helpers/org';

describe('local org: Shared Activities (TaskRelation, EventRelation)', function () {
  this.timeout(30_000);
  let plain: LocalOrg;
  let shared: LocalOrg;
  const rest = (org: LocalOrg, user = 'ann@test.example'): AxiosInstance =>
    axios.create({
      baseURL: `${org.url}/services/data/v60.0`,
      headers: { authorization: `Bearer ${sessionFor(org, user)}` },
      validateStatus: () => true,
    });

  before(async () => {
    plain = await startTestOrg();
    const seed = testSeed();
    seed.organization.features = { ...seed.organization.features, sharedActivities: true };
    shared = await startTestOrg(seed);
  });
  after(async () => {
    await plain?.close();
    await shared?.close();
  });

  it('an org without the feature has no TaskRelation: describe and create answer NOT_FOUND', async () => {
    const sf = rest(plain);
    const described = await sf.get('/sobjects/TaskRelation/describe');
    assert.equal(described.status, 404);
    assert.equal(described.data[0].errorCode, 'NOT_FOUND');
    const names = (await sf.get('/sobjects')).data.sobjects.map((o: { name: string }) => o.name);
    assert.equal(names.includes('TaskRelation'), false);
    assert.equal((await sf.post('/sobjects/TaskRelation', { TaskId: '00T', RelationId: '003' })).status, 404);
  });

  it('the seed takes sharedActivities, and names an unknown feature', () => {
    const seed = testSeed();
    seed.organization.features = { sharedActivities: 'yes' as unknown as boolean };
    assert.ok(validateSeed(seed).some((p) => p.startsWith('organization.features.sharedActivities')));
    (seed.organization.features as Record<string, unknown>) = { sharedActivity: true };
    assert.ok(
      validateSeed(seed).includes(
        'organization.features.sharedActivity: unknown feature (use apiEnabled, customizableProfiles or sharedActivities)',
      ),
    );
  });

  it("with it, a Task has more Contacts through TaskRelation: IsWhat and AccountId are the org's", async () => {
    const sf = rest(shared);
    const names = (await sf.get('/sobjects')).data.sobjects.map((o: { name: string }) => o.name);
    assert.ok(names.includes('TaskRelation') && names.includes('EventRelation'));
    const account = (await sf.post('/sobjects/Account', { Name: 'US Navy' })).data.id;
    const grace = (await sf.get('/query', { params: { q: 'SELECT Id FROM Contact' } })).data.records[0].Id;
    const mary = (await sf.post('/sobjects/Contact', { LastName: 'Hawes', AccountId: account })).data.id;
    const task = (await sf.post('/sobjects/Task', { Subject: 'Shared', WhoId: grace })).data.id;
    const made = await sf.post('/sobjects/TaskRelation', { TaskId: task, RelationId: mary, IsWhat: true });
    assert.equal(made.status, 201, JSON.stringify(made.data));
    const rows = (
      await sf.get('/query', {
        params: { q: `SELECT RelationId, IsWhat, AccountId FROM TaskRelation WHERE TaskId = '${task}'` },
      })
    ).data.records;
    assert.deepEqual(
      rows.map((r: any) => [r.RelationId, r.IsWhat, r.AccountId]),
      [[mary, false, account]],
    );
    const again = await sf.post('/sobjects/TaskRelation', { TaskId: task, RelationId: mary });
    assert.equal(again.status, 400);
    assert.equal(again.data[0].errorCode, 'DUPLICATE_VALUE');
    const lead = (await sf.post('/sobjects/Lead', { LastName: 'Lovelace', Company: 'Engines' })).data.id;
    const mixed = await sf.post('/sobjects/TaskRelation', { TaskId: task, RelationId: lead });
    assert.equal(mixed.status, 400);
    assert.equal(mixed.data[0].errorCode, 'FIELD_INTEGRITY_EXCEPTION');
    assert.deepEqual(mixed.data[0].fields, ['RelationId']);
    const what = await sf.post('/sobjects/TaskRelation', { TaskId: task, RelationId: account });
    assert.equal(what.status, 201, JSON.stringify(what.data));
    const [w] = (
      await sf.get('/query', { params: { q: `SELECT IsWhat FROM TaskRelation WHERE Id = '${what.data.id}'` } })
    ).data.records;
    assert.equal(w.IsWhat, true);
    // Another user does not see ann's relations; deleting the Task takes them with it.
    const bobless = rest(shared, 'cy@test.example');
    assert.equal((await bobless.get('/query', { params: { q: 'SELECT Id FROM TaskRelation' } })).data.totalSize, 0);
    assert.equal((await sf.delete(`/sobjects/Task/${task}`)).status, 204);
    assert.equal(
      (await sf.get('/query', { params: { q: `SELECT Id FROM TaskRelation WHERE TaskId = '${task}'` } })).data
        .totalSize,
      0,
    );
  });

  it('an Event has more Contacts through EventRelation', async () => {
    const sf = rest(shared);
    const grace = (await sf.get('/query', { params: { q: "SELECT Id FROM Contact WHERE LastName = 'Hopper'" } })).data
      .records[0].Id;
    const mary = (await sf.get('/query', { params: { q: "SELECT Id FROM Contact WHERE LastName = 'Hawes'" } })).data
      .records[0].Id;
    const event = (
      await sf.post('/sobjects/Event', {
        Subject: 'Review',
        WhoId: grace,
        StartDateTime: '2026-03-10T15:00:00Z',
        EndDateTime: '2026-03-10T16:00:00Z',
      })
    ).data.id;
    const made = await sf.post('/sobjects/EventRelation', { EventId: event, RelationId: mary });
    assert.equal(made.status, 201, JSON.stringify(made.data));
  });
});
