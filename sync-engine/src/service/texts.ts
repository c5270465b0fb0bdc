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
  emailAlreadyAdded: 'This email is already in Salesforce: added on {date} as a {sobject} on {who}{what}.',
  meetingAlreadyAdded: 'This meeting is already in Salesforce: added on {date} as an {sobject} on {who}{what}.',
  relatedTo: ', related to {what}',
  textTrimmed: "[Cut to Salesforce's {max} characters: the whole text is in Outlook.]",
  noSharedActivities:
    'one Contact or Lead: this org does not share activities, so an activity has one person (an admin turns on Shared Activities in Setup > Activity Settings)',
  leadWithWhat:
    'an activity on a Lead cannot be related to an account, opportunity or case (Salesforce keeps a Lead apart until it is converted): pick a Contact, or no related record',
} as const;

export function serviceText(key: keyof typeof SERVICE_TEXTS, values: Record<string, string> = {}): string {
  return fillText(SERVICE_TEXTS[key], values);
}
