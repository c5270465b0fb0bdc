/**
 * A pair matched at a first sync with different content, its losing copy edited while the winner's write to it waits
 * (property seed 3 with every kind on). The write finds its target changed and goes back to the planner, which the
 * docs make "a conflict the winner decides": the winner's content ends on both sides. The engine used to store the
 * match's link as if the winner's content were already on both sides, so the winner looked unchanged when planned
 * again and the loser's edit flowed over it.
 */
import assert from 'node:assert/strict';
import { ANN_TOKEN, SyncWorld, assertQuiet, startSyncWorld } from '../../helpers/sync';
import { FaultProxy, SeenRequest, startFaultProxy, subrequestsOf } from '../../helpers/fault-proxy';

type Winner = 'salesforce' | 'outlook';
const contactsOnly = (winner: Winner) => ({
  contacts: { direction: 'both', winner },
  events: { direction: 'none' },
  tasks: { direction: 'none' },
});

describe("sync engine: a matched pair's loser edited while the winner's write waits: the winner decides", function () {
  this.timeout(60_000);
  let w: SyncWorld;
  let mailboxProxy: FaultProxy;
  let orgProxy: FaultProxy;
  /** What the user does while the engine's write that `matches` waits (once). */
  let during: { matches: (req: SeenRequest) => boolean; act: () => Promise<void> } | null = null;

  const holdFor = (target: string) =>
    startFaultProxy({
      target,
      decide: () => null,
      hold: async (req) => {
        if (!during || !during.matches(req)) return;
        const { act } = during;
        during = null;
        await act();
      },
    });

  before(async () => {
    w = await startSyncWorld({ keepSeedContact: false, config: { objects: contactsOnly('salesforce') } });
    mailboxProxy = await holdFor(w.mailbox.url);
    orgProxy = await holdFor(w.org.url);
    w.reconfigure({
      mailbox: { url: mailboxProxy.url, token: ANN_TOKEN },
      org: { loginUrl: orgProxy.url, username: 'ann@test.example', password: 'Ann-pass-1' },
    });
    assertQuiet((await w.run()).report, 'the first run');
  });
  after(async () => {
    await mailboxProxy?.close();
    await orgProxy?.close();
    await w?.close();
  });

  /** The same person on both sides (the same email), each side with its own title. */
  async function pair(surname: string): Promise<{ sfId: string; olId: string }> {
    const email = `${surname.toLowerCase()}@matched.example`;
    const [ann] = await w.query("SELECT Id FROM User WHERE Username = 'ann@test.example'");
    const sf = await w.sf.post('/sobjects/Contact', { OwnerId: ann.Id, LastName: surname, Email: email, Title: 'SF' });
    assert.equal(sf.status, 201, JSON.stringify(sf.data));
    const ol = await w.graph.post('/me/contacts', {
      surname,
      jobTitle: 'OL',
      emailAddresses: [{ address: email, name: surname }],
    });
    assert.equal(ol.status, 201, JSON.stringify(ol.data));
    return { sfId: sf.data.id as string, olId: ol.data.id as string };
  }
  const sfContact = async (id: string) =>
    (await w.query(`SELECT Title, Department FROM Contact WHERE Id = '${id}'`))[0] as Record<string, unknown>;
  const olContact = async (id: string) => (await w.graph.get(`/me/contacts/${id}`)).data as Record<string, unknown>;

  it('winner Salesforce: the Outlook copy edited while the engine updates it gets the Salesforce content', async () => {
    const { sfId, olId } = await pair('Winnerforce');
    during = {
      matches: (req) => subrequestsOf(req).some((s) => s.method === 'PATCH' && s.url.endsWith(`/me/contacts/${olId}`)),
      act: async () => {
        assert.equal((await w.graph.patch(`/me/contacts/${olId}`, { department: 'Typed meanwhile' })).status, 200);
      },
    };
    const { report } = await w.run();
    assert.equal(during, null, 'the engine updated the Outlook copy');
    assert.equal(report.replanned, 1, 'the write found its target changed');
    const ol = await olContact(olId);
    assert.deepEqual([ol.jobTitle ?? null, ol.department ?? null], ['SF', null], 'Outlook holds the winner');
    const sf = await sfContact(sfId);
    assert.deepEqual([sf.Title, sf.Department], ['SF', null]);
    assertQuiet((await w.run()).report);
  });

  it('winner Outlook: the Salesforce copy edited while the engine updates it gets the Outlook content', async () => {
    w.reconfigure({ objects: contactsOnly('outlook') });
    const { sfId, olId } = await pair('Winnerlook');
    during = {
      matches: (req) => req.method === 'POST' && req.url.includes('/composite') && req.body.includes(sfId),
      act: async () => {
        assert.equal((await w.sf.patch(`/sobjects/Contact/${sfId}`, { Department: 'Typed meanwhile' })).status, 204);
      },
    };
    const { report } = await w.run();
    assert.equal(during, null, 'the engine updated the Salesforce copy');
    assert.equal(report.replanned, 1, 'the write found its target changed');
    const sf = await sfContact(sfId);
    assert.deepEqual([sf.Title, sf.Department], ['OL', null], 'Salesforce holds the winner');
    const ol = await olContact(olId);
    assert.deepEqual([ol.jobTitle ?? null, ol.department ?? null], ['OL', null]);
    assertQuiet((await w.run()).report);
  });
});
