/** The mailbox client: what the rest of the engine imports. */
export { GraphMailbox, GraphMailboxOptions, GraphUser, defaultEventWindow } from './mailbox-client';
export { GraphApiError, GraphErrorKind, GraphErrorDetails } from './errors';
export { GraphHttp, GraphHttpOptions, GraphLogger, GraphStats } from './http';
export { RetryOptions, DEFAULT_RETRY_OPTIONS, parseRetryAfter } from './retry';
export { DeltaPage, DeltaResult, RemovedItem } from './paging';
export { WriteOptions } from './items';
export { Contacts, GraphContact, EmailAddress, PhysicalAddress } from './contacts';
export { Events, GraphEvent, EventWindow, DateTimeTimeZone, PatternedRecurrence, EventType } from './events';
export { Tasks, GraphTask, GraphTaskList, TaskStatus, ListChoice } from './todo';
