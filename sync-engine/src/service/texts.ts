/** The service's own texts for the pane (ours: the article quotes nothing for these situations). */
import { fillText } from '../common/fill-text';

export const SERVICE_TEXTS = {
  signedOut: 'Sign in to Salesforce to start syncing.',
  noMailbox:
    'Outlook sync is off: the service was started without a mailbox (--mailbox-url, with the token in SFO_MAILBOX_TOKEN).',
  runFailed: 'The last sync did not finish: {reason}. It will try again at the next sync.',
  noRefreshToken:
    'Salesforce signed you in without a refresh token, so sync could not sign in again later. Ask your Salesforce admin to allow the "refresh_token" scope for this app, then sign in again.',
  reconnectHow: 'select "Connect your Outlook mailbox" in the add-in',
  mailboxNotMicrosoft:
    'This service opens its mailbox with a static token: there is no Microsoft sign-in to connect (docs/microsoft-sign-in.md says how to use one).',
  connectFailed: 'The Outlook mailbox was not connected: {reason}.',
} as const;

export function serviceText(key: keyof typeof SERVICE_TEXTS, values: Record<string, string> = {}): string {
  return fillText(SERVICE_TEXTS[key], values);
}
