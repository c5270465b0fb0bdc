/**
 * Ids and change keys. Clients must treat both as opaque strings; inside, an id carries its kind, its
 * mailbox, a sequence number and a check, so a malformed id is told apart from an unknown one (400
 * `ErrorInvalidIdMalformed` vs 404 `ErrorItemNotFound`, WIRE.md 11.2). An occurrence of a series carries the
 * master's sequence and the occurrence's original start, so it needs no row until it becomes an exception,
 * and keeps its id when it does.
 */
import crypto from 'node:crypto';

export const ID_KINDS = {
  contact: 'C',
  event: 'E',
  occurrence: 'O',
  taskList: 'L',
  task: 'T',
  contactFolder: 'F',
  calendar: 'K',
} as const;

export type IdKind = keyof typeof ID_KINDS;

export interface DecodedId {
  kind: IdKind;
  mailbox: number;
  seq: number;
  /** Occurrences: the original start, in minutes since the epoch. */
  extra: number;
}

const PREFIX = 'AAMk';
const ID_SHAPE = /^AAMk[A-Za-z0-9_-]{24}$/;
const KIND_BY_CODE = new Map(Object.entries(ID_KINDS).map(([k, v]) => [v.charCodeAt(0), k as IdKind]));

function check(payload: Buffer): Buffer {
  return crypto.createHash('sha256').update(payload).digest().subarray(0, 2);
}

/** Build an id (18 bytes: version, kind, mailbox, sequence, extra, reserved, check; base64url). */
export function makeId(kind: IdKind, mailbox: number, seq: number, extra = 0): string {
  const b = Buffer.alloc(18);
  b.writeUInt8(1, 0);
  b.writeUInt8(ID_KINDS[kind].charCodeAt(0), 1);
  b.writeUInt16BE(mailbox, 2);
  b.writeUInt32BE(seq, 4);
  b.writeUInt32BE(extra, 8);
  check(b.subarray(0, 16)).copy(b, 16);
  return PREFIX + b.toString('base64url');
}

/** Decode an id, or undefined when it is not one of ours at all (malformed). */
export function decodeId(id: string): DecodedId | undefined {
  if (!ID_SHAPE.test(id)) return undefined;
  const b = Buffer.from(id.slice(PREFIX.length), 'base64url');
  if (b.length !== 18 || b.readUInt8(0) !== 1) return undefined;
  if (!check(b.subarray(0, 16)).equals(b.subarray(16))) return undefined;
  const kind = KIND_BY_CODE.get(b.readUInt8(1));
  if (!kind) return undefined;
  return { kind, mailbox: b.readUInt16BE(2), seq: b.readUInt32BE(4), extra: b.readUInt32BE(8) };
}

/** The id of a series' occurrence that originally starts at `originalStartUtc`. */
export function occurrenceId(masterId: string, originalStartUtc: number): string {
  const m = decodeId(masterId)!;
  return makeId('occurrence', m.mailbox, m.seq, Math.round(originalStartUtc / 60_000));
}

/** The master id an occurrence id belongs to. */
export function masterIdOf(occurrence: DecodedId): string {
  return makeId('event', occurrence.mailbox, occurrence.seq);
}

/** A change key: new on every write (it encodes the write's change sequence number). */
export function makeChangeKey(mailbox: number, changeSeq: number): string {
  const b = Buffer.alloc(18);
  Buffer.from([0x11, 0, 0, 0, 0x16, 0, 0, 0]).copy(b, 0);
  b.writeUInt16BE(mailbox, 8);
  b.writeBigUInt64BE(BigInt(changeSeq), 10);
  return b.toString('base64');
}

/** The weak ETag of a change key: `W/"<changeKey>"`. */
export function etagOf(changeKey: string): string {
  return `W/"${changeKey}"`;
}

/** A stable GUID-shaped id derived from text (the user id of `GET /me`). */
export function guidFrom(text: string): string {
  const h = crypto.createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
