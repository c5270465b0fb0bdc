/**
 * A create sent again after a crash that lost its answer does not undo what the user did to its record meanwhile
 * (issue 10, the loss `npm run chaos` found at seed 634421804). The engine (a child process) is SIGKILLed as its
 * create reaches a side: after the side carried it out, or before the side saw it. The user then edits or deletes
 * the new record; the next runs find the record the create made (Salesforce: by the Outlook id it set as external
 * id, in the recycle bin too; Outlook: by its match keys, made since the create was first sent), link it, and plan
 * what the user did as any edit or delete of a linked record: the edit reaches the other side whichever side wins
 * conflicts (there is no conflict: the other side did not change), the delete reaches the other side. A create that
 * never reached Salesforce is not taken for an older deleted record holding the same Outlook id (a record deleted
 * in Salesforce and brought back by an Outlook edit the winner kept).
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { SyncWorld, startSyncWorld, ANN_TOKEN, assertQuiet } from '../../helpers/sync';
import { FaultProxy, SeenRequest, startFaultProxy, subrequestsOf } from '../../helpers/fault-proxy';
import { REPO_ROOT } from '../../helpers/shared';

const ANN = 'ann@test.example';
const ENGINE = path.join(REPO_ROOT, 'build', 'test', 'helpers', 'sync-child.js');
type Winner = 'salesforce' | 'outlook';
type Kill = 'before the server saw it' | 'after the server carried it out';

// Issue 14: the same against a stock org, where creates are plain inserts matched after a crash by who made them and
// what they hold (SalesforceSide.madeBy), deleted ones included.
for (const stock of [false, true])
  describe(`sync engine: a create sent again after a crash keeps what the user did to its record meanwhile${stock ? ', on a stock org' : ''}`, function () {
    this.timeout(120_000);
    let w: SyncWorld;
    let mailboxProxy: FaultProxy;
    let orgProxy: FaultProxy;
    let armed: { matches: (req: SeenRequest) => boolean; kill: Kill; child?: ChildProcess; done: boolean } | null =
      null;

    const killChild = async () => {
      const a = armed!;
      a.done = true;
      const exited = new Promise((resolve) => a.child!.once('exit', resolve));
      a.child!.kill('SIGKILL');
      await exited;
    };
    const proxyFor = (target: string) =>
      startFaultProxy({
        target,
        decide: (req) => {
          if (!armed || !armed.matches(req)) return null;
          return armed.kill === 'before the server saw it' ? 'reset-before' : 'reset-after';
        },
        beforeForward: async (req) => {
          if (armed && !armed.done && armed.kill === 'before the server saw it' && armed.matches(req))
            await killChild();
        },
        beforeAnswer: async (req) => {
          if (armed && !armed.done && armed.kill === 'after the server carried it out' && armed.matches(req))
            await killChild();
        },
      });

    /** One engine run in a child process, SIGKILLed as the first request `matches` reaches a server. */
    async function runKilled(matches: (req: SeenRequest) => boolean, kill: Kill): Promise<void> {
      w.engine.close();
      armed = { matches, kill, done: false };
      const child = spawn(process.execPath, [ENGINE, w.configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      armed.child = child;
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b));
      const ended = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.on('close', (code, signal) => resolve({ code, signal })),
      );
      assert.ok(
        armed.done,
        `the engine ended before the request it was to be killed at (${JSON.stringify(ended)}): ${stderr}`,
      );
      assert.equal(ended.signal, 'SIGKILL');
      armed = null;
    }

    before(async () => {
      w = await startSyncWorld({
        stock,
        keepSeedContact: false,
        config: {
          objects: {
            contacts: { direction: 'both', winner: 'salesforce' },
            events: { direction: 'none' },
            tasks: { direction: 'none' },
          },
        },
      });
      mailboxProxy = await proxyFor(w.mailbox.url);
      orgProxy = await proxyFor(w.org.url);
      w.reconfigure({
        mailbox: { url: mailboxProxy.url, token: ANN_TOKEN },
        org: { loginUrl: orgProxy.url, username: ANN, password: 'Ann-pass-1' },
      });
      assertQuiet((await w.run()).report, 'the first run');
    });
    after(async () => {
      await mailboxProxy?.close();
      await orgProxy?.close();
      await w?.close();
    });

    const setWinner = (winner: Winner) =>
      w.reconfigure({
        objects: {
          contacts: { direction: 'both', winner },
          events: { direction: 'none' },
          tasks: { direction: 'none' },
        },
      });
    const annId = async () => (await w.query(`SELECT Id FROM User WHERE Username = '${ANN}'`))[0].Id as string;
    const sfContacts = async (name: string) =>
      w.query(`SELECT Id, Title, Department FROM Contact WHERE LastName = '${name}'`);
    const olContacts = async (name: string) =>
      (await w.list('/me/contacts?$top=100')).filter((c) => c.surname === name);
    const upsertOf = (name: string) => (req: SeenRequest) =>
      (stock
        ? req.method === 'POST' && /\/composite\/sobjects\/?$/.test(req.url)
        : req.method === 'PATCH' && req.url.includes('/composite/sobjects/Contact/OutlookId__c')) &&
      req.body.includes(name);
    // Creates go to the mailbox in $batches: the batch that carries this one.
    const postOf = (name: string) => (req: SeenRequest) =>
      subrequestsOf(req).some((s) => s.method === 'POST' && s.url.endsWith('/me/contacts') && s.body.includes(name));

    async function newOutlookContact(name: string): Promise<string> {
      const made = await w.graph.post('/me/contacts', {
        givenName: 'New',
        surname: name,
        jobTitle: 'Buyer',
        emailAddresses: [{ address: `${name.toLowerCase().replace(/ /g, '.')}@retried.example`, name }],
      });
      assert.equal(made.status, 201, JSON.stringify(made.data));
      return made.data.id as string;
    }

    for (const winner of ['salesforce', 'outlook'] as const) {
      it(`to Salesforce, winner ${winner}: the user deletes the record the lost create made; the delete reaches Outlook`, async () => {
        const name = `Deleted Upsert ${winner}`;
        await newOutlookContact(name);
        setWinner(winner);
        await runKilled(upsertOf(name), 'after the server carried it out');
        const [made] = await sfContacts(name);
        assert.ok(made, "the killed engine's create reached Salesforce");
        assert.equal((await w.sf.delete(`/sobjects/Contact/${made.Id}`)).status, 204);

        w.reconfigure({});
        const { report } = await w.run();
        assert.deepEqual(report.errors, []);
        assert.deepEqual(await sfContacts(name), [], 'the record the user deleted stays deleted');
        assert.deepEqual(await olContacts(name), [], 'the delete reached Outlook');
        assert.equal(report.counts.outlook.contacts.deleted, 1);
        assertQuiet((await w.run()).report, 'the run after');
      });

      it(`to Salesforce, winner ${winner}: the user edits the record the lost create made; the edit reaches Outlook`, async () => {
        const name = `Edited Upsert ${winner}`;
        await newOutlookContact(name);
        setWinner(winner);
        await runKilled(upsertOf(name), 'after the server carried it out');
        const [made] = await sfContacts(name);
        assert.ok(made, "the killed engine's create reached Salesforce");
        assert.equal((await w.sf.patch(`/sobjects/Contact/${made.Id}`, { Title: 'Edited in Salesforce' })).status, 204);

        w.reconfigure({});
        const { report } = await w.run();
        assert.deepEqual(report.errors, []);
        const sf = await sfContacts(name);
        const ol = await olContacts(name);
        assert.deepEqual(
          sf.map((c) => c.Title),
          ['Edited in Salesforce'],
          'one Salesforce record, holding the edit',
        );
        assert.deepEqual(
          ol.map((c) => c.jobTitle),
          ['Edited in Salesforce'],
          'the edit reached Outlook',
        );
        assert.equal(report.conflicts.contacts, 0, 'Outlook did not change: no conflict');
        assertQuiet((await w.run()).report, 'the run after');
      });

      it(`to Outlook, winner ${winner}: the user edits the copy the lost create made; the edit reaches Salesforce`, async () => {
        const name = `Edited Post ${winner}`;
        const made = await w.sf.post('/sobjects/Contact', {
          FirstName: 'New',
          LastName: name,
          Email: `${name.toLowerCase().replace(/ /g, '.')}@retried.example`,
          Title: 'Buyer',
          OwnerId: await annId(),
        });
        assert.equal(made.status, 201, JSON.stringify(made.data));
        setWinner(winner);
        await runKilled(postOf(name), 'after the server carried it out');
        const [copy] = await olContacts(name);
        assert.ok(copy, "the killed engine's create reached Outlook");
        assert.equal((await w.graph.patch(`/me/contacts/${copy.id}`, { department: 'Edited in Outlook' })).status, 200);

        w.reconfigure({});
        const { report } = await w.run();
        assert.deepEqual(report.errors, []);
        assert.deepEqual(
          (await olContacts(name)).map((c) => c.department),
          ['Edited in Outlook'],
          'one Outlook copy, still holding the edit',
        );
        assert.deepEqual(
          (await sfContacts(name)).map((c) => c.Department),
          ['Edited in Outlook'],
          'the edit reached Salesforce',
        );
        assert.equal(report.conflicts.contacts, 0, 'Salesforce did not change: no conflict');
        assertQuiet((await w.run()).report, 'the run after');
      });
    }

    it('a create that brings back a record deleted in Salesforce, lost before Salesforce saw it, is not taken for the deleted record', async () => {
      const name = 'Brought Back';
      await newOutlookContact(name);
      setWinner('outlook');
      assert.equal((await w.run()).report.counts.salesforce.contacts.created, 1);
      assertQuiet((await w.run()).report, 'the run after the copy was made');
      const [synced] = await sfContacts(name);
      const [copy] = await olContacts(name);
      assert.ok(synced && copy);
      // Deleted in Salesforce, edited in Outlook: the winner (Outlook) brings the record back in Salesforce.
      assert.equal((await w.sf.delete(`/sobjects/Contact/${synced.Id}`)).status, 204);
      assert.equal((await w.graph.patch(`/me/contacts/${copy.id}`, { department: 'Edited in Outlook' })).status, 200);
      await runKilled(upsertOf(name), 'before the server saw it');
      assert.deepEqual(await sfContacts(name), [], 'the killed engine did not bring it back');

      w.reconfigure({});
      const { report } = await w.run();
      assert.deepEqual(report.errors, []);
      assert.deepEqual(
        (await olContacts(name)).map((c) => c.department),
        ['Edited in Outlook'],
        'the Outlook record and its edit are kept',
      );
      const back = await sfContacts(name);
      assert.deepEqual(
        back.map((c) => c.Department),
        ['Edited in Outlook'],
        'brought back in Salesforce',
      );
      assert.notEqual(back[0].Id, synced.Id, 'as a new record');
      assertQuiet((await w.run()).report, 'the run after');
    });
  });
