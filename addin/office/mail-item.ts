/// <reference types="office-js" />
/** The open message in read mode, as "Add Email to Salesforce" sends it. */
import type { AddEmailRequest } from '../../sync-engine/src/service/contract';
import { officeAsync } from './async-result';

/** What the service's `POST /api/add-email` takes. */
export type OpenMessage = AddEmailRequest;
export type Sender = AddEmailRequest['sender'];

/** The sender (`from`) of a message in read mode, or null when the item has none (a compose form, a meeting). */
export function getSender(item: Office.MessageRead): Sender | null {
  const from = item.from;
  if (!from || !from.emailAddress) return null;
  return { address: from.emailAddress, name: from.displayName || null };
}

/** The message's body as plain text. */
export function getBody(item: Office.MessageRead): Promise<string> {
  // 'text' is Office.CoercionType.Text's value; the enum is not there when Office is mocked.
  return officeAsync<string>((cb) => item.body.getAsync('text' as Office.CoercionType, cb));
}

/** An ISO 8601 date-time with the user's own offset: the Task's date is the date the user saw. */
export function localIsoDateTime(d: Date): string {
  const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
  );
}

/** The open message as the service takes it, or null when it is not a received message. */
export async function readOpenMessage(item: Office.MessageRead): Promise<OpenMessage | null> {
  const sender = getSender(item);
  if (!sender || !item.internetMessageId) return null;
  const received = item.dateTimeCreated instanceof Date ? item.dateTimeCreated : new Date(item.dateTimeCreated);
  return {
    sender,
    subject: item.subject ?? '',
    body: await getBody(item),
    receivedDateTime: localIsoDateTime(received),
    internetMessageId: item.internetMessageId,
  };
}
