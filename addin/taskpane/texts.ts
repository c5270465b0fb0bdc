/** Every text of the Outlook pane that is not from the service's answers nor both panes' (addin/shared/texts.ts). */
import type { DialogCode } from '../office/dialog';

/** The mailbox step's button; the service's stop text names it (service/texts.ts, reconnectHow). */
const CONNECT_MAILBOX = 'Connect your Outlook mailbox';
const TRY_CONNECT_AGAIN = `Select "${CONNECT_MAILBOX}" to try again.`;

export const texts = {
  notInOutlook: 'Not running inside Outlook: Add Email is unavailable',
  syncing: 'Syncing…',
  startingOver: 'Starting over from what can be read of your sync state…',
  stateChanged: (state: string) => `Sync status: ${state}`,
  neverSynced: 'Not synced yet',
  noCounts: 'No sync has run yet.',
  states: {
    idle: 'Idle',
    syncing: 'Syncing',
    stopped: 'Stopped',
    paused: 'Paused',
    'signed-out': 'Signed out',
  } as Record<string, string>,
  settingsSaved: 'Settings saved.',
  addingEmail: 'Adding the email to Salesforce…',
  addedEmail: 'Added to Salesforce',
  unresolvedEmail: 'Saved as an unresolved item',
  notAMessage: 'Open a received message to add it to Salesforce.',
  /**
   * The "Connect your Outlook mailbox" step, after the Salesforce sign-in: not connected, connecting, connected, and
   * "reconnect" (Microsoft no longer accepts us for the mailbox: sync is stopped until the user connects it again,
   * as Einstein Activity Capture's "Reconnect" state says; never silent).
   */
  mailbox: {
    connectButton: CONNECT_MAILBOX,
    disconnectButton: 'Disconnect',
    notConnected: `Not connected. Sync starts once you connect it: select "${CONNECT_MAILBOX}" and sign in with the Microsoft account of the mailbox.`,
    connecting: 'Connecting… Sign in with the Microsoft account of your mailbox in the window that opened.',
    connected: (who: string) => `Connected: ${who}`,
    reconnect: (who: string | null) =>
      `Reconnect needed: Microsoft no longer accepts sfo-compat for ${who ?? 'your Outlook mailbox'}, so sync is stopped. Select "${CONNECT_MAILBOX}" and sign in again; nothing read or queued is lost.`,
    justConnected: (who: string) => `Your Outlook mailbox ${who} is connected. Syncing…`,
    disconnected: `Your Outlook mailbox is disconnected: sync is stopped until you connect it again.`,
    /** The Microsoft sign-in window ended before the mailbox was connected, by Office's dialog code. */
    window: {
      closedByUser: `The Microsoft sign-in window was closed before your mailbox was connected. ${TRY_CONNECT_AGAIN}`,
      pageNotLoaded: `The Microsoft sign-in window could not load its page. Check your connection. ${TRY_CONNECT_AGAIN}`,
      httpPage:
        'Outlook would not show the page the Microsoft sign-in returns to (http://localhost, where the sfo-compat service receives it), so the mailbox was not connected. Connect it from a terminal instead: sfo-compat sync --connect-mailbox (docs/microsoft-sign-in.md).',
      domainNotTrusted:
        "Outlook did not open the Microsoft sign-in window: its page is not on a domain the add-in's manifest lists (AppDomains). Tell whoever installed the add-in.",
      httpsRequired:
        'Outlook did not open the Microsoft sign-in window: the add-in is not served over https://. Tell whoever installed the add-in.',
      alreadyOpen: 'A sign-in window is already open. Finish signing in there, or close it and try again.',
      ignoredByUser: `The Microsoft sign-in window was not allowed to open. ${TRY_CONNECT_AGAIN}`,
      popupBlocked: 'The browser blocked the Microsoft sign-in window. Allow pop-ups for this page, then try again.',
    } satisfies Record<keyof typeof DialogCode, string>,
    windowFailed: (detail: string) => `The Microsoft sign-in window could not be used: ${detail}`,
  },
  /** The side panel: who in the open message or meeting is in Salesforce, and adding the item to their records. */
  panel: {
    heading: (kind: 'email' | 'meeting') => (kind === 'meeting' ? 'People in this meeting' : 'People in this message'),
    noItem: 'Select a received message or a meeting to see who in it is in Salesforce.',
    lookingUp: 'Looking up the people in Salesforce…',
    nobody: 'Nobody else is in this item.',
    roles: {
      from: 'From',
      to: 'To',
      cc: 'Cc',
      organizer: 'Organizer',
      required: 'Required',
      optional: 'Optional',
    } as Record<string, string>,
    notInSalesforce: 'Not in Salesforce.',
    createContact: 'Create contact',
    createLead: 'Create lead',
    createFor: (what: string, address: string) => `${what} for ${address}`,
    firstName: 'First name',
    lastName: 'Last name',
    company: 'Company',
    companyHintContact: 'The contact goes on the account of this exact name, if there is one.',
    companyHintLead: "Salesforce requires a lead's company.",
    save: 'Save',
    cancel: 'Cancel',
    creating: 'Creating the record in Salesforce…',
    created: (type: string, name: string) => `${type === 'Lead' ? 'Lead' : 'Contact'} ${name} created in Salesforce.`,
    account: 'Account',
    opportunities: (n: number) => `Open opportunities: ${n}`,
    cases: (n: number) => `Open cases: ${n}`,
    activities: 'Recent activity',
    noActivities: 'No activity yet.',
    closes: (date: string) => `closes ${date}`,
    addHeading: 'Add to Salesforce',
    who: 'Name (Who)',
    what: 'Related to (What)',
    whatNone: 'Nothing',
    whatOfLead: "A lead's activity is not related to other records.",
    whatSearch: 'Find another account, opportunity or case',
    search: 'Search',
    searching: 'Searching…',
    found: (n: number) =>
      n === 1 ? '1 record found: pick it under "Related to".' : `${n} records found: pick one under "Related to".`,
    addEmail: 'Add Email',
    addMeeting: 'Add meeting',
    adding: 'Adding it to Salesforce…',
    noWho: 'Nobody in this item is in Salesforce yet: create a contact or lead first.',
    pickWho: 'Pick the contact or lead to add it to, under "Name (Who)".',
    whoHint: 'Your org shares activities: pick several contacts, or one lead.',
    added: (kind: 'email' | 'meeting', who: string, what: string | null, trimmed: boolean) =>
      `${kind === 'meeting' ? 'Meeting' : 'Email'} added to Salesforce on ${who}${what ? `, related to ${what}` : ''}.` +
      (trimmed ? " Its text was cut to Salesforce's 32,000 characters." : ''),
  },
};
