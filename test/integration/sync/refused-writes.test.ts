/**
 * A write a side refuses (issue 11, finding 14: a value over Salesforce's length) is not forgotten after the run that
 * met it: it stays queued and is sent again each run, so every run's report names it (`errors`, and `deferred` with
 * `refused: true`) and so does `status`, until it goes through (the value fixed at its source, or the field made
 * longer in the org). Nothing is cut short.
 */
import assert from 'node:assert/strict';
import { SyncWorld, startSyncWorld } from '../../helpers/sync';
import { runCli } from '../../helpers/sync-cli';
import { SyncReport } from '../../../sync-engine/src/sync/report';

const LONG = 'T'.repeat(200);
const contactsOnly = {
  contacts: { direction: 'both', winner: 'salesforce' },
  events: { direction: 'none' },
  tasks: { direction: 'none' },
};

describe('sync engine: a refused write is reported in every run and in status until it goes through', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  let longId: string;
  let laterId: string;
  const refusals = (r: SyncReport) => r.errors.map((e) => [e.object, e.side, e.sourceId, e.code, e.fields]).sort();

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      config: { objects: contactsOnly },
      mailbox: {
        contacts: [
          { givenName: 'Lola', surname: 'Long', emailAddresses: [{ address: 'lola@refused.example' }], jobTitle: LONG },
          {
            givenName: 'Lars',
            surname: 'Later',
            emailAddresses: [{ address: 'lars@refused.example' }],
            jobTitle: 'Buyer',
          },
        ],
      },
    });
    const ol = await w.list('/me/contacts');
    longId = ol.find((c) => c.surname === 'Long').id;
    laterId = ol.find((c) => c.surname === 'Later').id;
  });
  after(async () => w?.close());

  it('a create Salesforce refuses is reported by the run that met it and by each run after, with the same text', async () => {
    const first = (await w.run()).report;
    assert.deepEqual(refusals(first), [['contacts', 'salesforce', longId, 'STRING_TOO_LONG', ['Title']]]);
    assert.equal(first.errors[0].message, `Title: data value too large: ${LONG} (max length=128)`);
    for (let run = 2; run <= 3; run++) {
      const { report } = await w.run();
      assert.deepEqual(
        refusals(report),
        [['contacts', 'salesforce', longId, 'STRING_TOO_LONG', ['Title']]],
        `run ${run} names the refused record`,
      );
      assert.deepEqual(
        report.deferred.map((d) => [d.sourceId, d.code, d.refused]),
        [[longId, 'STRING_TOO_LONG', true]],
      );
      assert.equal(report.pendingWrites.salesforce.contacts, 1);
      assert.equal(report.counts.salesforce.contacts.created, 0);
    }
    assert.equal(
      (await w.query("SELECT Id FROM Contact WHERE LastName = 'Long'")).length,
      0,
      'nothing cut short reached Salesforce',
    );
  });

  it('an update Salesforce refuses stays queued too; `status` names both; fixed at the source, both go through', async () => {
    assert.equal((await w.graph.patch(`/me/contacts/${laterId}`, { jobTitle: LONG })).status, 200);
    await w.run();
    const { report } = await w.run();
    assert.deepEqual(
      refusals(report),
      [
        ['contacts', 'salesforce', laterId, 'STRING_TOO_LONG', ['Title']],
        ['contacts', 'salesforce', longId, 'STRING_TOO_LONG', ['Title']],
      ].sort(),
    );
    const [later] = await w.query("SELECT Title FROM Contact WHERE LastName = 'Later'");
    assert.equal(later.Title, 'Buyer');

    w.engine.close();
    const json = await runCli(['status', '--config', w.configFile, '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(
      json.json.deferred
        .map((d: { sourceId: string; code: string; refused: boolean }) => [d.sourceId, d.code, d.refused])
        .sort(),
      [
        [laterId, 'STRING_TOO_LONG', true],
        [longId, 'STRING_TOO_LONG', true],
      ].sort(),
    );
    const text = await runCli(['status', '--config', w.configFile]);
    assert.equal(text.code, 0, text.stderr);
    for (const id of [longId, laterId]) {
      assert.ok(
        text.stdout.includes(
          `refused: contacts ${id} -> salesforce: STRING_TOO_LONG: Title: data value too large: ${LONG} (max length=128)\n`,
        ),
        text.stdout,
      );
    }
    w.reconfigure({});

    assert.equal((await w.graph.patch(`/me/contacts/${longId}`, { jobTitle: 'Lead' })).status, 200);
    assert.equal((await w.graph.patch(`/me/contacts/${laterId}`, { jobTitle: 'Head buyer' })).status, 200);
    const fixed = (await w.run()).report;
    assert.deepEqual([fixed.errors, fixed.deferred, fixed.pendingWrites.salesforce.contacts], [[], [], 0]);
    assert.deepEqual(
      (await w.query("SELECT LastName, Title FROM Contact WHERE LastName IN ('Long', 'Later') ORDER BY LastName")).map(
        (r) => [r.LastName, r.Title],
      ),
      [
        ['Later', 'Head buyer'],
        ['Long', 'Lead'],
      ],
    );
    const after = (await w.run()).report;
    assert.deepEqual([after.errors, after.deferred, after.pending], [[], [], 0]);
  });
});
