/**
 * The service's describes (the side panel's Shared Activities check, the Word and Excel add-in's fields), kept the
 * way Salesforce lets a client keep them: each user's own (field access decides what a describe shows), in memory
 * only, used without asking for five minutes, then asked again with `If-Modified-Since` (a 304 keeps it). A 404 (an
 * object the user cannot see, an org without TaskRelation) is kept as well and thrown again; any other failure is
 * not kept, so lost API access fails each time as the org says it.
 */
import { Connection } from '../salesforce/connection';
import { SalesforceApiError } from '../salesforce/errors';
import { DescribeResult, HeldDescribe, describeOrHeld } from '../salesforce/sobjects';

/** How long a describe is used without asking the org. */
export const DESCRIBE_FRESH_MS = 5 * 60_000;
/** Describes kept at most, all users together (a real org's Contact describe is a few hundred KB). */
const MAX_ENTRIES = 50;

type Entry =
  { checkedAt: number; held: HeldDescribe<DescribeResult> } | { checkedAt: number; missing: SalesforceApiError };

/** One user's describes at one org. */
export interface UserDescribes {
  /** The object's describe: kept while fresh, else asked (conditionally when one is kept); a 404 throws. */
  describe(object: string): Promise<DescribeResult>;
  /** Whether the org has the object for this user, when a fresh describe says so; undefined when it must be asked. */
  knownPresent(object: string): boolean | undefined;
  /** Keep a describe asked another way (a Composite subrequest): its answer, or the org's 404. */
  note(object: string, answer: DescribeResult | SalesforceApiError): void;
}

const isMissing = (err: unknown): err is SalesforceApiError => err instanceof SalesforceApiError && err.status === 404;

export class DescribeCache {
  /** Least recently used first (a Map keeps insertion order). */
  private readonly entries = new Map<string, Entry>();
  private readonly asking = new Map<string, Promise<DescribeResult>>();
  /** Bumped by clear(), so an answer asked before it is not kept after it. */
  private generation = 0;
  private readonly maxEntries: number;

  constructor(private readonly o: { now: () => number; maxEntries?: number }) {
    this.maxEntries = o.maxEntries ?? MAX_ENTRIES;
  }

  /**
   * The describes of `userId` through `conn`; with `recheck` (the user's API access is known off) nothing is used
   * without asking the org.
   */
  of(conn: Connection, userId: string, o: { recheck?: boolean } = {}): UserDescribes {
    // Salesforce takes an object's name in any case.
    const key = (object: string) => `${conn.instanceUrl}\n${userId}\n${object.toLowerCase()}`;
    return {
      describe: (object) => {
        const k = key(object);
        const fresh = o.recheck ? undefined : this.fresh(k);
        if (fresh) {
          if ('missing' in fresh) return Promise.reject(fresh.missing);
          return Promise.resolve(fresh.held.value);
        }
        return this.asking.get(k) ?? this.ask(conn, k, object);
      },
      knownPresent: (object) => {
        const fresh = o.recheck ? undefined : this.fresh(key(object));
        return fresh && !('missing' in fresh);
      },
      note: (object, answer) => {
        const checkedAt = this.o.now();
        // A Composite subrequest's answer carries no Last-Modified: the next ask is a whole describe.
        if (!(answer instanceof SalesforceApiError))
          this.put(key(object), { checkedAt, held: { value: answer, lastModified: null } }, this.generation);
        else if (isMissing(answer)) this.put(key(object), { checkedAt, missing: answer }, this.generation);
      },
    };
  }

  /** Forget every describe (another user signed in, signed out, or API access lost). */
  clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.asking.clear();
  }

  private fresh(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry || this.o.now() - entry.checkedAt >= DESCRIBE_FRESH_MS) return undefined;
    // Used: the last one out.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  private ask(conn: Connection, key: string, object: string): Promise<DescribeResult> {
    const generation = this.generation;
    const entry = this.entries.get(key);
    const held = entry && 'held' in entry ? entry.held : undefined;
    const asked = describeOrHeld(conn, object, held, (d) => d)
      .then((answer) => {
        const kept = { value: answer.value, lastModified: answer.lastModified };
        this.put(key, { checkedAt: this.o.now(), held: kept }, generation);
        return answer.value;
      })
      .catch((err: unknown) => {
        if (isMissing(err)) this.put(key, { checkedAt: this.o.now(), missing: err }, generation);
        throw err;
      })
      .finally(() => {
        if (this.asking.get(key) === asked) this.asking.delete(key);
      });
    this.asking.set(key, asked);
    return asked;
  }

  private put(key: string, entry: Entry, generation: number): void {
    if (generation !== this.generation) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
