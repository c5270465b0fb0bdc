/**
 * Whose mailbox a Microsoft sign-in has connected, and whether it needs reconnecting, from local files only (msal's
 * cache head, which names its accounts in clear, and the state's last stop): no key, no secret, no network. Shared by
 * `sfo-compat status` and the service's status for the pane.
 */
import type { EngineStatus } from '../sync/state-store';
import type { MailboxTokenCache } from './mailbox-token-cache';

export interface MailboxConnection {
  /** The connected mailbox's username; null when none is (or the kept one is another app's or authority's). */
  connectedAs: string | null;
  /**
   * The last run stopped because the mailbox no longer accepts us, and the sign-in kept was made before that stop: it
   * needs connecting again. A mailbox never connected (or disconnected on purpose) is "not connected", not this.
   */
  needsReconnect: boolean;
}

/** Whether the engine's last stop was the mailbox refusing us (authFailed on the Outlook side). */
export function stoppedForMailbox(s: EngineStatus | null): boolean {
  const reason = s?.state === 'stopped' ? s.stopReason : null;
  return reason?.kind === 'authFailed' && 'side' in reason && reason.side === 'outlook';
}

export function mailboxConnection(cache: MailboxTokenCache, status: EngineStatus | null): MailboxConnection {
  let connectedAs: string | null = null;
  let savedAt: string | null = null;
  try {
    if (cache.fitsOwner()) {
      connectedAs = cache.accounts()[0] ?? null;
      savedAt = cache.savedAt();
    }
  } catch {
    // A damaged cache file connects nobody; the run's own stop says what to do about it.
  }
  const stoppedAt = status?.stoppedAt ?? null;
  const reconnectedSince = savedAt !== null && stoppedAt !== null && Date.parse(savedAt) > Date.parse(stoppedAt);
  return { connectedAs, needsReconnect: connectedAs !== null && stoppedForMailbox(status) && !reconnectedSince };
}
