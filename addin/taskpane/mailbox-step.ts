/**
 * The "Outlook mailbox" step of the status view, for a service whose mailbox signs in with Microsoft: not connected,
 * connecting, connected (whose mailbox, and "Disconnect"), or the reconnect state when the last run stopped because
 * the mailbox no longer accepts us. Hidden for a mailbox opened by a static token, or none.
 */
import type { MailboxStatus } from '../../sync-engine/src/service/contract';
import { texts } from './texts';

export type MailboxStepState = 'hidden' | 'not-connected' | 'connecting' | 'connected' | 'reconnect';

/** Which state the step shows for the status's mailbox. */
export function mailboxStepState(m: MailboxStatus | null): MailboxStepState {
  if (!m || m.signIn !== 'microsoft') return 'hidden';
  if (m.connecting) return 'connecting';
  if (m.needsReconnect) return 'reconnect';
  return m.connectedAs ? 'connected' : 'not-connected';
}

/** Fill the step from the status's mailbox. */
export function renderMailboxStep(m: MailboxStatus | null): MailboxStepState {
  const byId = (id: string) => document.getElementById(id)!;
  const state = mailboxStepState(m);
  const step = byId('mailbox-step');
  step.hidden = state === 'hidden';
  step.dataset.state = state;
  if (!m || state === 'hidden') return state;
  byId('mailbox-state').textContent =
    state === 'connecting'
      ? texts.mailbox.connecting
      : state === 'reconnect'
        ? texts.mailbox.reconnect(m.connectedAs)
        : state === 'connected'
          ? texts.mailbox.connected(m.connectedAs!)
          : texts.mailbox.notConnected;
  // The reconnect state is a warning in the step itself, not only in the stopped text above it.
  byId('mailbox-state').className = state === 'reconnect' ? 'stopped' : '';
  const error = byId('mailbox-error');
  error.textContent = m.connectError ?? '';
  error.hidden = !m.connectError || state === 'connecting';
  const connect = byId('connect-mailbox');
  connect.hidden = state === 'connected';
  connect.classList.toggle('primary', state === 'not-connected' || state === 'reconnect');
  byId('disconnect-mailbox').hidden = !m.connectedAs || (state !== 'connected' && state !== 'reconnect');
  return state;
}
