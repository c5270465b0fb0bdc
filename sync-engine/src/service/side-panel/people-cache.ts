/**
 * The side panel's answers per item, for a few minutes: moving back to a message asks Salesforce nothing. Any add or
 * create empties it (a record changed), and so does lost API access (nothing stale once it returns).
 */
import { PeopleAnswer } from '../contract';

/** What the cache keeps of an answer. */
export type CachedPeople = Pick<PeopleAnswer, 'people' | 'sharesActivities'>;

const TTL_MS = 5 * 60_000;
const MAX_ITEMS = 200;

export class PeopleCache {
  private readonly items = new Map<string, { at: number; people: CachedPeople }>();

  constructor(private readonly now: () => number) {}

  private static key(userKey: string, itemKey: string, addresses: string[]): string {
    return [userKey, itemKey, ...[...new Set(addresses.map((a) => a.toLowerCase()))].sort()].join('\n');
  }

  get(userKey: string, itemKey: string, addresses: string[]): CachedPeople | undefined {
    const key = PeopleCache.key(userKey, itemKey, addresses);
    const hit = this.items.get(key);
    if (!hit) return undefined;
    if (this.now() - hit.at > TTL_MS) {
      this.items.delete(key);
      return undefined;
    }
    return hit.people;
  }

  put(userKey: string, itemKey: string, addresses: string[], people: CachedPeople): void {
    const key = PeopleCache.key(userKey, itemKey, addresses);
    this.items.delete(key);
    this.items.set(key, { at: this.now(), people });
    // The oldest first out (a Map keeps insertion order).
    while (this.items.size > MAX_ITEMS) this.items.delete(this.items.keys().next().value as string);
  }

  clear(): void {
    this.items.clear();
  }
}
