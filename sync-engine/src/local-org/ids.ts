/** Salesforce record ids: a 3-character key prefix, 12 more characters, then the 3-character case checksum. */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character suffix that makes a 15-character id case-insensitively unique. */
export function checksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    out += CHECKSUM_CHARS[bits];
  }
  return out;
}

/** Build an 18-character id from a key prefix, a 2-character instance code and a sequence number. */
export function makeId(keyPrefix: string, instance: string, sequence: number): string {
  let n = sequence;
  let digits = '';
  while (n > 0) {
    digits = BASE62[n % 62] + digits;
    n = Math.floor(n / 62);
  }
  const body = digits.padStart(10, '0');
  if (body.length > 10) throw new RangeError(`id sequence ${sequence} exceeds the id space`);
  const id15 = keyPrefix + instance + body;
  return id15 + checksum(id15);
}

const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** Whether a string has an id's shape (15 or 18 letters and digits), whatever its checksum says. */
export function isIdShaped(text: string): boolean {
  return ID_SHAPE.test(text);
}

/** The 18-character form of a 15- or 18-character id, or undefined when it is not an id at all. */
export function normalizeId(id: string): string | undefined {
  if (!isIdShaped(id)) return undefined;
  const id15 = id.slice(0, 15);
  const full = id15 + checksum(id15);
  if (id.length === 18 && id.slice(15).toUpperCase() !== full.slice(15)) return undefined;
  return full;
}
