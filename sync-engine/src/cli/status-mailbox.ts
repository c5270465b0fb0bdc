/** What `sfo-compat status` says about the mailbox: whose is connected, or that it is not or needs reconnecting. */
import { SyncConfig } from '../app/config';
import { MailboxTokenCache } from '../app/mailbox-token-cache';
import { mailboxConnection } from '../app/mailbox-connection';
import { EngineStatus } from '../sync/state-store';

export type StatusMailbox =
  { signIn: 'token' } | { signIn: 'microsoft'; connectedAs: string | null; needsReconnect: boolean };

/** Read from local files only (msal's cache head and the state's last stop): no key, password or network. */
export function mailboxOf(config: SyncConfig, status: EngineStatus | null): StatusMailbox {
  const microsoft = config.mailbox.microsoft;
  if (!microsoft) return { signIn: 'token' };
  return { signIn: 'microsoft', ...mailboxConnection(new MailboxTokenCache(config.dataDir, microsoft), status) };
}

/** The status's mailbox line (none for a static token). */
export function mailboxStatusLine(m: StatusMailbox, configFile: string): string {
  if (m.signIn === 'token') return '';
  const connect = `run sfo-compat sync --config ${configFile} --connect-mailbox`;
  if (m.needsReconnect)
    return `mailbox: ${m.connectedAs} needs reconnecting (it no longer accepts sfo-compat): ${connect}\n`;
  if (m.connectedAs) return `mailbox: ${m.connectedAs} connected (Microsoft sign-in)\n`;
  return `mailbox: not connected: ${connect}\n`;
}
