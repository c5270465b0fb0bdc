/**
 * How a run reads, against a real state file and sides that behave like the remotes at their boundary (a change
 * log: a read from a checkpoint reports changes and deletions after it; a full listing lists what exists now and
 * reports no deletions): a listing that stopped part way does not resurrect what was deleted since; a changed
 * direction lists again without losing a deletion; a dry run works on a copy and locks nothing.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runOnce } from '../../../sync-engine/src/sync/runner';
import { StateStore } from '../../../sync-engine/src/sync/state-store';
import { SyncConfig } from '../../../sync-engine/src/app/config';
import { Direction } from '../../../sync-engine/src/sync/objects';
import {
  CanonicalContact,
  ChangeBatch,
  Side,
  SideChange,
  SideName,
  SyncStop,
  WriteRequest,
  WriteResult,
} from '../../../sync-engine/src/sync/types';

const contact = (first: string): CanonicalContact => ({
  firstName: first,
  lastName: 'Test',
  email: `${first.toLowerCase()}@example.com`,
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
});

/** A remote as a change log. `stopAfterPages` makes the next read stop (throttled) after that many pages. */
class LogSide implements Side {
  readonly records = new Map<string, CanonicalContact>();
  readonly sent: string[] = [];
  private readonly log: Array<{ seq: number; id: string; deleted: boolean }> = [];
  private seq = 0;
  private made = 0;
  stopAfterPages: number | null = null;
  /** Called between pages of a read (another process writing meanwhile). */
  betweenPages: (() => void) | null = null;

  constructor(
    readonly name: SideName,
    private readonly prefix: string,
  ) {}

  requestCount(): number {
    return 0;
  }

  put(id: string, data: CanonicalContact): void {
    this.records.set(id, data);
    this.log.push({ seq: ++this.seq, id, deleted: false });
  }

  remove(id: string): void {
    this.records.delete(id);
    this.log.push({ seq: ++this.seq, id, deleted: true });
  }

  async changesSince(
    object: string,
    checkpoint: string | null,
    onPage?: (changes: SideChange[]) => void,
  ): Promise<ChangeBatch> {
    const at = String(this.seq);
    let changes: SideChange[] = [];
    if (object === 'contacts') {
      changes =
        checkpoint === null
          ? [...this.records].map(([id, data]) => ({ id, version: `v${this.seq}`, deleted: false as const, data }))
          : this.log
              .filter((e) => e.seq > Number(checkpoint))
              .map((e): SideChange => {
                const data = this.records.get(e.id);
                return e.deleted || !data
                  ? { id: e.id, deleted: true }
                  : { id: e.id, version: `v${e.seq}`, deleted: false, data };
              });
    }
    // One record a page.
    for (let i = 0; i < changes.length; i++) {
      if (this.stopAfterPages !== null && i >= this.stopAfterPages) {
        this.stopAfterPages = null;
        throw new SyncStop({ kind: 'rateLimited', side: this.name, retryAfterMs: 1000 });
      }
      onPage?.([changes[i]]);
      this.betweenPages?.();
    }
    return { changes: [], checkpoint: at, complete: checkpoint === null };
  }

  async write(_object: string, requests: WriteRequest[]): Promise<WriteResult[]> {
    return requests.map((r) => {
      this.sent.push(`${r.kind} ${r.id ?? (r.data as CanonicalContact).firstName}`);
      if (r.kind === 'delete') {
        this.remove(r.id!);
        return { key: r.key, ok: true, id: r.id!, version: null };
      }
      const id = r.id ?? `${this.prefix}${++this.made}`;
      this.put(id, r.data as CanonicalContact);
      return { key: r.key, ok: true, id, version: `v${this.seq}` };
    });
  }
}

const config = (direction: Direction): SyncConfig => ({
  product: 'salesforce-for-outlook',
  productVersion: '2.9.3',
  org: { loginUrl: 'x', clientId: 'x', username: 'x', password: 'x' },
  mailbox: { url: 'x', token: 'x' },
  intervalSeconds: 600,
  dataDir: 'x',
  deleteGuard: { maxShare: 1 },
  objects: {
    contacts: { direction, winner: 'salesforce' },
    events: { direction: 'none', winner: 'salesforce' },
    tasks: { direction: 'none', winner: 'salesforce' },
  },
});

describe('sync/runner: reading', () => {
  const dirs: string[] = [];
  const newStore = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-runner-reads-'));
    dirs.push(dir);
    return new StateStore(dir);
  };
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('a first listing stopped part way: a record deleted before the next run is not copied from the stale page', async () => {
    const sf = new LogSide('salesforce', '003X');
    const ol = new LogSide('outlook', 'OL-');
    sf.put('003A', contact('Ada'));
    sf.put('003B', contact('Bea'));
    const store = newStore();
    sf.stopAfterPages = 1;
    const first = await runOnce({ config: config('both'), sides: { salesforce: sf, outlook: ol }, store });
    assert.equal(first.report.stopped?.kind, 'rateLimited');
    sf.remove('003A');
    const second = await runOnce({ config: config('both'), sides: { salesforce: sf, outlook: ol }, store });
    assert.equal(second.report.stopped, null);
    assert.deepEqual(ol.sent, ['create Bea'], 'Ada was deleted before she was ever synced');
    store.close();
  });

  it('a direction changed after a deletion: the deletion still goes through, and what was left alone is listed again', async () => {
    const sf = new LogSide('salesforce', '003X');
    const ol = new LogSide('outlook', 'OL-');
    for (const n of ['Ada', 'Bea', 'Cy']) sf.put(`003${n}`, contact(n));
    const store = newStore();
    await runOnce({ config: config('both'), sides: { salesforce: sf, outlook: ol }, store });
    await runOnce({ config: config('both'), sides: { salesforce: sf, outlook: ol }, store });
    const adaInOutlook = store.linkBySf('contacts', '003Ada')!.olId;
    ol.remove(adaInOutlook);
    ol.put('OL-new', contact('Dee'));
    const run = await runOnce({
      config: config('outlook-to-salesforce'),
      sides: { salesforce: sf, outlook: ol },
      store,
    });
    assert.equal(run.report.stopped, null);
    assert.ok(!sf.records.has('003Ada'), `Ada deleted in Salesforce (sent: ${sf.sent.join(', ')})`);
    assert.ok([...sf.records.values()].some((c) => c.firstName === 'Dee'));
    assert.equal(store.linkBySf('contacts', '003Ada'), undefined);
    store.close();
  });

  it('a dry run works on a copy: the state file is as it was, and another engine writing meanwhile is not blocked', async () => {
    const sf = new LogSide('salesforce', '003X');
    const ol = new LogSide('outlook', 'OL-');
    for (const n of ['Ada', 'Bea']) sf.put(`003${n}`, contact(n));
    const store = newStore();
    const other = new StateStore(path.dirname(store.db.name));
    let writes = 0;
    sf.betweenPages = () => {
      other.setStatus({ message: `written meanwhile ${++writes}` });
    };
    const dry = await runOnce(
      { config: config('both'), sides: { salesforce: sf, outlook: ol }, store },
      { dryRun: true },
    );
    sf.betweenPages = null;
    assert.equal(dry.report.stopped, null);
    assert.equal(writes, 2);
    assert.deepEqual(dry.plans[0].byKind, { 'create in outlook': 2 });
    assert.deepEqual(ol.sent, [], 'nothing sent');
    assert.equal(store.pendingCount(), 0, 'nothing queued in the real file');
    assert.equal(store.checkpoint('salesforce', 'contacts'), null, 'no checkpoint moved');
    assert.equal(store.plannedDirection('contacts'), null);
    assert.equal(store.status().message, 'written meanwhile 2');
    const real = await runOnce({ config: config('both'), sides: { salesforce: sf, outlook: ol }, store });
    assert.deepEqual(ol.sent.sort(), ['create Ada', 'create Bea']);
    assert.equal(real.report.counts.outlook.contacts.created, 2);
    other.close();
    store.close();
  });
});
