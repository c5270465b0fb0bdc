/**
 * The span of time kept beside each event, which calendar views read instead of every event: an exception moved
 * outside its series' range still shows where it moved, and a store written before spans were kept gets them when
 * it opens, so its events still show.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalMailbox } from '../../../sync-engine/src/local-mailbox';
import { ANN, graphCaller, startTestMailbox, testMailboxSeed } from '../../helpers/mailbox';

const MARCH = 'startDateTime=2026-02-20T00:00:00Z&endDateTime=2026-03-31T00:00:00Z';
const JUNE = 'startDateTime=2026-06-01T00:00:00Z&endDateTime=2026-06-30T00:00:00Z';
const subjects = (body: any) => body.value.map((e: any) => `${e.type} ${e.subject} ${e.start.dateTime.slice(0, 10)}`);

describe('local mailbox: event spans', () => {
  let mb: LocalMailbox | undefined;

  afterEach(async () => {
    await mb?.close();
    mb = undefined;
  });

  it('an occurrence moved months past the end of its series shows in a view of where it went, and no longer where it was', async () => {
    mb = await startTestMailbox();
    const ann = graphCaller(mb, ANN.token);
    const occurrence = (await ann('GET', `/me/calendarView?${MARCH}&$top=50`)).body.value.find(
      (e: any) => e.type === 'occurrence' && e.start.dateTime.startsWith('2026-03-09'),
    );
    const moved = await ann('PATCH', `/me/events/${occurrence.id}`, {
      body: {
        start: { dateTime: '2026-06-15T09:00:00', timeZone: 'America/New_York' },
        end: { dateTime: '2026-06-15T10:00:00', timeZone: 'America/New_York' },
      },
    });
    assert.equal(moved.status, 200, moved.text);
    assert.deepEqual(subjects((await ann('GET', `/me/calendarView?${JUNE}`)).body), [
      'exception Weekly sync 2026-06-15',
    ]);
    assert.ok(
      !subjects((await ann('GET', `/me/calendarView?${MARCH}&$top=50`)).body).includes(
        'occurrence Weekly sync 2026-03-09',
      ),
    );
    const round = (await ann('GET', `/me/calendarView/delta?${JUNE}`)).body;
    assert.deepEqual(
      round.value.map((e: any) => e.id),
      [occurrence.id],
    );
  });

  it('a store written before events kept spans gets them when it opens, and its calendar views show every event', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-compat-spans-'));
    try {
      mb = await startTestMailbox({ dataDir, seed: testMailboxSeed() });
      const before = subjects((await graphCaller(mb, ANN.token)('GET', `/me/calendarView?${MARCH}&$top=50`)).body);
      assert.equal(before.length, 6);
      // What an older version left: no span columns at all.
      const { db } = mb.ctx.store;
      db.exec(`DROP INDEX items_single_events; DROP INDEX items_series_end;
        ALTER TABLE items DROP COLUMN span_start; ALTER TABLE items DROP COLUMN span_end; ALTER TABLE items DROP COLUMN recurring;`);
      await mb.close();
      mb = undefined;

      mb = await startTestMailbox({ dataDir, seed: testMailboxSeed() });
      assert.equal(mb.seeded, false);
      const spans = mb.ctx.store.db
        .prepare(`SELECT COUNT(*) FROM items WHERE kind = 'event' AND span_start IS NULL`)
        .pluck()
        .get();
      assert.equal(spans, 0);
      assert.deepEqual(
        subjects((await graphCaller(mb, ANN.token)('GET', `/me/calendarView?${MARCH}&$top=50`)).body),
        before,
      );
    } finally {
      await mb?.close();
      mb = undefined;
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
