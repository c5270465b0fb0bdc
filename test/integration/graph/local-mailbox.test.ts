/** The mailbox client against the embedded mailbox, over real HTTP: delta round trips, throttling, lost tokens. */
import assert from 'node:assert/strict';
import { LocalMailbox, MailboxSeed } from '../../../sync-engine/src/local-mailbox';
import { startTestMailbox } from '../../helpers/mailbox';
import { GraphMailbox, GraphMailboxOptions } from '../../../sync-engine/src/graph/mailbox-client';
import { GraphApiError } from '../../../sync-engine/src/graph/errors';

const USER = 'ada@example.com';
const TOKEN = 'local-mailbox-token-ada';

function seed(): MailboxSeed {
  return {
    mailboxes: [
      {
        user: USER,
        token: TOKEN,
        contacts: [
          { givenName: 'Grace', surname: 'Hopper', emailAddresses: [{ address: 'grace@example.com' }] },
          { givenName: 'Alan', surname: 'Turing', emailAddresses: [{ address: 'alan@example.com' }] },
          { givenName: 'Edsger', surname: 'Dijkstra', companyName: 'UT Austin' },
        ],
        events: [
          {
            subject: 'Kick-off',
            start: { dateTime: '2026-06-03T09:00:00', timeZone: 'UTC' },
            end: { dateTime: '2026-06-03T10:00:00', timeZone: 'UTC' },
          },
        ],
        taskLists: [
          {
            displayName: 'Tasks',
            wellknownListName: 'defaultList',
            tasks: [{ title: 'Send the deck', status: 'notStarted' }],
          },
        ],
      },
    ],
  };
}

const WINDOW = { start: '2026-06-01T00:00:00Z', end: '2026-07-01T00:00:00Z' };

describe('graph client against the local mailbox', () => {
  let local: LocalMailbox;
  let waits: number[];
  const client = (o: Partial<GraphMailboxOptions> = {}) =>
    new GraphMailbox({
      baseUrl: local.url,
      token: TOKEN,
      maxPageSize: 2,
      retry: {
        sleep: async (ms) => {
          waits.push(ms);
        },
        random: () => 0,
      },
      ...o,
    });

  beforeEach(async () => {
    waits = [];
    local = await startTestMailbox({ seed: seed() });
  });
  afterEach(async () => {
    await local.close();
  });

  it('me() names the mailbox owner', async () => {
    const me = await client().me();
    assert.equal(me.mail, USER);
  });

  it('contacts: initial round, then create, change and delete each come back in the next round', async () => {
    const mailbox = client();
    const first = await mailbox.contacts.delta();
    assert.deepEqual(first.changed.map((c) => c.surname).sort(), ['Dijkstra', 'Hopper', 'Turing']);
    assert.deepEqual(first.removed, []);
    assert.ok(first.deltaLink.startsWith(`${local.url}/v1.0/`), first.deltaLink);
    assert.ok(mailbox.stats.requests >= 2, 'three contacts at two a page take more than one page');

    const quiet = await mailbox.contacts.delta(first.deltaLink);
    assert.deepEqual([quiet.changed, quiet.removed], [[], []]);

    const created = await mailbox.contacts.create({
      givenName: 'Barbara',
      surname: 'Liskov',
      emailAddresses: [{ address: 'barbara@example.com' }],
    });
    assert.ok(created.id && created['@odata.etag']);
    const hopper = first.changed.find((c) => c.surname === 'Hopper')!;
    const updated = await mailbox.contacts.update(
      hopper.id!,
      { jobTitle: 'Rear Admiral' },
      { ifMatch: hopper['@odata.etag'] },
    );
    assert.equal(updated.jobTitle, 'Rear Admiral');
    assert.notEqual(updated['@odata.etag'], hopper['@odata.etag']);
    const turing = first.changed.find((c) => c.surname === 'Turing')!;
    await mailbox.contacts.delete(turing.id!);

    const second = await mailbox.contacts.delta(quiet.deltaLink);
    assert.deepEqual(second.changed.map((c) => c.surname).sort(), ['Hopper', 'Liskov']);
    assert.equal(second.changed.find((c) => c.surname === 'Hopper')!.jobTitle, 'Rear Admiral');
    assert.deepEqual(second.removed, [{ id: turing.id, reason: 'deleted' }]);
    assert.notEqual(second.deltaLink, quiet.deltaLink);
  });

  it('contacts: a write with a stale etag is refused as validation (412), nothing overwritten', async () => {
    const mailbox = client();
    const [c] = (await mailbox.contacts.delta()).changed;
    await mailbox.contacts.update(c.id!, { jobTitle: 'first' });
    await assert.rejects(mailbox.contacts.update(c.id!, { jobTitle: 'second' }, { ifMatch: c['@odata.etag'] }), {
      kind: 'validation',
      statusCode: 412,
    });
    assert.equal((await mailbox.contacts.get(c.id!)).jobTitle, 'first');
  });

  it('events: a calendarView round over a window, then a new series and a deleted event', async () => {
    const mailbox = client();
    const first = await mailbox.events.delta(undefined, WINDOW);
    assert.deepEqual(
      first.changed.map((e) => e.subject),
      ['Kick-off'],
    );
    const kickoff = first.changed[0];
    assert.equal(kickoff.start?.timeZone, 'UTC');
    assert.match(String(kickoff.start?.dateTime), /^2026-06-03T09:00:00/);

    const master = await mailbox.events.create({
      subject: 'Weekly sync',
      start: { dateTime: '2026-06-01T15:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-06-01T15:30:00', timeZone: 'UTC' },
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
        range: { type: 'numbered', startDate: '2026-06-01', numberOfOccurrences: 3 },
      },
    });
    assert.equal(master.type, 'seriesMaster');
    const instances = await mailbox.events.instances(master.id!, WINDOW);
    assert.equal(instances.length, 3);
    assert.ok(instances.every((i) => i.seriesMasterId === master.id));
    await mailbox.events.delete(kickoff.id!);

    const second = await mailbox.events.delta(first.deltaLink);
    assert.deepEqual(
      second.removed.map((r) => r.id),
      [kickoff.id],
    );
    const weekly = second.changed.filter((e) => e.subject === 'Weekly sync');
    assert.ok(
      weekly.length >= 3,
      `the series' occurrences come back (${second.changed.map((e) => `${e.type}`).join(', ')})`,
    );
    assert.ok(weekly.filter((e) => e.type === 'occurrence').every((e) => e.seriesMasterId === master.id));

    await mailbox.events.update(master.id!, { subject: 'Weekly sync (moved)' });
    assert.equal((await mailbox.events.get(master.id!)).subject, 'Weekly sync (moved)');
    await mailbox.events.delete(master.id!);
    const third = await mailbox.events.delta(second.deltaLink);
    assert.ok(third.removed.length >= 3, 'deleting the master removes its occurrences');
  });

  it('tasks: the default list, then create, complete and delete across rounds', async () => {
    const mailbox = client();
    assert.equal((await mailbox.tasks.defaultList()).wellknownListName, 'defaultList');
    const first = await mailbox.tasks.delta();
    assert.deepEqual(
      first.changed.map((t) => t.title),
      ['Send the deck'],
    );
    const created = await mailbox.tasks.create({
      title: 'Call Grace',
      dueDateTime: { dateTime: '2026-06-05T00:00:00.0000000', timeZone: 'UTC' },
    });
    await mailbox.tasks.update(first.changed[0].id!, { status: 'completed' });
    const second = await mailbox.tasks.delta(first.deltaLink);
    assert.deepEqual(second.changed.map((t) => [t.title, t.status]).sort(), [
      ['Call Grace', 'notStarted'],
      ['Send the deck', 'completed'],
    ]);
    await mailbox.tasks.delete(created.id!);
    const third = await mailbox.tasks.delta(second.deltaLink);
    assert.deepEqual(third.removed, [{ id: created.id, reason: 'deleted' }]);
  });

  it('a delta token the mailbox no longer knows is syncStateLost; a fresh round recovers', async () => {
    const mailbox = client();
    const first = await mailbox.contacts.delta();
    const firstEvents = await mailbox.events.delta(undefined, WINDOW);
    // Changes after the tokens, then a change log cut short: the changes since the tokens are gone.
    await mailbox.contacts.create({ givenName: 'Mary', surname: 'Allen Wilkes' });
    await mailbox.events.create({
      subject: 'Late',
      start: { dateTime: '2026-06-10T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-06-10T10:00:00', timeZone: 'UTC' },
    });
    local.expireDeltaTokens();
    await assert.rejects(mailbox.contacts.delta(first.deltaLink), (err: GraphApiError) => {
      assert.equal(err.kind, 'syncStateLost');
      assert.equal(err.statusCode, 410);
      assert.match(err.code, /^syncStateNotFound$/i);
      return true;
    });
    await assert.rejects(mailbox.events.delta(firstEvents.deltaLink), { kind: 'syncStateLost' });
    assert.equal((await mailbox.contacts.delta()).changed.length, 4);
  });

  it('429 with Retry-After: waits as told (through the injected sleep), then goes on', async () => {
    const mailbox = client();
    local.throttle({ requests: 2, retryAfterSeconds: 1.5 });
    const created = await mailbox.contacts.create({ givenName: 'Katherine', surname: 'Johnson' });
    assert.ok(created.id);
    assert.deepEqual(waits, [1500, 1500]);
    assert.deepEqual(mailbox.stats, { requests: 3, retries: 2 });
    assert.equal((await mailbox.contacts.list()).filter((c) => c.surname === 'Johnson').length, 1, 'created once');
  });

  it('throttled beyond the retries: rateLimited with the wait the mailbox asked for', async () => {
    const mailbox = client({
      retry: {
        sleep: async (ms) => {
          waits.push(ms);
        },
        random: () => 0,
        maxRetries: 1,
      },
    });
    local.throttle({ requests: 5, retryAfterSeconds: 2 });
    await assert.rejects(mailbox.me(), { kind: 'rateLimited', statusCode: 429, retryAfterMs: 2000, attempts: 2 });
  });

  it('a token the mailbox does not know is authExpired, and is not in the error', async () => {
    const mailbox = client({ token: 'not-a-known-token' });
    await assert.rejects(mailbox.me(), (err: GraphApiError) => {
      assert.equal(err.kind, 'authExpired');
      assert.equal(err.statusCode, 401);
      assert.ok(!JSON.stringify(err).includes('not-a-known-token') && !err.message.includes('not-a-known-token'));
      return true;
    });
  });

  describe('over https (--tls)', () => {
    let secure: LocalMailbox;
    before(async () => {
      secure = await startTestMailbox({ seed: seed(), tls: true });
    });
    after(async () => {
      await secure.close();
    });

    it('trusts the printed certificate and follows https links on the same origin', async () => {
      const mailbox = new GraphMailbox({
        baseUrl: secure.url,
        token: TOKEN,
        maxPageSize: 1,
        ca: secure.certificate!.pem,
      });
      const round = await mailbox.contacts.delta();
      assert.equal(round.changed.length, 3);
      assert.ok(round.deltaLink.startsWith(`${secure.url}/v1.0/`), round.deltaLink);
      assert.ok(mailbox.stats.requests >= 3);
    });

    it('without the certificate: a network error naming TLS', async () => {
      const mailbox = new GraphMailbox({ baseUrl: secure.url, token: TOKEN, retry: { sleep: async () => undefined } });
      await assert.rejects(
        mailbox.me(),
        (err: GraphApiError) => err.kind === 'network' && /TLS error/.test(err.message),
      );
    });
  });
});
