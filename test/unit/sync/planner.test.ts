/**
 * The planner on its own: classification of linked pairs (echo, changed, deleted on either side), the conflict
 * winner for each direction, edits against deletes, and first-sync matching (contacts by email, then first + last
 * name + company; events by subject and start; tasks by subject and due date).
 */
import assert from 'node:assert/strict';
import { planObject, deletesBySide, Plan } from '../../../sync-engine/src/sync/planner';
import { deleteOutcome, winnerOf } from '../../../sync-engine/src/sync/conflicts';
import { contentHash } from '../../../sync-engine/src/sync/canonical';
import { Direction, ObjectSettings, SyncObject, Winner } from '../../../sync-engine/src/sync/objects';
import { InboxEntry, Link } from '../../../sync-engine/src/sync/state-store';
import {
  Canonical,
  CanonicalContact,
  CanonicalEvent,
  CanonicalTask,
  SideName,
} from '../../../sync-engine/src/sync/types';

const contact = (o: Partial<CanonicalContact> = {}): CanonicalContact => ({
  firstName: 'Grace',
  lastName: 'Hopper',
  email: 'grace@navy.example',
  phone: null,
  mobilePhone: null,
  company: null,
  title: null,
  department: null,
  street: null,
  city: null,
  state: null,
  postalCode: null,
  country: null,
  notes: null,
  ...o,
});
const event = (o: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  subject: 'Weekly sync',
  location: null,
  start: '2027-03-03T14:00:00.000Z',
  end: '2027-03-03T14:30:00.000Z',
  isAllDay: false,
  notes: null,
  showAs: 'busy',
  isPrivate: false,
  ...o,
});
const task = (o: Partial<CanonicalTask> = {}): CanonicalTask => ({
  subject: 'Call Grace',
  dueDate: '2027-01-05',
  status: 'notStarted',
  priority: 'normal',
  notes: null,
  ...o,
});

const present = (
  side: SideName,
  id: string,
  data: Canonical,
  object: SyncObject = 'contacts',
  version = `v-${id}`,
): InboxEntry => ({ side, object, change: { id, version, deleted: false, data } });
const gone = (side: SideName, id: string, object: SyncObject = 'contacts'): InboxEntry => ({
  side,
  object,
  change: { id, deleted: true },
});
const linkOf = (data: Canonical, object: SyncObject = 'contacts', sfId = '003A', olId = 'OL-A'): Link => ({
  object,
  sfId,
  olId,
  sfVersion: 'sf-1',
  olVersion: 'ol-1',
  hash: contentHash(data),
});
const lookup = (links: Link[]) => ({
  bySf: (id: string) => links.find((l) => l.sfId === id),
  byOl: (id: string) => links.find((l) => l.olId === id),
});
const settings = (direction: Direction = 'both', winner: Winner = 'salesforce'): ObjectSettings => ({
  direction,
  winner,
});

/** The writes of a plan as [target, kind, id, data] for easy comparison. */
const writes = (p: Plan) =>
  p.writes.map((w) => [w.target, w.request.kind, w.request.id ?? null, w.request.data ?? null]);

describe('sync/planner: linked records', () => {
  const base = contact();
  const link = linkOf(base);

  it('an echo of our own write (same content) is no change: no write, the versions are remembered', () => {
    const p = planObject(
      'contacts',
      [
        present('salesforce', '003A', contact(), 'contacts', 'sf-2'),
        present('outlook', 'OL-A', contact(), 'contacts', 'ol-2'),
      ],
      lookup([link]),
      settings(),
    );
    assert.deepEqual(p.writes, []);
    assert.deepEqual(p.linkUpdates, [{ ...link, sfVersion: 'sf-2', olVersion: 'ol-2' }]);
    assert.equal(p.conflicts, 0);
  });

  it('a change on one side goes to the other, addressed by the link', () => {
    const edited = contact({ title: 'Rear Admiral' });
    assert.deepEqual(
      writes(planObject('contacts', [present('salesforce', '003A', edited)], lookup([link]), settings())),
      [['outlook', 'update', 'OL-A', edited]],
    );
    assert.deepEqual(writes(planObject('contacts', [present('outlook', 'OL-A', edited)], lookup([link]), settings())), [
      ['salesforce', 'update', '003A', edited],
    ]);
  });

  it("an update carries the target's version it was planned against, and the source's id and version", () => {
    const edited = contact({ title: 'Rear Admiral' });
    const [toOutlook] = planObject(
      'contacts',
      [present('salesforce', '003A', edited, 'contacts', 'sf-2')],
      lookup([link]),
      settings(),
    ).writes;
    assert.deepEqual(
      [toOutlook.request.version, toOutlook.request.sourceId, toOutlook.request.sourceVersion],
      ['ol-1', '003A', 'sf-2'],
    );
    // In a conflict, the version read from the losing side is the one overwritten, knowingly.
    const both = [
      present('salesforce', '003A', edited, 'contacts', 'sf-2'),
      present('outlook', 'OL-A', contact({ title: 'Other' }), 'contacts', 'ol-2'),
    ];
    const [conflict] = planObject('contacts', both, lookup([link]), settings('both', 'salesforce')).writes;
    assert.deepEqual(
      [conflict.target, conflict.request.version, conflict.request.sourceVersion],
      ['outlook', 'ol-2', 'sf-2'],
    );
  });

  it('a change on a side that does not sync stays there', () => {
    const edited = contact({ title: 'Rear Admiral' });
    assert.deepEqual(
      writes(
        planObject(
          'contacts',
          [present('salesforce', '003A', edited)],
          lookup([link]),
          settings('outlook-to-salesforce'),
        ),
      ),
      [],
    );
    assert.deepEqual(
      writes(
        planObject('contacts', [present('outlook', 'OL-A', edited)], lookup([link]), settings('salesforce-to-outlook')),
      ),
      [],
    );
  });

  it('both sides changed alike: no conflict, no write, the link takes the new content', () => {
    const edited = contact({ title: 'Rear Admiral' });
    const p = planObject(
      'contacts',
      [present('salesforce', '003A', edited), present('outlook', 'OL-A', contact({ title: 'Rear Admiral' }))],
      lookup([link]),
      settings(),
    );
    assert.deepEqual(p.writes, []);
    assert.equal(p.conflicts, 0);
    assert.equal(p.linkUpdates[0].hash, contentHash(edited));
  });

  for (const winner of ['salesforce', 'outlook'] as const) {
    it(`both sides changed differently, winner ${winner}: the winner's whole record goes to the other side`, () => {
      const sf = contact({ title: 'From Salesforce' });
      const ol = contact({ title: 'From Outlook', mobilePhone: '+1 555 0199' });
      const p = planObject(
        'contacts',
        [present('salesforce', '003A', sf), present('outlook', 'OL-A', ol)],
        lookup([link]),
        settings('both', winner),
      );
      assert.equal(p.conflicts, 1);
      assert.deepEqual(
        writes(p),
        winner === 'salesforce' ? [['outlook', 'update', 'OL-A', sf]] : [['salesforce', 'update', '003A', ol]],
      );
    });
  }

  // Regression: one way, a conflict whose configured winner was the target wrote nothing, dropping the source's edit.
  it('one-way conflict: the source wins whatever winner says', () => {
    const sf = contact({ title: 'From Salesforce' });
    const ol = contact({ title: 'From Outlook' });
    const inbox = [present('salesforce', '003A', sf), present('outlook', 'OL-A', ol)];
    assert.deepEqual(
      writes(planObject('contacts', inbox, lookup([link]), settings('outlook-to-salesforce', 'salesforce'))),
      [['salesforce', 'update', '003A', ol]],
    );
    assert.deepEqual(
      writes(planObject('contacts', inbox, lookup([link]), settings('salesforce-to-outlook', 'outlook'))),
      [['outlook', 'update', 'OL-A', sf]],
    );
  });

  it('deleteOutcome: the editing side wins back a deleted record; a delete that may not flow is held; else it flows', () => {
    assert.equal(deleteOutcome(settings('both', 'outlook'), 'salesforce', true), 'recreate');
    assert.equal(deleteOutcome(settings('both', 'salesforce'), 'salesforce', true), 'delete');
    assert.equal(deleteOutcome(settings('both', 'salesforce'), 'outlook', false), 'delete');
    assert.equal(deleteOutcome(settings('salesforce-to-outlook', 'outlook'), 'outlook', false), 'hold');
    assert.equal(deleteOutcome(settings('salesforce-to-outlook', 'outlook'), 'outlook', true), 'recreate');
    assert.equal(deleteOutcome(settings('outlook-to-salesforce', 'outlook'), 'outlook', true), 'delete');
  });

  it('winnerOf: the configured winner only when both directions sync', () => {
    assert.equal(winnerOf(settings('both', 'outlook')), 'outlook');
    assert.equal(winnerOf(settings('both', 'salesforce')), 'salesforce');
    assert.equal(winnerOf(settings('salesforce-to-outlook', 'outlook')), 'salesforce');
    assert.equal(winnerOf(settings('outlook-to-salesforce', 'salesforce')), 'outlook');
  });

  it('a delete on one side deletes the other, conditional on the version planned against; the link goes once it is done', () => {
    const p = planObject('contacts', [gone('outlook', 'OL-A')], lookup([link]), settings());
    assert.deepEqual(writes(p), [['salesforce', 'delete', '003A', null]]);
    assert.deepEqual([p.writes[0].request.version, p.writes[0].request.sourceId], ['sf-1', 'OL-A']);
    // Kept until the delete is confirmed (outbox-sender.ts): a target edited meanwhile is planned again with it.
    assert.deepEqual(p.linkDeletes, []);
    assert.deepEqual(deletesBySide(p), { salesforce: 1, outlook: 0 });
    assert.deepEqual(writes(planObject('contacts', [gone('salesforce', '003A')], lookup([link]), settings())), [
      ['outlook', 'delete', 'OL-A', null],
    ]);
  });

  it('a delete on a side that does not sync is held: no write, the link kept, the entry left in the inbox', () => {
    const p = planObject('contacts', [gone('outlook', 'OL-A')], lookup([link]), settings('salesforce-to-outlook'));
    assert.deepEqual([p.writes, p.linkDeletes, p.linkUpdates, p.planned], [[], [], [], []]);
  });

  it('deleted on both sides: only the link goes', () => {
    const p = planObject('contacts', [gone('outlook', 'OL-A'), gone('salesforce', '003A')], lookup([link]), settings());
    assert.deepEqual([p.writes, p.linkDeletes, p.conflicts], [[], ['003A'], 0]);
  });

  it('an edit against a delete: the winner decides whether the record lives', () => {
    const edited = contact({ title: 'Edited' });
    const inbox = [gone('salesforce', '003A'), present('outlook', 'OL-A', edited)];
    const lives = planObject('contacts', inbox, lookup([link]), settings('both', 'outlook'));
    assert.equal(lives.conflicts, 1);
    assert.deepEqual(writes(lives), [['salesforce', 'create', null, edited]]);
    assert.equal(lives.writes[0].sourceId, 'OL-A');
    assert.deepEqual(lives.linkDeletes, ['003A']);
    const goes = planObject('contacts', inbox, lookup([link]), settings('both', 'salesforce'));
    assert.equal(goes.conflicts, 1);
    assert.deepEqual(writes(goes), [['outlook', 'delete', 'OL-A', null]]);
    // One way, the source decides: Outlook is the source here, so its edit brings the record back.
    assert.deepEqual(
      writes(planObject('contacts', inbox, lookup([link]), settings('outlook-to-salesforce', 'salesforce'))),
      [['salesforce', 'create', null, edited]],
    );
  });

  it('direction none plans nothing and leaves the inbox alone', () => {
    const p = planObject(
      'contacts',
      [present('outlook', 'OL-A', contact({ title: 'x' }))],
      lookup([link]),
      settings('none'),
    );
    assert.deepEqual([p.writes, p.planned], [[], []]);
  });

  it('a delete of a record we never linked is ignored', () => {
    const p = planObject('contacts', [gone('outlook', 'OL-unknown')], lookup([]), settings());
    assert.deepEqual([p.writes, p.linkUpdates, p.linkDeletes], [[], [], []]);
  });
});

describe('sync/planner: first-sync matching, no duplicates', () => {
  it('contacts match by email, whatever its case and spacing', () => {
    const p = planObject(
      'contacts',
      [
        present('salesforce', '003A', contact({ email: 'Grace@Navy.example' })),
        present('outlook', 'OL-A', contact({ email: ' grace@navy.example ' })),
      ],
      lookup([]),
      settings(),
    );
    assert.equal(p.matched, 1);
    assert.equal(p.linkUpdates[0].sfId, '003A');
    assert.equal(p.linkUpdates[0].olId, 'OL-A');
  });

  it('email first: a contact matches the record with its email, not another with its name', () => {
    const p = planObject(
      'contacts',
      [
        present('salesforce', '003NAME', contact({ email: null })),
        present('salesforce', '003MAIL', contact({ firstName: 'G.', lastName: 'Hopper-Smith' })),
        present('outlook', 'OL-A', contact()),
      ],
      lookup([]),
      settings(),
    );
    assert.equal(p.linkUpdates.find((l) => l.olId === 'OL-A')!.sfId, '003MAIL');
    assert.deepEqual(
      writes(p).map((w) => [w[0], w[1]]),
      [
        ['outlook', 'update'],
        ['outlook', 'create'],
      ],
    );
  });

  it('without a shared email, first + last name + company match; another company does not', () => {
    const sf = [
      present('salesforce', '003A', contact({ email: null, company: 'Navy' })),
      present('salesforce', '003B', contact({ firstName: 'Alan', lastName: 'Turing', email: null, company: 'GCHQ' })),
    ];
    const ol = [
      present('outlook', 'OL-A', contact({ email: 'other@navy.example', company: 'navy ' })),
      present('outlook', 'OL-B', contact({ firstName: 'Alan', lastName: 'Turing', email: null, company: 'NPL' })),
    ];
    const p = planObject('contacts', [...sf, ...ol], lookup([]), settings());
    assert.equal(p.matched, 1);
    assert.equal(p.linkUpdates[0]?.olId ?? p.writes.find((w) => w.request.kind === 'update')?.request.id, 'OL-A');
    assert.deepEqual(
      p.writes
        .filter((w) => w.request.kind === 'create')
        .map((w) => [w.target, w.sourceId])
        .sort(),
      [
        ['outlook', '003B'],
        ['salesforce', 'OL-B'],
      ],
    );
  });

  it("a match with different content is a conflict: the winner's content goes to the other side", () => {
    const sf = contact({ title: 'Commodore' });
    const ol = contact({ title: 'Rear Admiral' });
    const p = planObject(
      'contacts',
      [present('salesforce', '003A', sf), present('outlook', 'OL-A', ol)],
      lookup([]),
      settings('both', 'outlook'),
    );
    assert.deepEqual([p.matched, p.conflicts], [1, 1]);
    assert.deepEqual(writes(p), [['salesforce', 'update', '003A', ol]]);
  });

  it('one Salesforce record matches one Outlook record only', () => {
    const p = planObject(
      'contacts',
      [
        present('salesforce', '003A', contact()),
        present('outlook', 'OL-A', contact()),
        present('outlook', 'OL-B', contact()),
      ],
      lookup([]),
      settings(),
    );
    assert.equal(p.matched, 1);
    assert.deepEqual(
      p.writes.map((w) => [w.target, w.request.kind, w.sourceId]),
      [['salesforce', 'create', 'OL-B']],
    );
  });

  it('events match by subject and start instant; a different start is another event', () => {
    const p = planObject(
      'events',
      [
        present('salesforce', '00UA', event({ subject: 'weekly  SYNC', location: 'Room 1' }), 'events'),
        present(
          'salesforce',
          '00UB',
          event({ start: '2027-03-10T14:00:00.000Z', end: '2027-03-10T14:30:00.000Z' }),
          'events',
        ),
        present('outlook', 'OL-A', event({ location: 'Room 1' }), 'events'),
        present(
          'outlook',
          'OL-C',
          event({ start: '2027-03-17T13:00:00.000Z', end: '2027-03-17T13:30:00.000Z' }),
          'events',
        ),
      ],
      lookup([]),
      settings(),
    );
    assert.equal(p.matched, 1);
    assert.deepEqual(
      p.writes.filter((w) => w.request.kind === 'create').map((w) => [w.target, w.sourceId]),
      [
        ['outlook', '00UB'],
        ['salesforce', 'OL-C'],
      ],
    );
  });

  it('all-day events match by subject and date', () => {
    const allDay = event({ subject: 'Offsite', isAllDay: true, start: '2027-01-20', end: '2027-01-22' });
    const p = planObject(
      'events',
      [present('salesforce', '00UA', allDay, 'events'), present('outlook', 'OL-A', { ...allDay }, 'events')],
      lookup([]),
      settings(),
    );
    assert.deepEqual([p.matched, p.writes.length], [1, 0]);
  });

  it('tasks match by subject and due date; the same subject due another day is another task', () => {
    const p = planObject(
      'tasks',
      [
        present('salesforce', '00TA', task({ status: 'inProgress' }), 'tasks'),
        present('outlook', 'OL-A', task(), 'tasks'),
        present('outlook', 'OL-B', task({ dueDate: '2027-01-06' }), 'tasks'),
        present('outlook', 'OL-C', task({ subject: 'No date', dueDate: null }), 'tasks'),
        present('salesforce', '00TC', task({ subject: 'no date', dueDate: null }), 'tasks'),
      ],
      lookup([]),
      settings(),
    );
    assert.equal(p.matched, 2);
    assert.deepEqual(
      p.writes.filter((w) => w.request.kind === 'create').map((w) => [w.target, w.sourceId]),
      [['salesforce', 'OL-B']],
    );
  });

  it('one way, unmatched records are created on the target only', () => {
    const inbox = [
      present('salesforce', '003A', contact({ email: 'a@x.example', lastName: 'A' })),
      present('outlook', 'OL-B', contact({ email: 'b@x.example', lastName: 'B' })),
    ];
    assert.deepEqual(
      planObject('contacts', inbox, lookup([]), settings('salesforce-to-outlook')).writes.map((w) => [
        w.target,
        w.sourceId,
      ]),
      [['outlook', '003A']],
    );
    assert.deepEqual(
      planObject('contacts', inbox, lookup([]), settings('outlook-to-salesforce')).writes.map((w) => [
        w.target,
        w.sourceId,
      ]),
      [['salesforce', 'OL-B']],
    );
  });
});
