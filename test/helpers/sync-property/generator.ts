/**
 * The property test's seeded generator: random operations on both sides between runs, and how each run is cut.
 * Operations are data (printed, and replayable from a file); which kinds it draws is a list, and the kinds that
 * fail on today's engine wait in KNOWN_FAILING_OPS, each with the finding of issue 11 it waits for.
 */
import { Fields, ObjectName, SideName, SIDES, sameFields } from './fields';
import { Alt, DAY_MS, Direction, KeyState, ObjectSettings, atWindowEdge } from './model';
import { RunPlan, Snapshot } from './world';

export const OP_KINDS = [
  'contact.create',
  'contact.match',
  'contact.edit',
  'contact.delete',
  'event.create',
  'event.match',
  'event.edit',
  'event.move',
  'event.delete',
  'event.nearWindowEdge',
  'task.create',
  'task.match',
  'task.edit',
  'task.delete',
  'series.create',
  'series.editOccurrence',
  'series.deleteOccurrence',
  'conflict.editBoth',
  'conflict.editDelete',
  'config.change',
  'clock.advance',
  'run.drop',
  'run.kill',
  'run.duringEdit',
  'run.duringDelete',
  'edit.inFlight',
  'event.moveOutOfWindow',
  'series.move',
  'clock.renewal',
  'delete.freshOutlookCopy',
  'event.editAtWindowEdge',
] as const;
export type OpKind = (typeof OP_KINDS)[number];

/**
 * Kinds that fail on today's engine, off by default, each with the finding it waits for. A kind found failing goes
 * here until its fix lands; PROPERTY_ENABLE=kind[,kind] (or `all`) switches one on.
 */
export const KNOWN_FAILING_OPS: Partial<Record<OpKind, string>> = {};

const WEIGHTS: Record<OpKind, number> = {
  'contact.create': 6,
  'contact.match': 2,
  'contact.edit': 10,
  'contact.delete': 3,
  'event.create': 4,
  'event.match': 1,
  'event.edit': 5,
  'event.move': 3,
  'event.delete': 2,
  'event.nearWindowEdge': 1,
  'task.create': 4,
  'task.match': 1,
  'task.edit': 6,
  'task.delete': 2,
  'series.create': 1,
  'series.editOccurrence': 2,
  'series.deleteOccurrence': 1,
  'conflict.editBoth': 6,
  'conflict.editDelete': 4,
  'config.change': 2,
  'clock.advance': 2,
  'run.drop': 0,
  'run.kill': 0,
  'run.duringEdit': 0,
  'run.duringDelete': 0,
  'edit.inFlight': 3,
  'event.moveOutOfWindow': 2,
  'series.move': 2,
  'clock.renewal': 1,
  'delete.freshOutlookCopy': 4,
  'event.editAtWindowEdge': 4,
};

/** Kinds whose chance comes rarely and passes soon (see Generator.round). */
const RARE_CHANCES: readonly OpKind[] = ['series.move', 'delete.freshOutlookCopy', 'event.editAtWindowEdge'];

/** One operation, as logged and replayed. */
export type Op =
  | { do: 'create'; object: ObjectName; side: SideName; key: string; fields: Fields }
  | { do: 'edit'; object: ObjectName; side: SideName; key: string; patch: Fields }
  | { do: 'delete'; object: ObjectName; side: SideName; key: string }
  | { do: 'series'; key: string; subject: string; first: string; minutes: number; count: number }
  | { do: 'moveSeries'; key: string; ms: number }
  | { do: 'config'; object: ObjectName; settings: ObjectSettings }
  | { do: 'clock'; days: number }
  | { do: 'run'; plan: RunPlan }
  | { do: 'settle' };
export interface LoggedOp {
  kind: OpKind | 'start' | 'settle' | 'run.clean';
  op: Op;
  /** What came of it (a run's end, a change made during a run), for the log. */
  note?: string;
}

/** mulberry32 (as test/helpers/seeded-random.ts), with the helpers a generator wants. */
export class Random {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
}

/** What the generator may look at: the model, the sides as read at the start of the round, the clock. */
export interface GenContext {
  keys: Map<string, KeyState>;
  snap: Snapshot;
  nowMs: number;
  settings: (o: ObjectName) => ObjectSettings;
  /** Days the clock moved so far (the calendar view renews its round past 7). */
  clockDays: number;
}

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Frances', 'Donald', 'Margaret'];
const PREFIX: Record<ObjectName, string> = { contacts: 'c', events: 'e', tasks: 't' };
const OBJECT_OF: Record<string, ObjectName> = { contact: 'contacts', event: 'events', task: 'tasks' };

export class Generator {
  private version = 0;
  /** The clock's days when the calendar view's current round started (a clock.renewal starts a new one). */
  private roundStartDays = 0;
  private counters: Record<string, number> = { c: 0, e: 0, t: 0, s: 0 };
  /** Kinds drawn so far: the ones not yet drawn come first, so a seed exercises every kind switched on. */
  private readonly drawn = new Set<OpKind | 'run.clean'>();
  readonly enabled: OpKind[];

  constructor(
    readonly random: Random,
    enable: readonly string[],
    private readonly now: () => number,
  ) {
    this.enabled = OP_KINDS.filter((k) => !KNOWN_FAILING_OPS[k] || enable.includes(k) || enable.includes('all'));
  }

  isOn(kind: OpKind): boolean {
    return this.enabled.includes(kind);
  }

  /** The first round: records on both sides before the first sync. */
  opening(ctx: GenContext): LoggedOp[] {
    const out: LoggedOp[] = [];
    for (const object of ['contacts', 'events', 'tasks'] as ObjectName[]) {
      const family = object.slice(0, -1) as 'contact' | 'event' | 'task';
      for (const side of SIDES)
        for (let i = this.random.int(1, 2); i > 0; i--)
          out.push({ kind: `${family}.create`, op: this.createOp(object, side, ctx) });
      out.push(...this.matchOps(object, ctx).map((op) => ({ kind: `${family}.match` as const, op })));
    }
    if (this.isOn('series.create')) out.push({ kind: 'series.create', op: this.seriesOp(ctx) });
    for (const e of out) this.drawn.add(e.kind as OpKind);
    return out;
  }

  /** One round's operations (1 to 3 kinds), drawn against the state at the start of the round. */
  round(ctx: GenContext): LoggedOp[] {
    const out: LoggedOp[] = [];
    const used = new Set<string>();
    // Keys a cut run left work for are rare and short-lived: when their kind is on, take the chance at once.
    if (this.isOn('edit.inFlight') && this.random.chance(0.7)) {
      const ops = this.draw('edit.inFlight', ctx, used);
      if (ops) out.push(...ops.map((op) => ({ kind: 'edit.inFlight' as const, op })));
    }
    // So are these chances (a series every occurrence of which is settled and alike, a copy the last run made, an
    // event near the window's edge): until a kind has occurred, take its chance half the time it comes.
    for (const kind of RARE_CHANCES) {
      if (!this.isOn(kind) || this.drawn.has(kind) || !this.random.chance(0.5)) continue;
      const ops = this.draw(kind, ctx, used);
      if (!ops) continue;
      this.drawn.add(kind);
      out.push(...ops.map((op) => ({ kind, op })));
    }
    const kinds = this.enabled.filter((k) => WEIGHTS[k] > 0);
    const total = kinds.reduce((n, k) => n + WEIGHTS[k], 0);
    for (let n = this.random.int(1, 3), tries = 0; n > 0 && tries < 20; tries++) {
      const fresh = kinds.filter((k) => !this.drawn.has(k));
      let r = this.random.next() * total;
      const kind =
        fresh.length && this.random.chance(0.6)
          ? this.random.pick(fresh)
          : (kinds.find((k) => (r -= WEIGHTS[k]) < 0) ?? kinds[0]);
      const ops = this.draw(kind, ctx, used);
      if (!ops) continue;
      this.drawn.add(kind);
      out.push(...ops.map((op) => ({ kind, op })));
      n--;
    }
    return out;
  }

  /** How the round's run is cut; `typical`: how many requests a run made lately. */
  runPlan(typical: number): LoggedOp {
    const kinds: Array<[OpKind | 'run.clean', number]> = [
      ['run.clean', 45],
      ['run.drop', 25],
      ['run.kill', 10],
      ['run.duringEdit', 12],
      ['run.duringDelete', 8],
    ];
    const on = kinds.filter(([k]) => k === 'run.clean' || this.isOn(k));
    const fresh = on.filter(([k]) => !this.drawn.has(k));
    let r = this.random.next() * on.reduce((n, [, w]) => n + w, 0);
    const kind =
      fresh.length && this.random.chance(0.5)
        ? this.random.pick(fresh)[0]
        : (on.find(([, w]) => (r -= w) < 0) ?? on[0])[0];
    this.drawn.add(kind);
    // Cut anywhere in a run: its sign-in, its reads, its writes (a few more than the last runs made).
    const at = this.random.int(1, Math.max(8, typical + 4));
    switch (kind) {
      case 'run.drop':
        return {
          kind,
          op: {
            do: 'run',
            plan: {
              kind: 'drop',
              at,
              fault: this.random.pick(['reset-before', 'reset-after', 'error-after'] as const),
            },
          },
        };
      case 'run.kill':
        return { kind, op: { do: 'run', plan: { kind: 'kill', at, afterServer: this.random.chance(0.5) } } };
      case 'run.duringEdit':
        return { kind, op: { do: 'run', plan: { kind: 'during', side: this.random.pick(SIDES), change: 'edit' } } };
      case 'run.duringDelete':
        return { kind, op: { do: 'run', plan: { kind: 'during', side: this.random.pick(SIDES), change: 'delete' } } };
      default:
        return { kind: 'run.clean', op: { do: 'run', plan: { kind: 'clean' } } };
    }
  }

  /** A changed set of fields for a record during a run (the same draws as an edit between runs). */
  patchFor(object: ObjectName, key: string, current: Fields): Fields {
    return this.patch(object, key, current, key.includes('#'));
  }

  private draw(kind: OpKind, ctx: GenContext, used: Set<string>): Op[] | null {
    const [family, what] = kind.split('.');
    const object = OBJECT_OF[family];
    switch (kind) {
      case 'contact.create':
      case 'event.create':
      case 'task.create':
        return [this.createOp(object, this.random.pick(SIDES), ctx)];
      case 'contact.match':
      case 'event.match':
      case 'task.match':
        return this.matchOps(object, ctx);
      case 'event.nearWindowEdge':
        return [this.createOp('events', this.random.pick(SIDES), ctx, this.random.pick([-29, -28]))];
      case 'series.create':
        return [this.seriesOp(ctx)];
      case 'clock.advance': {
        const days = this.random.int(1, 2);
        // Past 7 days into its round the calendar view starts a new one (that is clock.renewal's case).
        return ctx.clockDays - this.roundStartDays + days <= 6 ? [{ do: 'clock', days }] : null;
      }
      case 'clock.renewal':
        // The next run starts a new round of the calendar view.
        this.roundStartDays = ctx.clockDays + 8;
        return [{ do: 'clock', days: 8 }];
      case 'config.change': {
        const o = this.random.pick(['contacts', 'events', 'tasks'] as ObjectName[]);
        const direction = this.random.pick<Direction>([
          'both',
          'both',
          'both',
          'salesforce-to-outlook',
          'outlook-to-salesforce',
          'none',
        ]);
        const winner = this.random.pick<SideName>(SIDES);
        const s = ctx.settings(o);
        return s.direction === direction && s.winner === winner
          ? null
          : [{ do: 'config', object: o, settings: { direction, winner } }];
      }
      case 'conflict.editBoth':
      case 'conflict.editDelete': {
        const k = this.pickKey(
          ctx,
          used,
          (ks) => ks.object !== 'events' || !ks.key.includes('#') || kind === 'conflict.editDelete',
          { sides: ['salesforce', 'outlook'] },
        );
        if (!k) return null;
        const first =
          kind === 'conflict.editDelete' && !this.mayDeleteInOutlook(k) ? 'outlook' : this.random.pick(SIDES);
        const second: SideName = first === 'salesforce' ? 'outlook' : 'salesforce';
        const edit = (side: SideName): Op => ({
          do: 'edit',
          object: k.object,
          side,
          key: k.key,
          patch: this.patch(k.object, k.key, current(ctx, k, side), k.key.includes('#'), matchFieldsHeld(k)),
        });
        return kind === 'conflict.editBoth'
          ? [edit(first), edit(second)]
          : [edit(first), { do: 'delete', object: k.object, side: second, key: k.key }];
      }
      case 'edit.inFlight': {
        const k = this.pickKey(ctx, used, (ks) => ks.inFlight, { flight: 'inFlight' });
        if (!k) return null;
        // Best on the side the queued write goes to: the side a plan would change.
        const on = (a: Alt, sd: SideName) => (sd === 'salesforce' ? a.sf : a.ol);
        const target = SIDES.filter(
          (sd) =>
            holds(ctx, k, sd) &&
            k.alts.some(
              (p) => p.unseen && k.alts.some((b) => !b.unseen && !sameFields(k.object, on(p, sd), on(b, sd))),
            ),
        );
        const side = this.random.pick(target.length ? target : sidesHolding(ctx, k));
        return [
          {
            do: 'edit',
            object: k.object,
            side,
            key: k.key,
            patch: this.patch(k.object, k.key, current(ctx, k, side), k.key.includes('#'), matchFieldsHeld(k)),
          },
        ];
      }
      case 'event.editAtWindowEdge': {
        const k = this.pickKey(ctx, used, (ks) => ks.object === 'events', {
          sides: ['salesforce', 'outlook'],
          atEdge: true,
        });
        if (!k) return null;
        return SIDES.map((side) => ({
          do: 'edit',
          object: 'events',
          side,
          key: k.key,
          patch: this.patch('events', k.key, current(ctx, k, side), k.key.includes('#'), matchFieldsHeld(k)),
        }));
      }
      case 'delete.freshOutlookCopy': {
        const k = this.pickKey(ctx, used, (ks) => !!ks.olFresh, { sides: ['outlook'], flight: 'any' });
        return k ? [{ do: 'delete', object: k.object, side: 'outlook', key: k.key }] : null;
      }
      case 'series.editOccurrence':
      case 'series.deleteOccurrence': {
        const k = this.pickKey(
          ctx,
          used,
          (ks) => ks.key.includes('#') && (what === 'editOccurrence' || this.mayDeleteInOutlook(ks)),
          { sides: ['outlook'] },
        );
        if (!k) return null;
        return what === 'editOccurrence'
          ? [
              {
                do: 'edit',
                object: 'events',
                side: 'outlook',
                key: k.key,
                patch: this.patch('events', k.key, current(ctx, k, 'outlook'), true, matchFieldsHeld(k)),
              },
            ]
          : [{ do: 'delete', object: 'events', side: 'outlook', key: k.key }];
      }
      case 'series.move': {
        const movable = movableSeries(ctx, used);
        if (!movable.length) return null;
        const s = this.random.pick(movable);
        for (const k of ctx.keys.values()) if (k.key.startsWith(`${s}#`)) used.add(k.key);
        // By minutes: a move by days would also move the pattern's weekday.
        return [{ do: 'moveSeries', key: s, ms: this.random.pick([30, 90]) * 60_000 }];
      }
      case 'event.moveOutOfWindow': {
        const k = this.pickKey(
          ctx,
          used,
          (ks) => ks.object === 'events' && !ks.key.includes('#') && !mayBeUnmatched(ks),
        );
        if (!k) return null;
        const side = this.random.pick(sidesHolding(ctx, k));
        const cur = current(ctx, k, side);
        const day = this.random.pick([400, -45]);
        const start = atNoon(ctx.nowMs, day);
        const length = Date.parse(cur.end!) - Date.parse(cur.start!);
        return [
          {
            do: 'edit',
            object: 'events',
            side,
            key: k.key,
            patch: { start, end: new Date(Date.parse(start) + length).toISOString() },
          },
        ];
      }
      case 'event.move': {
        const k = this.pickKey(
          ctx,
          used,
          (ks) => ks.object === 'events' && !ks.key.includes('#') && !mayBeUnmatched(ks),
        );
        if (!k) return null;
        const side = this.random.pick(sidesHolding(ctx, k));
        const cur = current(ctx, k, side);
        const by = this.random.pick([-2, -1, 1, 2, 3]) * DAY_MS + this.random.pick([0, 30 * 60_000]);
        const start = Date.parse(cur.start!) + by;
        if (start < ctx.nowMs - 18 * DAY_MS || start > ctx.nowMs + 300 * DAY_MS) return null;
        return [
          {
            do: 'edit',
            object: 'events',
            side,
            key: k.key,
            patch: { start: new Date(start).toISOString(), end: new Date(Date.parse(cur.end!) + by).toISOString() },
          },
        ];
      }
      default: {
        // contact / event / task edit and delete
        const k = this.pickKey(
          ctx,
          used,
          (ks) => ks.object === object && (ks.object !== 'events' || !ks.key.includes('#')),
        );
        if (!k) return null;
        const sides = sidesHolding(ctx, k).filter(
          (sd) => what === 'edit' || sd === 'salesforce' || this.mayDeleteInOutlook(k),
        );
        if (!sides.length) return null;
        const side = this.random.pick(sides);
        return what === 'edit'
          ? [
              {
                do: 'edit',
                object,
                side,
                key: k.key,
                patch: this.patch(object, k.key, current(ctx, k, side), false, matchFieldsHeld(k)),
              },
            ]
          : [{ do: 'delete', object, side, key: k.key }];
      }
    }
  }

  /**
   * A key the user may change now, once per round: held on the sides asked for (any side when none), in scope, and
   * by default settled (one state, no run's writes pending for it) and surely inside the calendar window.
   */
  private pickKey(
    ctx: GenContext,
    used: Set<string>,
    filter: (k: KeyState) => boolean,
    c: KeyChoice = {},
  ): KeyState | null {
    const flight = c.flight ?? 'settled';
    const ok = [...ctx.keys.values()].filter(
      (k) =>
        !used.has(k.key) &&
        filter(k) &&
        !k.outOfScope &&
        atEdge(ctx, k) === !!c.atEdge &&
        (flight === 'any' || (flight === 'inFlight' ? k.inFlight : !k.inFlight && k.alts.length === 1)) &&
        (c.sides ? c.sides.every((s) => holds(ctx, k, s)) : sidesHolding(ctx, k).length > 0),
    );
    if (!ok.length) return null;
    const k = this.random.pick(ok);
    used.add(k.key);
    return k;
  }

  /** Whether the user may delete the key's Outlook copy now (a copy the last run created waits for 'delete.freshOutlookCopy'). */
  private mayDeleteInOutlook(k: KeyState): boolean {
    return !k.olFresh || this.isOn('delete.freshOutlookCopy');
  }

  private createOp(object: ObjectName, side: SideName, ctx: GenContext, day?: number): Op {
    const key = `${PREFIX[object]}${++this.counters[PREFIX[object]]}`;
    return { do: 'create', object, side, key, fields: this.fresh(object, key, ctx.nowMs, day) };
  }

  /** The same record created on both sides (matched by email, subject and start, subject and due date). */
  private matchOps(object: ObjectName, ctx: GenContext): Op[] {
    const key = `${PREFIX[object]}${++this.counters[PREFIX[object]]}`;
    const sf: Record<string, string | null> = { ...this.fresh(object, key, ctx.nowMs) };
    const fixed = { contacts: ['email', 'last'], events: ['subject', 'start', 'end'], tasks: ['subject', 'due'] }[
      object
    ];
    if (object === 'contacts' && !sf.email) sf.email = `${key}.${this.version}@prop.example`;
    let ol: Fields = sf;
    if (this.random.chance(0.6)) {
      const other = this.fresh(object, key, ctx.nowMs);
      ol = Object.fromEntries(Object.keys(sf).map((f) => [f, fixed.includes(f) ? sf[f] : other[f]]));
    }
    return [
      { do: 'create', object, side: 'salesforce', key, fields: sf },
      { do: 'create', object, side: 'outlook', key, fields: ol },
    ];
  }

  private seriesOp(ctx: GenContext): Op {
    const key = `s${++this.counters.s}`;
    return {
      do: 'series',
      key,
      subject: `${key} weekly ${++this.version}`,
      first: atNoon(ctx.nowMs, this.random.int(2, 40)),
      minutes: 60,
      count: 3,
    };
  }

  /** A new record's fields; names, emails and subjects carry the key, so no two keys ever match each other. */
  private fresh(object: ObjectName, key: string, nowMs: number, day?: number): Fields {
    const v = ++this.version;
    const r = this.random;
    switch (object) {
      case 'contacts':
        return {
          first: r.chance(0.85) ? `${r.pick(FIRST_NAMES)}${v}` : null,
          last: `Last-${key}-${v}`,
          email: r.chance(0.85) ? `${key}.${v}@prop.example` : null,
          phone: r.chance(0.7) ? `+1 555 01${String(v % 100).padStart(2, '0')}` : null,
          title: r.chance(0.6) ? `Title ${v}` : null,
          company: r.chance(0.5) ? `Company ${v}` : null,
        };
      case 'events': {
        const start = Date.parse(atNoon(nowMs, day ?? r.int(-15, 200))) + r.pick([0, 30, 60, -120]) * 60_000;
        return {
          subject: `${key} meeting ${v}`,
          location: r.chance(0.5) ? `Room ${v}` : null,
          start: new Date(start).toISOString(),
          end: new Date(start + r.pick([30, 60]) * 60_000).toISOString(),
        };
      }
      case 'tasks':
        return {
          subject: `${key} task ${v}`,
          due: r.chance(0.8) ? atNoon(nowMs, r.int(-5, 40)).slice(0, 10) : null,
          status: r.pick(['notStarted', 'inProgress', 'completed']),
        };
    }
  }

  /** Changed values for 1 to 3 of a record's fields (an occurrence of a series: subject and location only). */
  private patch(
    object: ObjectName,
    key: string,
    cur: Fields,
    occurrence: boolean,
    keep: readonly string[] = [],
  ): Fields {
    const fresh = this.fresh(object, key.split('#')[0], this.now());
    const editable = (
      object === 'contacts'
        ? ['first', 'last', 'email', 'phone', 'title', 'company']
        : object === 'events'
          ? ['subject', 'location']
          : ['subject', 'due', 'status']
    ).filter((f) => !keep.includes(f));
    const out: Record<string, string | null> = {};
    for (let n = this.random.int(1, occurrence ? 2 : 3); n > 0; n--) {
      const f = this.random.pick(editable);
      out[f] = fresh[f];
    }
    if (object === 'events' && out.subject && occurrence)
      out.subject = `${key.split('#')[0]} occurrence ${this.version}`;
    if (object === 'tasks' && out.status === cur.status)
      out.status = cur.status === 'completed' ? 'inProgress' : 'completed';
    // Something must change.
    if (Object.entries(out).every(([f, v]) => cur[f] === v))
      out[editable[0]] = `${fresh[editable[0]] ?? 'x'}-${this.version}`;
    return out;
  }
}

interface KeyChoice {
  /** Sides that must hold the key (default: any one). */
  sides?: SideName[];
  /** settled (default): one state, nothing pending; inFlight: a cut run left work for it; any. */
  flight?: 'settled' | 'inFlight' | 'any';
  /** An event with a copy not surely inside the window (only 'event.editAtWindowEdge' asks for one). */
  atEdge?: boolean;
}

const atEdge = (ctx: GenContext, k: KeyState) => atWindowEdge(k, ctx.nowMs);

/**
 * The fields each object is matched by at a first sync (docs/sync-engine.md: "contacts match by email, then first +
 * last + company; events by subject and start; tasks by subject and due date"), as far as the generator edits them.
 */
const MATCH_FIELDS: Record<ObjectName, readonly string[]> = {
  contacts: ['email'],
  events: ['subject', 'start', 'end'],
  tasks: ['subject', 'due'],
};

/**
 * Whether the key may still be on both sides unlinked (created on both, and no run has surely matched it yet: a cut
 * run, or an object under `none`). The model links such a pair at the next run; the engine does so only while the
 * two still share a match key, so an edit of a match field first makes two records of it (the docs' rule, not a
 * loss) that the model cannot hold. A user's edit of such a key leaves its match fields alone.
 */
function mayBeUnmatched(k: KeyState): boolean {
  return k.alts.some((a) => a.base === null && a.sf !== null && a.ol !== null);
}

function matchFieldsHeld(k: KeyState): readonly string[] {
  return mayBeUnmatched(k) ? MATCH_FIELDS[k.object] : [];
}

/** Noon UTC, `days` from the day of `nowMs` (the window's edges fall near midnight, so no event sits on one). */
export function atNoon(nowMs: number, days: number): string {
  const d = new Date(nowMs);
  return new Date(
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) + days * DAY_MS + 12 * 3_600_000,
  ).toISOString();
}

/** Series the user may move now: every occurrence settled, linked, alike, and free this round. */
function movableSeries(ctx: GenContext, used: Set<string>): string[] {
  const series = [
    ...new Set([...ctx.keys.values()].filter((k) => k.key.includes('#')).map((k) => k.key.split('#')[0])),
  ];
  return series.filter((s) => {
    const occ = [...ctx.keys.values()].filter((k) => k.key.startsWith(`${s}#`));
    return occ.every(
      (k) =>
        !used.has(k.key) &&
        !k.inFlight &&
        k.alts.length === 1 &&
        k.alts[0].ol &&
        k.alts[0].base &&
        k.alts[0].ol.subject === occ[0].alts[0].ol?.subject &&
        k.alts[0].ol.location === null,
    );
  });
}

function holds(ctx: GenContext, k: KeyState, side: SideName): boolean {
  const records = ctx.snap[side][k.object].byKey.get(k.key) ?? [];
  return records.length === 1 && k.alts.every((a) => (side === 'salesforce' ? a.sf : a.ol) !== null);
}

function sidesHolding(ctx: GenContext, k: KeyState): SideName[] {
  return SIDES.filter((s) => holds(ctx, k, s));
}

function current(ctx: GenContext, k: KeyState, side: SideName): Fields {
  return ctx.snap[side][k.object].byKey.get(k.key)![0].fields;
}
