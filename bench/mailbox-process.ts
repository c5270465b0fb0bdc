/**
 * A local mailbox in its own process for the mailbox benchmark, so the load generator does not share its event
 * loop and the peak RSS measured is the mailbox's own. Started with argv[2] = JSON MailboxBenchSpec; sends
 * `{ ready: { url, seedSeconds } }` once listening, answers `{ rss: true }` with `{ rss: { peakMb, nowMb } }`
 * and exits on `{ stop: true }`.
 */
import { performance } from 'node:perf_hooks';
import { startLocalMailbox } from '../sync-engine/src/local-mailbox';
import { checkContact, insertContact } from '../sync-engine/src/local-mailbox/contacts';
import { checkEvent, insertEvent } from '../sync-engine/src/local-mailbox/events';

export const MAILBOX_BENCH_USER = { user: 'ann@mailbox-bench.example', token: 'ann-mailbox-bench-token' };

export interface MailboxBenchSpec {
  contacts: number;
  /** A daily series with no end, from this date (YYYY-MM-DD), 09:00-09:30 New York. */
  dailySeriesFrom?: string;
}

async function run(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as MailboxBenchSpec;
  const started = performance.now();
  const mailbox = await startLocalMailbox({
    seed: {
      mailboxes: [{ user: MAILBOX_BENCH_USER.user, token: MAILBOX_BENCH_USER.token, timeZone: 'America/New_York' }],
    },
    dataDir: ':memory:',
    port: 0,
  });
  const { ctx } = mailbox;
  const m = mailbox.mailboxes[0];
  ctx.store.transaction(() => {
    for (let i = 0; i < spec.contacts; i++) {
      const c = checkContact(
        {
          givenName: `Given${i}`,
          surname: `Surname${i}`,
          emailAddresses: [{ address: `c${i}@contacts.example` }],
          businessPhones: [`+1 555 ${String(i % 10_000).padStart(4, '0')}`],
          companyName: `Company ${i % 500}`,
          jobTitle: 'Engineer',
          businessAddress: {
            street: `${i} Elm St`,
            city: 'Shelbyville',
            state: 'IL',
            postalCode: '61000',
            countryOrRegion: 'USA',
          },
        },
        undefined,
      );
      insertContact(ctx, m, c.props, c.autoName);
    }
    if (spec.dailySeriesFrom) {
      const c = checkEvent(
        {
          subject: 'Daily stand-up',
          start: { dateTime: `${spec.dailySeriesFrom}T09:00:00`, timeZone: 'America/New_York' },
          end: { dateTime: `${spec.dailySeriesFrom}T09:30:00`, timeZone: 'America/New_York' },
          recurrence: {
            pattern: { type: 'daily', interval: 1 },
            range: { type: 'noEnd', startDate: spec.dailySeriesFrom },
          },
        },
        undefined,
        'create',
        'America/New_York',
      );
      if (c.problems.length) throw new Error(JSON.stringify(c.problems));
      insertEvent(ctx.store, m, c.props);
    }
  });
  process.on('message', (msg: { rss?: boolean; stop?: boolean }) => {
    if (msg.rss)
      process.send!({
        rss: { peakMb: process.resourceUsage().maxRSS / 1024, nowMb: process.memoryUsage.rss() / 1024 / 1024 },
      });
    if (msg.stop) void mailbox.close().then(() => process.exit(0));
  });
  process.send!({ ready: { url: mailbox.url, seedSeconds: (performance.now() - started) / 1000 } });
}

if (require.main === module) {
  run().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
