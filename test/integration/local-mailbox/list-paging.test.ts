/**
 * List pages by key (issue 10, finding 16): a page of `/me/contacts?$top=10` read the whole folder (170 ms at
 * 18,500 contacts whatever $top), so 100 clients timed out. A page now reads about $top rows after the last key the
 * previous page sent, carried in an opaque `$skiptoken`; what a page costs is counted by the store (rows read).
 */
import assert from 'node:assert/strict';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { checkContact, insertContact } from '../../../sync-engine/src/local-mailbox/contacts';
import { checkEvent, insertEvent } from '../../../sync-engine/src/local-mailbox/events';
import { ANN, assertGraphError, graphCaller, GraphCaller, startTestMailbox, walk } from '../../helpers/mailbox';

const FIXTURE_CONTACTS = 3;

describe('local mailbox: list pages cost $top, not the folder', () => {
  let mb: LocalMailbox;
  let ann: GraphCaller;

  /** Rows the store reads while `fn` runs. */
  async function rowsRead<T>(fn: () => Promise<T>): Promise<{ result: T; rows: number }> {
    const before = mb.ctx.store.readStats.itemRows;
    const result = await fn();
    return { result, rows: mb.ctx.store.readStats.itemRows - before };
  }

  function addContacts(n: number, surname: (i: number) => string): void {
    const { ctx } = mb;
    const m = mb.mailboxes[0];
    ctx.store.transaction(() => {
      for (let i = 0; i < n; i++) {
        const c = checkContact({ givenName: `Given${i}`, surname: surname(i) }, undefined);
        insertContact(ctx, m, c.props, c.autoName);
      }
    });
  }

  /** Every contact id of ann's in id order, read with SQL (what a page walk must give back). */
  const allContactIds = () =>
    mb.ctx.store.db
      .prepare(`SELECT id FROM items WHERE mailbox = 1 AND kind = 'contact' ORDER BY id`)
      .pluck()
      .all() as string[];

  describe('contacts', () => {
    before(async () => {
      mb = await startTestMailbox();
      ann = graphCaller(mb, ANN.token);
      addContacts(2_000, (i) => `Surname${String(i).padStart(4, '0')}`);
    });
    after(() => mb.close());

    it('a page of ?$top=10 reads about ten rows, and its nextLink carries a $skiptoken, not $skip', async () => {
      const { result: first, rows } = await rowsRead(() => ann('GET', '/me/contacts?$top=10&$select=surname'));
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.value.length, 10);
      assert.ok(rows <= 12, `the first page read ${rows} rows`);
      const next: string = first.body['@odata.nextLink'];
      assert.match(
        next,
        new RegExp(
          `^${mb.url.replace(/[.]/g, '\\.')}/v1\\.0/me/contacts\\?\\$select=surname&\\$top=10&\\$skiptoken=[A-Za-z0-9_-]+$`,
        ),
      );
      const second = await rowsRead(() => ann('GET', next));
      assert.equal(second.result.body.value.length, 10);
      assert.ok(second.rows <= 12, `the second page read ${second.rows} rows`);
      assert.deepEqual(
        [...first.body.value, ...second.result.body.value].map((c: any) => c.id),
        allContactIds().slice(0, 20),
      );
    });

    it('following nextLinks gives every contact once, in id order, each page reading about $top rows', async () => {
      let url: string | undefined = '/me/contacts?$top=250';
      const ids: string[] = [];
      while (url) {
        const { result, rows } = await rowsRead(() => ann('GET', url!));
        assert.equal(result.status, 200, result.text);
        assert.ok(rows <= 252, `a page read ${rows} rows`);
        ids.push(...result.body.value.map((c: any) => c.id));
        url = result.body['@odata.nextLink'];
      }
      assert.deepEqual(ids, allContactIds());
    });

    it('$skip from a client jumps over rows without reading them', async () => {
      const { result, rows } = await rowsRead(() => ann('GET', '/me/contacts?$top=5&$skip=1500'));
      assert.deepEqual(
        result.body.value.map((c: any) => c.id),
        allContactIds().slice(1500, 1505),
      );
      assert.ok(rows <= 7, `$skip=1500 read ${rows} rows`);
      const rest = await walk(ann, result.body['@odata.nextLink']);
      assert.deepEqual(
        rest.items.map((c: any) => c.id),
        allContactIds().slice(1505),
      );
    });

    it("a forged or altered $skiptoken is a 400 in Graph's shape", async () => {
      const next: string = (await ann('GET', '/me/contacts?$top=2')).body['@odata.nextLink'];
      const token = new URL(next).searchParams.get('$skiptoken')!;
      const altered = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
      assertGraphError(await ann('GET', `/me/contacts?$top=2&$skiptoken=${altered}`), 400, 'BadRequest');
      assertGraphError(
        await ann('GET', `/me/contacts?$top=2&$skiptoken=${token}&$filter=${encodeURIComponent("surname eq 'x'")}`),
        400,
        'BadRequest',
      );
      assertGraphError(await ann('GET', `/me/todo/lists?$skiptoken=${token}`), 400, 'BadRequest');
    });
  });

  describe('a folder that changes between pages', () => {
    beforeEach(async () => {
      mb = await startTestMailbox();
      ann = graphCaller(mb, ANN.token);
      addContacts(30, (i) => `Surname${String(i).padStart(2, '0')}`);
    });
    afterEach(() => mb.close());

    it('a contact deleted from a page already read does not make the next page skip one', async () => {
      const all = allContactIds();
      const first = await ann('GET', '/me/contacts?$top=4');
      assert.equal((await ann('DELETE', `/me/contacts/${first.body.value[1].id}`)).status, 204);
      const rest = await walk(ann, first.body['@odata.nextLink']);
      assert.deepEqual(
        [...first.body.value, ...rest.items].map((c: any) => c.id),
        all,
      );
    });

    it('with $orderby, pages go on after the last one sent: sorted, none skipped, none twice', async () => {
      const expected = (await ann('GET', '/me/contacts?$orderby=surname desc&$top=100&$select=surname')).body.value.map(
        (c: any) => c.id,
      );
      const first = await ann('GET', '/me/contacts?$orderby=surname desc&$top=4&$select=surname');
      assert.deepEqual(
        first.body.value.map((c: any) => c.id),
        expected.slice(0, 4),
      );
      assert.match(
        first.body['@odata.nextLink'],
        /\$orderby=surname%20desc&\$select=surname&\$top=4&\$skiptoken=|\$select=surname&\$orderby=surname%20desc&\$top=4&\$skiptoken=/,
      );
      assert.equal((await ann('DELETE', `/me/contacts/${first.body.value[0].id}`)).status, 204);
      const rest = await walk(ann, first.body['@odata.nextLink']);
      assert.deepEqual(
        [...first.body.value, ...rest.items].map((c: any) => c.id),
        expected,
      );
    });
  });

  describe('$filter over a big folder', () => {
    before(async () => {
      mb = await startTestMailbox({ options: { listScanLimit: 100 } });
      ann = graphCaller(mb, ANN.token);
      addContacts(450, (i) => (i % 90 === 89 ? 'Needle' : `Hay${i}`));
    });
    after(() => mb.close());

    it('a page examines at most listScanLimit rows, ending short with a nextLink that goes on from there', async () => {
      let url: string | undefined = `/me/contacts?$top=3&$filter=${encodeURIComponent("surname eq 'Needle'")}`;
      const found: string[] = [];
      let pages = 0;
      while (url) {
        const { result, rows } = await rowsRead(() => ann('GET', url!));
        assert.equal(result.status, 200, result.text);
        assert.ok(rows <= 102, `a page read ${rows} rows`);
        assert.ok(result.body.value.length <= 3);
        found.push(...result.body.value.map((c: any) => c.id));
        url = result.body['@odata.nextLink'];
        pages += 1;
      }
      assert.ok(pages >= 5, `${pages} pages`);
      const needles = mb.ctx.store.db
        .prepare(
          `SELECT id FROM items WHERE kind = 'contact' AND json_extract(data, '$.props.surname') = 'Needle' ORDER BY id`,
        )
        .pluck()
        .all();
      assert.equal(needles.length, 5);
      assert.deepEqual(found, needles);
    });
  });

  describe('events, task lists and tasks', () => {
    before(async () => {
      mb = await startTestMailbox();
      ann = graphCaller(mb, ANN.token);
      const { store } = mb.ctx;
      const m = mb.mailboxes[0];
      store.transaction(() => {
        for (let i = 0; i < 600; i++) {
          // 300 in 2027 (the window below), 300 in 2025 (outside it).
          const year = i % 2 === 0 ? 2027 : 2025;
          const day = String(1 + (i % 28)).padStart(2, '0');
          const month = String(1 + (Math.floor(i / 2) % 12)).padStart(2, '0');
          const hour = String(6 + (i % 12)).padStart(2, '0');
          const c = checkEvent(
            {
              subject: `Meeting ${i}`,
              start: { dateTime: `${year}-${month}-${day}T${hour}:00:00`, timeZone: 'UTC' },
              end: { dateTime: `${year}-${month}-${day}T${hour}:30:00`, timeZone: 'UTC' },
            },
            undefined,
            'create',
            'UTC',
          );
          insertEvent(store, m, c.props);
        }
        const series = checkEvent(
          {
            subject: 'Stand-up',
            start: { dateTime: '2027-03-01T09:00:00', timeZone: 'UTC' },
            end: { dateTime: '2027-03-01T09:15:00', timeZone: 'UTC' },
            recurrence: {
              pattern: { type: 'daily', interval: 1 },
              range: { type: 'numbered', startDate: '2027-03-01', numberOfOccurrences: 10 },
            },
          },
          undefined,
          'create',
          'UTC',
        );
        insertEvent(store, m, series.props);
      });
    });
    after(() => mb.close());

    it('/me/events, /me/todo/lists and their tasks read about $top rows a page', async () => {
      const events = await rowsRead(() => ann('GET', '/me/events?$top=2'));
      assert.equal(events.result.body.value.length, 2);
      assert.ok(events.rows <= 4, `events read ${events.rows} rows`);
      const lists = await rowsRead(() => ann('GET', '/me/todo/lists?$top=1'));
      assert.equal(lists.result.body.value.length, 1);
      assert.ok(lists.rows <= 3, `lists read ${lists.rows} rows`);
      const listId = lists.result.body.value[0].id;
      const tasks = await rowsRead(() => ann('GET', `/me/todo/lists/${listId}/tasks?$top=1`));
      assert.equal(tasks.result.body.value.length, 1);
      assert.ok(tasks.rows <= 4, `tasks read ${tasks.rows} rows`);
    });

    it('a calendarView page reads the events of its page, not the calendar; pages follow start time', async () => {
      const window = 'startDateTime=2027-01-01T00:00:00Z&endDateTime=2027-12-31T00:00:00Z';
      const page = await rowsRead(() => ann('GET', `/me/calendarView?${window}&$top=10`));
      assert.equal(page.result.status, 200, page.result.text);
      assert.equal(page.result.body.value.length, 10);
      assert.ok(page.rows <= 14, `a calendarView page read ${page.rows} rows`);
      assert.match(
        page.result.body['@odata.nextLink'],
        /\?startDateTime=2027-01-01T00%3A00%3A00Z&endDateTime=2027-12-31T00%3A00%3A00Z&\$top=10&\$skiptoken=/,
      );

      const walked = await walk(ann, `/me/calendarView?${window}&$top=7`);
      const whole = (await ann('GET', `/me/calendarView?${window}&$top=1000`)).body.value;
      assert.equal(whole.length, 310);
      assert.deepEqual(
        walked.items.map((e: any) => e.id),
        whole.map((e: any) => e.id),
      );
      const starts = whole.map((e: any) => e.start.dateTime);
      assert.deepEqual(starts, [...starts].sort());
      assert.equal(whole.filter((e: any) => e.type === 'occurrence').length, 10);
    });
  });

  it('the fixture still lists its three contacts in one page', async () => {
    mb = await startTestMailbox();
    try {
      const res = await graphCaller(mb, ANN.token)('GET', '/me/contacts');
      assert.equal(res.body.value.length, FIXTURE_CONTACTS);
      assert.equal(res.body['@odata.nextLink'], undefined);
    } finally {
      await mb.close();
    }
  });
});
