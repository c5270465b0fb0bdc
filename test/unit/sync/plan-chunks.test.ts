/**
 * Planning in chunks against a real state file: whatever the chunk size, the writes, link changes, matches and
 * conflicts are those of planning the whole inbox at once, and the inbox ends empty. The delete guard's count
 * comes out the same without committing anything.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planInChunks, plannedDeletes } from '../../../sync-engine/src/sync/plan-chunks';
import { Plan, deletesBySide, planObject } from '../../../sync-engine/src/sync/planner';
import { contentHash } from '../../../sync-engine/src/sync/canonical';
import { ObjectSettings } from '../../../sync-engine/src/sync/objects';
import { InboxEntry, Link, StateStore } from '../../../sync-engine/src/sync/state-store';
import { CanonicalContact, SideChange, SideName } from '../../../sync-engine/src/sync/types';

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
const present = (id: string, data: CanonicalContact): SideChange => ({ id, version: `v-${id}`, deleted: false, data });
const gone = (id: string): SideChange => ({ id, deleted: true });

/** Linked pairs 1..6, edited and deleted every way; unlinked records matched by email, by name + company, or not at all. */
function scenario(): { links: Link[]; sf: SideChange[]; ol: SideChange[] } {
  const base = (n: number) => contact({ firstName: `P${n}`, email: `p${n}@example.com` });
  const links: Link[] = [1, 2, 3, 4, 5, 6, 7].map((n) => ({
    object: 'contacts',
    sfId: `003L${n}`,
    olId: `OL-L${n}`,
    sfVersion: 's1',
    olVersion: 'o1',
    hash: contentHash(base(n)),
  }));
  const sf: SideChange[] = [
    present('003L1', base(1)), // echo
    present('003L2', { ...base(2), title: 'CEO' }), // edited in Salesforce
    present('003L3', { ...base(3), title: 'From Salesforce' }), // conflict
    gone('003L4'), // deleted in Salesforce
    gone('003L6'), // deleted on both
    gone('003L7'), // deleted in Salesforce, edited in Outlook
    present('003U1', contact({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' })),
    present('003U2', contact({ firstName: 'Alan', lastName: 'Turing', email: null, company: 'Bletchley' })),
    present('003U3', contact({ firstName: 'Linus', lastName: 'Only', email: 'linus@example.com' })),
    present('003U4', contact({ firstName: 'Twin', lastName: 'A', email: 'twin@example.com' })),
    present('003U5', contact({ firstName: 'Twin', lastName: 'B', email: 'twin@example.com' })),
    gone('003U6'),
  ];
  const ol: SideChange[] = [
    present('OL-L1', base(1)),
    present('OL-L3', { ...base(3), title: 'From Outlook' }),
    gone('OL-L5'), // deleted in Outlook
    gone('OL-L6'),
    present('OL-L7', { ...base(7), title: 'Kept' }),
    present('OL-U1', contact({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' })), // same content
    present(
      'OL-U2',
      contact({ firstName: 'Alan', lastName: 'Turing', email: null, company: 'Bletchley', title: 'Dr' }),
    ), // matched, differs
    present('OL-U3', contact({ firstName: 'New', lastName: 'Person', email: 'new@example.com' })),
    present('OL-U4', contact({ firstName: 'Twin', lastName: 'A', email: 'twin@example.com' })),
    present('OL-U5', contact({ firstName: 'Twin', lastName: 'B', email: 'twin@example.com' })),
    gone('OL-U6'),
  ];
  return { links, sf, ol };
}

function storeWith(s: ReturnType<typeof scenario>): StateStore {
  const store = new StateStore(fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-plan-chunks-')));
  store.transaction(() => s.links.forEach((l) => store.putLink(l)));
  store.putChanges('salesforce', 'contacts', s.sf);
  store.putChanges('outlook', 'contacts', s.ol);
  return store;
}

/** A plan's outcome in a comparable, order-free form. */
function outcome(plans: Plan[]) {
  const sorted = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();
  return {
    writes: sorted(
      plans.flatMap((p) =>
        p.writes.map((w) => [w.target, w.request.kind, w.request.id ?? null, w.sourceId, w.request.data ?? null]),
      ),
    ),
    linkUpdates: sorted(plans.flatMap((p) => p.linkUpdates)),
    linkDeletes: sorted(plans.flatMap((p) => p.linkDeletes)),
    planned: sorted(plans.flatMap((p) => p.planned.map((e) => [e.side, e.change.id]))),
    matched: plans.reduce((n, p) => n + p.matched, 0),
    conflicts: plans.reduce((n, p) => n + p.conflicts, 0),
  };
}

describe('sync/plan-chunks: planning the inbox a chunk at a time', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  for (const winner of ['salesforce', 'outlook'] as const) {
    const settings: ObjectSettings = { direction: 'both', winner };
    const s = scenario();
    const whole = (() => {
      const links = new Map(s.links.map((l) => [l.sfId, l]));
      const inbox: InboxEntry[] = [
        ...s.sf.map((change) => ({ side: 'salesforce' as SideName, object: 'contacts' as const, change })),
        ...s.ol.map((change) => ({ side: 'outlook' as SideName, object: 'contacts' as const, change })),
      ];
      return planObject(
        'contacts',
        inbox,
        { bySf: (id) => links.get(id), byOl: (id) => s.links.find((l) => l.olId === id) },
        settings,
      );
    })();

    for (const chunk of [1, 2, 3, 1000]) {
      it(`winner ${winner}, chunks of ${chunk}: the same plan as the whole inbox at once, and the inbox ends empty`, () => {
        const store = storeWith(s);
        dirs.push(path.dirname(store.db.name));
        try {
          const plans: Plan[] = [];
          planInChunks(
            store,
            'contacts',
            settings,
            (plan) => {
              plans.push(plan);
              store.commitPlan('contacts', plan.planned, plan.writes, plan.linkUpdates, plan.linkDeletes);
            },
            chunk,
          );
          assert.deepEqual(outcome(plans), outcome([whole]));
          assert.equal(whole.matched, 4, 'Ada by email, Alan by name + company, each twin once');
          assert.equal(
            store.pendingCount(),
            whole.writes.length,
            'only the queued writes are left: the inbox is empty',
          );
          if (chunk < 1000) assert.ok(plans.length > 3, `planned in ${plans.length} chunks`);
        } finally {
          store.close();
        }
      });
    }

    it(`winner ${winner}: the delete guard's count is the whole plan's, and counting commits nothing`, () => {
      const store = storeWith(s);
      dirs.push(path.dirname(store.db.name));
      try {
        const before = store.pendingCount();
        for (const chunk of [1, 2, 1000])
          assert.deepEqual(plannedDeletes(store, 'contacts', settings, chunk), deletesBySide(whole));
        assert.ok(
          deletesBySide(whole).outlook >= 1 && deletesBySide(whole).salesforce >= 1,
          'the scenario deletes on both sides',
        );
        assert.equal(store.pendingCount(), before);
      } finally {
        store.close();
      }
    });
  }
});
