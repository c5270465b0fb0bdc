/** The mailbox seed: one clear error per problem naming its path; a bad seed starts nothing and writes nothing. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateSeed, readSeedFile, SeedError } from '../../../sync-engine/src/local-mailbox/seed';
import { startLocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { DEMO_MAILBOX_SEED, MAILBOX_FIXTURE, testMailboxSeed } from '../../helpers/mailbox';

const event = (over: object) => ({
  subject: 'x',
  start: { dateTime: '2026-03-02T09:00:00', timeZone: 'UTC' },
  end: { dateTime: '2026-03-02T10:00:00', timeZone: 'UTC' },
  ...over,
});
const weekly = {
  pattern: { type: 'weekly', daysOfWeek: ['monday'] },
  range: { type: 'numbered', startDate: '2026-03-02', numberOfOccurrences: 3 },
};

describe('local mailbox: seed', () => {
  it('accepts the demo seed and the test fixture', () => {
    assert.doesNotThrow(() => readSeedFile(DEMO_MAILBOX_SEED));
    assert.doesNotThrow(() => readSeedFile(MAILBOX_FIXTURE));
  });

  it('names the path of an unknown time zone, as the spec example does', () => {
    const seed = testMailboxSeed();
    seed.mailboxes[0].events![2].start = { dateTime: '2026-03-04T15:00:00', timeZone: 'Mars/Base' };
    assert.deepEqual(validateSeed(seed), ['mailboxes[0].events[2].start.timeZone: unknown time zone "Mars/Base"']);
  });

  it('lists every problem, one line each', () => {
    const problems = validateSeed({
      mailboxes: [
        {
          user: 'not-an-address',
          token: 'short',
          timeZone: 'Nowhere/Town',
          shoeSize: 42,
          contacts: [{ givenName: 5 }, { emailAddresses: [{ name: 'x' }] }, { favouriteColour: 'blue' }],
          events: [
            event({ end: { dateTime: '2026-03-02T08:00:00', timeZone: 'UTC' } }),
            event({ isAllDay: true }),
            event({ recurrence: { pattern: { type: 'hourly' }, range: { type: 'noEnd', startDate: '2026-03-02' } } }),
            event({
              recurrence: weekly,
              cancelledOccurrences: ['2026-03-03', '2026-03-09', '2026-03-09'],
              exceptionOccurrences: [{ originalStartDate: '2026-04-20' }],
            }),
            event({ cancelledOccurrences: ['2026-03-02'] }),
            { subject: 'no times' },
          ],
          taskLists: [
            { displayName: '', tasks: [{ status: 'done' }] },
            { displayName: 'A', wellknownListName: 'defaultList' },
            { displayName: 'B', wellknownListName: 'defaultList' },
          ],
        },
        { user: 'ann@test.example', token: 'tok-12345678' },
        { user: 'ANN@test.example', token: 'tok-12345678' },
      ],
    });
    assert.deepEqual(problems, [
      'mailboxes[0].shoeSize: unknown key (expected user, token, password, displayName, timeZone, contacts, events, taskLists)',
      'mailboxes[0].user: required, an email address (got "not-an-address")',
      'mailboxes[0].token: required, at least 8 characters without spaces',
      'mailboxes[0].timeZone: unknown time zone "Nowhere/Town"',
      'mailboxes[0].contacts[0].givenName: must be a string (got 5)',
      'mailboxes[0].contacts[1].emailAddresses[0].address: required, a non-empty string (got undefined)',
      'mailboxes[0].contacts[2].favouriteColour: unknown property of contact',
      'mailboxes[0].events[0].end: is before start',
      'mailboxes[0].events[1].end: an all-day event starts and ends at midnight and lasts at least one day (end is the midnight after its last day)',
      'mailboxes[0].events[2].recurrence.pattern.type: must be one of daily, weekly, absoluteMonthly, relativeMonthly, absoluteYearly, relativeYearly (got "hourly")',
      'mailboxes[0].events[3].exceptionOccurrences[0].originalStartDate: 2026-04-20 is not a date of this series',
      'mailboxes[0].events[3].cancelledOccurrences[0]: 2026-03-03 is not a date of this series',
      'mailboxes[0].events[3].cancelledOccurrences[2]: 2026-03-09 is already an exception or cancelled',
      'mailboxes[0].events[4].cancelledOccurrences: only a recurring event (with recurrence) has occurrences',
      'mailboxes[0].events[5].start: required, an object { dateTime, timeZone }',
      'mailboxes[0].events[5].end: required, an object { dateTime, timeZone }',
      'mailboxes[0].taskLists[0].displayName: required, a non-empty string',
      'mailboxes[0].taskLists[0].tasks[0].status: must be one of notStarted, inProgress, completed, waitingOnOthers, deferred (got "done")',
      'mailboxes[0].taskLists[2].wellknownListName: only one list can be the defaultList',
      'mailboxes[2].user: duplicate mailbox "ANN@test.example"',
      'mailboxes[2].token: another mailbox has the same token',
    ]);
  });

  it('refuses a file that is not JSON, or not there, naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailbox-seed-'));
    try {
      const file = path.join(dir, 'seed.json');
      fs.writeFileSync(file, '{"mailboxes": [');
      assert.throws(
        () => readSeedFile(file),
        (e: SeedError) =>
          e instanceof SeedError &&
          e.message.startsWith(`${file}: the mailbox seed has 1 problem:`) &&
          /not valid JSON/.test(e.message),
      );
      assert.throws(() => readSeedFile(path.join(dir, 'missing.json')), /cannot read the file: ENOENT/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not start a server on a bad seed, and leaves no mailbox behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailbox-bad-'));
    try {
      const seed = testMailboxSeed();
      seed.mailboxes[0].timeZone = 'Mars/Base';
      await assert.rejects(
        startLocalMailbox({ seed, dataDir: dir, port: 0 }),
        (e: SeedError) =>
          e instanceof SeedError && /mailboxes\[0\]\.timeZone: unknown time zone "Mars\/Base"/.test(e.message),
      );
      // The next start with a good seed seeds from scratch: nothing half-written was kept.
      const mb = await startLocalMailbox({ seed: testMailboxSeed(), dataDir: dir, port: 0 });
      assert.equal(mb.seeded, true);
      await mb.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
