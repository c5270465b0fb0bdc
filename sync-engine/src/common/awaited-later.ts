/**
 * A promise started now and awaited later (the next page of a read, the next batch of writes): marked handled, so a
 * failure while something before it is awaited is not an unhandled rejection. Awaiting it still throws.
 */
export function awaitedLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
