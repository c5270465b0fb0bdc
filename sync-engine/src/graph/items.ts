/** What writes of single items (contacts, events, tasks) share. */
import { GraphHttp } from './http';
import { GraphApiError } from './errors';

/** Where a collection's items are, for requests built elsewhere (a `$batch`, batch.ts). */
export interface ItemPaths {
  /** Where a new item is posted. */
  collection: string;
  /** One item's path. */
  item: (id: string) => string;
  /** The preferences every request on these items carries (events: times in UTC). */
  prefer: string[];
}

export interface WriteOptions {
  /** The item's `@odata.etag`: the write fails with 412 (kind 'validation') if the item changed since. */
  ifMatch?: string;
}

/**
 * DELETE that is safe to repeat: when an earlier attempt of this same call was lost on the way back
 * (a reset, a 5xx) and the retry finds the item gone, the item is gone — which is what was asked.
 */
export async function deleteItem(http: GraphHttp, path: string, o: WriteOptions = {}): Promise<void> {
  try {
    await http.request({ method: 'DELETE', path, ifMatch: o.ifMatch });
  } catch (err) {
    if (err instanceof GraphApiError && err.statusCode === 404 && err.attempts > 1) return;
    throw err;
  }
}
