/**
 * Query locators: the ordered ids of a result, snapshotted at the first page and kept in memory, so later
 * pages are read by id. As Salesforce: a locator expires 15 minutes after its last use, and a user holds at
 * most 10 open cursors (opening another releases that user's oldest).
 */
import crypto from 'node:crypto';
import { Clock } from '../../common/clock';
import { checksum } from '../ids';
import type { RecordsPlan } from './compile';

export interface QueryCursor {
  id: string;
  userId: string;
  plan: RecordsPlan;
  ids: string[];
  lastUsed: number;
}

export interface CursorLimits {
  ttlMs: number;
  perUser: number;
  /** Across all users, so memory stays bounded whatever clients do. */
  total: number;
}

export const SALESFORCE_CURSOR_LIMITS: CursorLimits = { ttlMs: 15 * 60_000, perUser: 10, total: 500 };

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** An 18-character id with Salesforce's query-locator prefix `01g`. */
export function randomLocatorId(): string {
  const body = Array.from(crypto.randomBytes(12), (b) => BASE62[b % 62]).join('');
  const id15 = `01g${body}`;
  return id15 + checksum(id15);
}

/** Split `01gD0000002HU6KIAW-2000` into its id and row offset. */
export function parseLocator(locator: string): { id: string; offset: number } | undefined {
  const m = /^([A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?)-(\d{1,9})$/.exec(locator);
  return m ? { id: m[1], offset: Number(m[2]) } : undefined;
}

export class QueryCursors {
  /** Insertion order is age order: Map iteration gives the oldest first. */
  private readonly open = new Map<string, QueryCursor>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: CursorLimits = SALESFORCE_CURSOR_LIMITS,
    private readonly newId: () => string = randomLocatorId,
  ) {}

  /** Keep a result's ids for later pages. */
  create(userId: string, plan: RecordsPlan, ids: string[]): QueryCursor {
    this.expire();
    const mine = [...this.open.values()].filter((c) => c.userId === userId);
    if (mine.length >= this.limits.perUser) this.open.delete(mine[0].id);
    if (this.open.size >= this.limits.total) this.open.delete(this.open.keys().next().value!);
    const cursor: QueryCursor = { id: this.newId(), userId, plan, ids, lastUsed: this.clock.now().getTime() };
    this.open.set(cursor.id, cursor);
    return cursor;
  }

  /** The caller's cursor for a locator id, refreshed; undefined when unknown, expired or someone else's. */
  get(userId: string, id: string): QueryCursor | undefined {
    this.expire();
    const cursor = this.open.get(id.length === 15 ? id + checksum(id) : id);
    if (!cursor || cursor.userId !== userId) return undefined;
    cursor.lastUsed = this.clock.now().getTime();
    return cursor;
  }

  get size(): number {
    return this.open.size;
  }

  private expire(): void {
    const cutoff = this.clock.now().getTime() - this.limits.ttlMs;
    for (const [id, c] of this.open) if (c.lastUsed < cutoff) this.open.delete(id);
  }
}
