/**
 * The service API's contract: every request and answer the pane and the service exchange, in one module that both
 * import (the service for its answers, the pane type-only, so nothing of the service reaches the browser).
 * It imports nothing: the pane's build compiles it as it is.
 */

export type SyncObject = 'contacts' | 'events' | 'tasks';
export type SyncDirection = 'none' | 'salesforce-to-outlook' | 'outlook-to-salesforce' | 'both';
export type ConflictWinner = 'salesforce' | 'outlook';
export interface ObjectSettings {
  direction: SyncDirection;
  winner: ConflictWinner;
}
export type SyncSettings = Record<SyncObject, ObjectSettings>;

export interface Counts {
  created: number;
  updated: number;
  deleted: number;
}
/** Writes of one run on each side, per object. */
export type RunCounts = Record<'salesforce' | 'outlook', Record<SyncObject, Counts>>;

export type ServiceState = 'idle' | 'syncing' | 'stopped' | 'paused' | 'signed-out';
/**
 * Why the engine stopped. `noMailbox`: the service has no mailbox to sync with; `stateUnusable`: the user's sync state
 * is damaged or lost with no good copy, and `POST /api/start-over` starts again from what can be read of it.
 */
export type StopReasonKind =
  'accessRevoked' | 'rateLimited' | 'unreachable' | 'authFailed' | 'deleteGuard' | 'noMailbox' | 'stateUnusable';
export interface ProductInfo {
  id: string;
  name: string;
  version: string;
}

/** `GET /api/status`, and the answer of sync-now, pause and resume. */
export interface ServiceStatus {
  state: ServiceState;
  /** The product's exact text when stopped (ours when signed out or without a mailbox), else null. */
  message: string | null;
  stopReason: StopReasonKind | null;
  paused: boolean;
  lastRun: string | null;
  nextRunAt: string | null;
  counts: RunCounts | null;
  /** Changes queued for the next run. */
  pending: number;
  /** The last run's failure outside the engine's own stops, else null. */
  lastError: string | null;
  product: ProductInfo | null;
  username: string | null;
  orgUrl: string | null;
  /** The Outlook mailbox the engine syncs with, and whether it is connected; null when signed out. */
  mailbox: MailboxStatus | null;
}

/**
 * The mailbox: `microsoft` when it is opened by a Microsoft sign-in the user connects ("Connect your Outlook mailbox",
 * `POST /api/mailbox/connect`), `token` when the service was given a static token, `none` without a mailbox.
 */
export interface MailboxStatus {
  signIn: 'microsoft' | 'token' | 'none';
  /** Whose mailbox is connected (its Microsoft username), null when none is (or a static token opens it). */
  connectedAs: string | null;
  /** A connect started and not finished yet (the sign-in page is open). */
  connecting: boolean;
  /** Why the last connect did not finish, else null. */
  connectError: string | null;
  /**
   * The last run stopped because the mailbox no longer accepts us (sessions revoked, consent withdrawn, never
   * connected) and no connect has succeeded since: the pane shows its "reconnect" state until one does.
   */
  needsReconnect: boolean;
}

/** `POST /api/mailbox/connect`: the Microsoft sign-in page to open (in the Office dialog, or a popup). */
export interface MailboxConnectStarted {
  authorizeUrl: string;
}

/** `POST /api/sign-in`: a password sign-in (an org on this machine). */
export interface SignInRequest {
  orgUrl: string;
  product: string;
  productVersion?: string;
  username: string;
  password: string;
}
/** The answer of a sign-in (password or OAuth): the secret every other call needs. */
export interface SignedIn {
  ok: true;
  secret: string;
  outcome: 'logged-in';
  product: ProductInfo;
  username: string;
  orgUrl: string;
}

/** `POST /api/oauth/start`: the sign-in's org and product, and the add-in's callback page. */
export interface OAuthStartRequest {
  orgUrl: string;
  product: string;
  productVersion?: string;
  redirectUri: string;
}
export interface OAuthStarted {
  authorizeUrl: string;
  state: string;
}
/** `POST /api/oauth/finish`: what the org's redirect brought to the callback page. */
export type OAuthFinishRequest =
  { state: string; code: string } | { state: string; error: string; errorDescription: string | null };

/** `GET /api/settings` and `PUT /api/settings` (objects left out keep their settings). */
export interface SettingsBody {
  objects: SyncSettings;
}

/** `POST /api/add-email`: the open message. */
export interface AddEmailRequest {
  sender: { address: string; name: string | null };
  subject: string;
  body: string;
  /** ISO 8601 with an offset. */
  receivedDateTime: string;
  internetMessageId: string;
}
export type AddEmailResult =
  { ok: true; taskId: string; contactId: string } | { ok: true; unresolved: true; id: string };

/** Every error: `{"error":{"code","message","field"?}}`; a refused sign-in also carries the product's outcome. */
export interface ServiceErrorBody {
  error: { code: string; message: string; field?: string };
}
export interface SignInRefusedBody extends ServiceErrorBody {
  ok: false;
  outcome: string;
  /** The product's exact text. */
  message: string | null;
  errorCode: string | null;
  product: ProductInfo;
}

/*
 * The Word and Excel add-in (Connect for Office, addin/office-docs/): the same service and the same signed-in account
 * as the Outlook pane; the product chosen at sign-in decides the texts (docs/connect-for-office.md).
 */

/** One cell's value, as Excel holds it and Salesforce takes it (empty is null). */
export type OfficeCell = string | number | boolean | null;
/** One record as a row: its cells by field path (`Account.Name` for a related record's field), `Id` among them. */
export type OfficeRow = Record<string, OfficeCell>;

export interface OfficeField {
  name: string;
  label: string;
  type: string;
  updateable: boolean;
  createable: boolean;
  relationshipName: string | null;
}
/** `GET /api/office/objects/:object/fields` and `GET /api/office/merge-fields/:object` (Contact or Lead). */
export interface OfficeFields {
  object: string;
  label: string;
  fields: OfficeField[];
}

/**
 * `POST /api/office/query`: an object's fields (its records by `ids`, or those `where` a SOQL condition holds, at
 * most `limit`), or the user's own `soql` (fields and related records' fields only, Id among them).
 */
export type OfficeQueryRequest =
  { object: string; fields: string[]; ids?: string[]; where?: string; limit?: number } | { soql: string };
export interface OfficeQueryAnswer {
  object: string;
  /** The columns, Id first. */
  fields: string[];
  records: OfficeRow[];
  totalSize: number;
  /** False when the org holds more rows than were answered. */
  complete: boolean;
}

/** `POST /api/office/save`: changed rows (their changed fields only) and new rows (`id` null), by sheet row. */
export interface OfficeSaveRequest {
  object: string;
  rows: Array<{ row: number; id: string | null; values: Record<string, OfficeCell> }>;
}
export interface OfficeRowResult {
  row: number;
  /** The record's id (a created record's new one). */
  id: string | null;
  success: boolean;
  created: boolean;
  errors: Array<{ code: string; message: string; fields: string[] }>;
}
export interface OfficeSaveAnswer {
  results: OfficeRowResult[];
  updated: number;
  created: number;
  failed: number;
  /**
   * The org refused a later call whole, not for the rows' input (API access turned off meanwhile): its text; those
   * rows are not saved. A later call refused for its input (a field the org does not know) fails its rows instead.
   */
  stopped: { code: string; message: string } | null;
}

/**
 * The side panel (docs/side-panel.md): the people in the open message or meeting, their records, and adding the item
 * to records the user picks.
 */
export type PersonRole = 'from' | 'to' | 'cc' | 'organizer' | 'required' | 'optional';
export interface ItemPerson {
  address: string;
  name: string | null;
  role: PersonRole;
}
/** `POST /api/side-panel/people`: the item's key (an email's Internet message id, a meeting's item id) and its people. */
export interface PeopleRequest {
  itemKey: string;
  people: ItemPerson[];
}
export interface RecordRef {
  id: string;
  name: string;
}
export interface OpportunitySummary extends RecordRef {
  stage: string | null;
  closeDate: string | null;
  amount: number | null;
}
export interface CaseSummary extends RecordRef {
  caseNumber: string | null;
  status: string | null;
}
export interface ActivitySummary extends RecordRef {
  type: 'Task' | 'Event';
  /** The Task's date, or the Event's start. */
  date: string | null;
}
/** A Contact or Lead with the item's address, and what surrounds it. */
export interface PersonRecord {
  type: 'Contact' | 'Lead';
  id: string;
  name: string;
  title: string | null;
  email: string;
  /** A Contact's Account. */
  account: RecordRef | null;
  /** A Lead's company. */
  company: string | null;
  /** Open ones, of the Contact's Account (a Lead has none); `top` the first 3 by close date. */
  opportunities: { count: number; top: OpportunitySummary[] };
  /** Open ones, of the Contact or its Account. */
  cases: { count: number; top: CaseSummary[] };
  /** The last 3 Tasks and Events with this person as Who. */
  activities: ActivitySummary[];
}
/** What "Create contact" / "Create lead" are prefilled with for an address nobody in Salesforce has. */
export interface PersonSuggestion {
  firstName: string | null;
  lastName: string;
  company: string | null;
}
export interface PanelPerson {
  address: string;
  name: string | null;
  roles: PersonRole[];
  records: PersonRecord[];
  /** Only when no record has the address. */
  suggestion: PersonSuggestion | null;
}
export interface PeopleAnswer {
  itemKey: string;
  people: PanelPerson[];
  /**
   * Whether the org shares activities (TaskRelation): then "Add Email" takes several Contacts as Who. False when
   * nobody in the item is in Salesforce (there is no one to add it to).
   */
  sharesActivities: boolean;
  /** Whether this answer came from the service's cache (no request to Salesforce). */
  cached: boolean;
}

/** `POST /api/side-panel/create-person`: "Create contact" / "Create lead" for an unknown address. */
export interface CreatePersonRequest {
  type: 'Contact' | 'Lead';
  firstName: string | null;
  lastName: string;
  email: string;
  /** A Lead's company (required); a Contact's Account, found by this exact name (none when none has it). */
  company: string | null;
}
export interface CreatedPerson {
  ok: true;
  type: 'Contact' | 'Lead';
  id: string;
  account: RecordRef | null;
}

/** `GET /api/side-panel/related?q=`: accounts, open opportunities and open cases found by name, for "What". */
export interface RelatedRecord extends RecordRef {
  type: 'Account' | 'Opportunity' | 'Case';
}
export interface RelatedAnswer {
  records: RelatedRecord[];
}

/** `POST /api/side-panel/add`: the open email ("Add Email") or meeting ("Add meeting") on the records the user picked. */
export interface AddItemRequest {
  kind: 'email' | 'meeting';
  /** An email's Internet message id; a meeting's item id. */
  itemKey: string;
  subject: string;
  body: string;
  /** An email's date (sent or received), a meeting's start: ISO 8601 with an offset. */
  start: string;
  /** A meeting's end. */
  end: string | null;
  location: string | null;
  from: { address: string; name: string | null } | null;
  to: Array<{ address: string; name: string | null }>;
  cc: Array<{ address: string; name: string | null }>;
  /** The Contact or Lead (more than one Contact only where the org shares activities), and their names for the answer. */
  who: RecordRef[];
  what: (RecordRef & { type: RelatedRecord['type'] }) | null;
}
export interface AddedItem {
  ok: true;
  sobject: 'Task' | 'Event';
  id: string;
  who: RecordRef[];
  what: RecordRef | null;
  /** The text was longer than Salesforce keeps (32,000 characters) and was cut. */
  trimmed: boolean;
}
