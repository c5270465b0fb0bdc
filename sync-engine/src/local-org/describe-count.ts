/**
 * The describes the org answered, counted by sObject (as the URL names it) and status: `Contact 200`, `Contact 304`,
 * `TaskRelation 404`. Counted at the top level and inside Composite calls alike, where a describe costs no API call
 * of its own but is work all the same; what a client caches shows here (`ctx.stats.describes`).
 */
import { RequestStats } from './context';

const DESCRIBE = /^\/services\/data\/v\d+\.0\/sobjects\/([^/?]+)\/describe\/?(?:\?|$)/;

/** The sObject of a `/sobjects/{Type}/describe` url, or null for any other url. */
export function describedType(url: string): string | null {
  const m = DESCRIBE.exec(url);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

/** Count one answer to `url` when it is a describe. */
export function countDescribe(stats: RequestStats, url: string, status: number): void {
  const type = describedType(url);
  if (type === null) return;
  const key = `${type} ${status}`;
  stats.describes.set(key, (stats.describes.get(key) ?? 0) + 1);
}
