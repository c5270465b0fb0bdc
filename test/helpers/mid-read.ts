/**
 * A sync world whose engine reaches the mailbox through a proxy that can hold the answer to the engine's last
 * Outlook contacts read (the final page of a delta round, alone or inside a `$batch`) while a test changes records
 * on either side: a change made then lands between the engine's read and its write.
 */
import { SyncWorld, ANN_TOKEN } from './sync';
import { FaultProxy, SeenRequest, startFaultProxy } from './fault-proxy';

export interface MidRead {
  proxy: FaultProxy;
  /** Run `act` once, the next time the engine's contacts read is about to end. */
  duringNextRead(act: () => Promise<void>): void;
  /** Whether an act set by `duringNextRead` is still waiting for its read. */
  waiting(): boolean;
}

/** Whether an answer ends a contacts delta round (a last page has the deltaLink). */
function endsContactsRead(req: SeenRequest, body: string): boolean {
  if (!body.includes('@odata.deltaLink')) return false;
  if (req.method === 'GET') return req.url.includes('/contacts/delta');
  return req.method === 'POST' && req.url.includes('$batch') && body.includes('/contacts/delta');
}

/** Put the proxy between `w`'s engine and its mailbox (the engine is started again on it). */
export async function holdOutlookReads(w: SyncWorld): Promise<MidRead> {
  let pending: (() => Promise<void>) | null = null;
  const proxy = await startFaultProxy({
    target: w.mailbox.url,
    decide: () => null,
    beforeAnswer: async (req, answer) => {
      if (!pending || !endsContactsRead(req, answer.body)) return;
      const act = pending;
      pending = null;
      await act();
    },
  });
  w.reconfigure({ mailbox: { url: proxy.url, token: ANN_TOKEN } });
  return {
    proxy,
    duringNextRead: (act) => {
      pending = act;
    },
    waiting: () => pending !== null,
  };
}

/** Run `fn` over `items`, a few at a time (as a user's edits arrive, and within the servers' limits). */
export async function eachLimited<T>(items: T[], fn: (item: T) => Promise<void>, limit = 8): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}
