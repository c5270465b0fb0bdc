/**
 * The local mailbox under hostile and heavy reads (issue 10, findings 4 and 16), the mailbox in its own process
 * (mailbox-process) so its peak RSS is its own:
 *
 * - a contact list page (`GET /me/contacts?$top=10`) at 20,000 contacts: ms for the first page, ms per page
 *   following nextLinks, and 100 concurrent clients under autocannon (requests per second, p99, timeouts);
 * - calendarView and its delta over the whole calendar (0001-01-01 to 9999-12-31) with a daily series without
 *   end: status and ms of the answer, the mailbox's peak RSS;
 * - the widest window the mailbox accepts (1,825 days) over the same series, far from its start: ms of the
 *   first page, ms per page following nextLinks, a whole delta round, the next round once the series is renamed
 *   (every occurrence changed), and the peak RSS after all of it.
 */
import { fork, ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Figure } from './figures';
import { MAILBOX_BENCH_USER, MailboxBenchSpec } from './mailbox-process';

const CONTACTS = Number(process.env.MAILBOX_BENCH_CONTACTS ?? 20_000);
const CONCURRENT_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WHOLE_CALENDAR = 'startDateTime=0001-01-01T00:00:00Z&endDateTime=9999-12-31T00:00:00Z';
const WIDEST_WINDOW = 'startDateTime=9990-01-01T00:00:00Z&endDateTime=9994-12-30T00:00:00Z';
const AUTH = { authorization: `Bearer ${MAILBOX_BENCH_USER.token}` };

interface Mailbox {
  child: ChildProcess;
  url: string;
}

function message<T>(child: ChildProcess, key: string, send?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m[key] as T);
      }
    };
    const onExit = (code: number) => reject(new Error(`the mailbox process exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (send) child.send(send);
  });
}

async function startMailbox(spec: MailboxBenchSpec): Promise<Mailbox> {
  const child = fork(path.join(__dirname, 'mailbox-process.js'), [JSON.stringify(spec)], { stdio: 'inherit' });
  const ready = await message<{ url: string; seedSeconds: number }>(child, 'ready');
  return { child, url: ready.url };
}

async function stopMailbox(mb: Mailbox): Promise<void> {
  const exited = new Promise((resolve) => mb.child.once('exit', resolve));
  mb.child.send({ stop: true });
  await exited;
}

const peakRssMb = async (mb: Mailbox) => (await message<{ peakMb: number }>(mb.child, 'rss', { rss: true })).peakMb;

/** One GET: status, ms, and the body when it is JSON. */
async function timedGet(url: string): Promise<{ status: number; ms: number; body: any }> {
  const t = performance.now();
  const res = await fetch(url, { headers: AUTH });
  const text = await res.text();
  const ms = performance.now() - t;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, ms, body };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Follow nextLinks from `first` for at most `pages` pages: ms per page and the pages read. */
async function followPages(
  first: string,
  pages: number,
): Promise<{ msPerPage: number; pages: number; items: number; last?: any }> {
  let url: string | undefined = first;
  let n = 0;
  let items = 0;
  let total = 0;
  let last: any;
  while (url && n < pages) {
    const r = await timedGet(url);
    if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    total += r.ms;
    n += 1;
    items += r.body.value.length;
    last = r.body;
    url = r.body['@odata.nextLink'];
  }
  return { msPerPage: total / n, pages: n, items, last };
}

async function contactsBench(): Promise<Figure[]> {
  const mb = await startMailbox({ contacts: CONTACTS });
  try {
    const page = `${mb.url}/v1.0/me/contacts?$top=10`;
    for (let i = 0; i < 3; i++) await timedGet(page); // warm-up
    const firsts: number[] = [];
    for (let i = 0; i < 20; i++) firsts.push((await timedGet(page)).ms);
    const walked = await followPages(page, 50);
    const load = await autocannon({
      url: page,
      headers: AUTH,
      connections: 100,
      duration: CONCURRENT_SECONDS,
      timeout: 10,
    });
    const k = `${Math.round(CONTACTS / 1000)}k`;
    return [
      {
        name: `mailbox: contacts ?$top=10 at ${k}, first page`,
        value: median(firsts),
        unit: 'ms',
        note: 'median of 20',
      },
      {
        name: `mailbox: contacts ?$top=10 at ${k}, per page following nextLink`,
        value: walked.msPerPage,
        unit: 'ms',
        note: `${walked.pages} pages`,
      },
      {
        name: `mailbox: contacts ?$top=10 at ${k}, 100 clients`,
        value: load.requests.average,
        unit: 'req/s',
        note: `${CONCURRENT_SECONDS} s`,
      },
      { name: `mailbox: contacts ?$top=10 at ${k}, 100 clients, p99`, value: load.latency.p99, unit: 'ms' },
      {
        name: `mailbox: contacts ?$top=10 at ${k}, 100 clients, timeouts+errors`,
        value: load.timeouts + load.errors,
        unit: 'requests',
        note: `of ${load.requests.sent}`,
      },
      { name: `mailbox: contacts at ${k}, peak RSS`, value: await peakRssMb(mb), unit: 'MB' },
    ];
  } finally {
    await stopMailbox(mb);
  }
}

async function wholeCalendarBench(): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const what of ['calendarView', 'calendarView/delta'] as const) {
    const mb = await startMailbox({ contacts: 0, dailySeriesFrom: '2026-01-05' });
    try {
      const r = await timedGet(`${mb.url}/v1.0/me/${what}?${WHOLE_CALENDAR}`);
      const outcome = r.status === 200 ? `200, ${r.body.value.length} items` : `${r.status} ${r.body?.error?.code}`;
      figures.push({ name: `mailbox: ${what} 0001-9999, daily series`, value: r.ms, unit: 'ms', note: outcome });
      figures.push({
        name: `mailbox: ${what} 0001-9999, daily series, peak RSS`,
        value: await peakRssMb(mb),
        unit: 'MB',
      });
    } finally {
      await stopMailbox(mb);
    }
  }
  return figures;
}

async function widestWindowBench(): Promise<Figure[]> {
  const mb = await startMailbox({ contacts: 0, dailySeriesFrom: '2026-01-05' });
  try {
    const view = `${mb.url}/v1.0/me/calendarView?${WIDEST_WINDOW}&$top=10`;
    const first = await timedGet(view);
    if (first.status !== 200) throw new Error(`widest window: ${first.status} ${JSON.stringify(first.body)}`);
    const walked = await followPages(view, 50);
    let t = performance.now();
    const round = await followPages(`${mb.url}/v1.0/me/calendarView/delta?${WIDEST_WINDOW}`, 1_000);
    const roundMs = performance.now() - t;
    // The next round after the series is renamed: every occurrence in the window changed.
    const seriesId = (await timedGet(`${mb.url}/v1.0/me/events?$top=1`)).body.value[0].id;
    const renamed = await fetch(`${mb.url}/v1.0/me/events/${seriesId}`, {
      method: 'PATCH',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'Daily stand-up v2' }),
    });
    if (renamed.status !== 200) throw new Error(`renaming the series: ${renamed.status}`);
    t = performance.now();
    const next = await followPages(round.last['@odata.deltaLink'], 1_000);
    const nextMs = performance.now() - t;
    return [
      {
        name: 'mailbox: calendarView 1,825 days, daily series, first page',
        value: first.ms,
        unit: 'ms',
        note: '$top=10',
      },
      {
        name: 'mailbox: calendarView 1,825 days, daily series, per page following nextLink',
        value: walked.msPerPage,
        unit: 'ms',
        note: `${walked.pages} pages`,
      },
      {
        name: 'mailbox: calendarView/delta 1,825 days, daily series, whole round',
        value: roundMs,
        unit: 'ms',
        note: `${round.pages} pages, ${round.items} items`,
      },
      {
        name: 'mailbox: calendarView/delta 1,825 days, series renamed, next round',
        value: nextMs,
        unit: 'ms',
        note: `${next.pages} pages, ${next.items} items`,
      },
      { name: 'mailbox: calendarView 1,825 days, daily series, peak RSS', value: await peakRssMb(mb), unit: 'MB' },
    ];
  } finally {
    await stopMailbox(mb);
  }
}

/** Every mailbox figure; MAILBOX_BENCH_ONLY=contacts|calendar picks one half. */
export async function mailboxBench(): Promise<Figure[]> {
  const only = process.env.MAILBOX_BENCH_ONLY;
  const figures: Figure[] = [];
  if (only !== 'calendar') figures.push(...(await contactsBench()));
  if (only !== 'contacts') figures.push(...(await wholeCalendarBench()), ...(await widestWindowBench()));
  return figures;
}
