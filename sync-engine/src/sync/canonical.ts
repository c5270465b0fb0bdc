/** Canonical records: a stable hash to tell real changes from echoes of our own writes, and match keys. */
import crypto from 'node:crypto';
import { SyncObject } from './objects';
import { Canonical, CanonicalContact, CanonicalEvent, CanonicalTask } from './types';

/** Hash of content with keys sorted, so the same content always hashes alike whichever side it came from. */
export function contentHash(data: Canonical): string {
  const obj = data as unknown as Record<string, unknown>;
  const sorted = Object.keys(obj)
    .sort()
    .map((k) => [k, obj[k] ?? null]);
  return crypto.createHash('sha256').update(JSON.stringify(sorted)).digest('base64url').slice(0, 22);
}

/**
 * A text value as both sides compare it: line breaks as \n, no surrounding blanks, empty as null. Salesforce
 * and Outlook each keep their own form (CRLF, trailing spaces); only what we hash and send is normalized, so an
 * echo of our own write reads back equal.
 */
export function cleanText(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.replace(/\r\n?/g, '\n').trim();
  return s === '' ? null : s;
}

/**
 * A value as matching compares it: Unicode NFC (macOS and some mail clients write "é" as e + combining accent, NFD;
 * Salesforce and Windows as one character), trimmed, lower case, runs of white space as one space.
 */
const norm = (s: string | null | undefined) => (s ?? '').normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Keys that identify the same record on both sides at first sync, strongest first (SYNC issue: contacts by email,
 * then first + last name + company; events by subject and start; tasks by subject and due date).
 */
export function matchKeys(object: SyncObject, data: Canonical): string[] {
  switch (object) {
    case 'contacts': {
      const c = data as CanonicalContact;
      const keys: string[] = [];
      if (c.email) keys.push(`email:${norm(c.email)}`);
      if (c.lastName) keys.push(`name:${norm(c.firstName)}|${norm(c.lastName)}|${norm(c.company)}`);
      return keys;
    }
    case 'events': {
      const e = data as CanonicalEvent;
      return [`event:${norm(e.subject)}|${e.isAllDay ? e.start : new Date(e.start).toISOString()}`];
    }
    case 'tasks': {
      const t = data as CanonicalTask;
      return [`task:${norm(t.subject)}|${t.dueDate ?? ''}`];
    }
  }
}

/**
 * The record a create of `data` is taken to be, as at first sync: by the strongest match key first; among that key's
 * candidates (in the order the caller prefers them), the first holding exactly `data`, else the first.
 */
export function bestMatch<T>(
  object: SyncObject,
  data: Canonical,
  candidatesFor: (key: string) => T[],
  hashOf: (c: T) => string,
): T | undefined {
  const hash = contentHash(data);
  for (const key of matchKeys(object, data)) {
    const same = candidatesFor(key);
    const found = same.find((c) => hashOf(c) === hash) ?? same[0];
    if (found) return found;
  }
  return undefined;
}
