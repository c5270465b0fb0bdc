/**
 * The outbox keeps the mailbox busy and loses no answer (issue 17): the next 200 Outlook writes are sent while the
 * last 200's results are stored, never more than 4 batches at the mailbox at once; and when one write of a batch
 * stops the run, the answers of every other write already in (later in its batch, in the batches beside it) are
 * recorded, so nothing the mailbox did is looked for again.
 */
import assert from 'node:assert/strict';
import { SyncWorld, startSyncWorld, ANN_TOKEN, assertQuiet } from '../../helpers/sync';
import { FaultProxy, SeenRequest, startFaultProxy, subrequestsOf } from '../../helpers/fault-proxy';
import { duplicateKeys, outlookRecords } from '../../helpers/sync-sides';

const contactsOnly = {
  contacts: { direction: 'both', winner: 'salesforce' },
  events: { direction: 'none' },
  tasks: { direction: 'none' },
};

const creates = (req: SeenRequest) =>
  subrequestsOf(req).filter((s) => s.method === 'POST' && /\/contacts$/.test(s.url));

function sfContacts(n: number, prefix: string) {
  return Array.from({ length: n }, (_, i) => ({
    FirstName: 'Piped',
    LastName: `${prefix}${String(i).padStart(4, '0')}`,
    Email: `${prefix.toLowerCase()}${i}@pipeline.example`,
  }));
}

describe('sync engine: the outbox sends the next Outlook writes while it stores the last ones', function () {
  this.timeout(120_000);
  const SIZE = 600;
  let w: SyncWorld;
  let proxy: FaultProxy;
  let inFlight = 0;
  let mostInFlight = 0;
  let batchesSeen = 0;
  /** Resolved when the first batch of the second 200 reaches the mailbox. */
  let secondGroupArrived: () => void = () => undefined;
  const secondGroup = new Promise<void>((resolve) => (secondGroupArrived = resolve));
  let heldFor: 'arrived' | 'timeout' | null = null;

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      records: { Contact: sfContacts(SIZE, 'Pipe') },
      config: { objects: contactsOnly },
    });
    proxy = await startFaultProxy({
      target: w.mailbox.url,
      decide: () => null,
      beforeForward: (req) => {
        if (!creates(req).length) return;
        batchesSeen += 1;
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        // 200 writes are 10 batches: the 11th is the first of the next 200.
        if (batchesSeen === 11) secondGroupArrived();
      },
      beforeAnswer: async (req) => {
        if (!creates(req).length) return;
        // The last batch of the first 200 is answered only once the next 200 started going (or after 5 s): an
        // outbox that stores before it sends more never sends them while it waits.
        const n = batchesSeen;
        if (heldFor === null && n >= 10 && creates(req).some((s) => s.body.includes('Pipe0199'))) {
          heldFor = await Promise.race([
            secondGroup.then(() => 'arrived' as const),
            new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000)),
          ]);
        }
        inFlight -= 1;
      },
    });
    w.reconfigure({ mailbox: { url: proxy.url, token: ANN_TOKEN } });
  });
  after(async () => {
    await proxy?.close();
    await w?.close();
  });

  it(`${SIZE} creates: the next 200 reach the mailbox before the last 200 are answered, 4 batches at most`, async () => {
    const { report } = await w.run();
    assert.deepEqual(report.counts.outlook.contacts, { created: SIZE, updated: 0, deleted: 0 });
    assert.equal(heldFor, 'arrived', 'the first batch of the next 200 went while the last of the first was held');
    assert.equal(mostInFlight, 4, 'never more than 4 batches at the mailbox at once');
    const ol = await outlookRecords(w.mailbox, 'contacts', ANN_TOKEN);
    assert.equal(ol.length, SIZE);
    assert.deepEqual(duplicateKeys('contacts', ol), []);
    assert.equal(w.engine.store.links('contacts').length, SIZE);
    assertQuiet((await w.run()).report, 'the run after');
  });
});

describe('sync engine: a write that stops the run keeps the answers of the writes beside it', function () {
  this.timeout(120_000);
  const SIZE = 60;
  let w: SyncWorld;
  let proxy: FaultProxy;
  let deny = true;

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      records: { Contact: sfContacts(SIZE, 'Stop') },
      config: { objects: contactsOnly },
    });
    proxy = await startFaultProxy({
      target: w.mailbox.url,
      decide: () => null,
      // The third create of the first batch: the mailbox refuses the app (403), which stops the run.
      decideInBatch: (req) => (deny && req.method === 'POST' && req.body.includes('Stop0002') ? 'deny' : null),
    });
    w.reconfigure({ mailbox: { url: proxy.url, token: ANN_TOKEN } });
  });
  after(async () => {
    await proxy?.close();
    await w?.close();
  });

  it('the mailbox made 59 of 60 in the run that stopped: all 59 are linked, the 60th alone still queued', async () => {
    const stopped = await w.engine.runOnce();
    assert.equal(stopped.status.state, 'stopped');
    assert.equal(stopped.result?.report.stopped?.kind, 'authFailed', 'a mailbox that refuses the app stops the run');
    const made = await outlookRecords(w.mailbox, 'contacts', ANN_TOKEN);
    assert.equal(made.length, SIZE - 1, 'every create but the refused one was carried out');
    assert.equal(w.engine.store.links('contacts').length, SIZE - 1, 'every answered create is recorded');
    assert.deepEqual(w.engine.store.outboxCounts().outlook.contacts, 1, 'only the refused create is still queued');

    deny = false;
    const listingsBefore = proxy.seen.filter((r) => r.method === 'GET' && /\/contacts(\?|$)/.test(r.url)).length;
    const { report } = await w.run();
    assert.deepEqual(report.counts.outlook.contacts, { created: 1, updated: 0, deleted: 0 });
    assert.equal(report.pending, 0);
    const ol = await outlookRecords(w.mailbox, 'contacts', ANN_TOKEN);
    assert.equal(ol.length, SIZE);
    assert.deepEqual(duplicateKeys('contacts', ol), []);
    // The one create that went unanswered is looked for once (a listing); the 59 answered ones are not.
    const listings = proxy.seen.filter((r) => r.method === 'GET' && /\/contacts(\?|$)/.test(r.url)).length;
    assert.ok(listings - listingsBefore <= 1, `${listings - listingsBefore} listings of the contacts folder`);
    assertQuiet((await w.run()).report, 'the run after');
  });
});
