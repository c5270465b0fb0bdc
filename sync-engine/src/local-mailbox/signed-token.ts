/**
 * The opaque tokens the mailbox puts in its links (delta and skip tokens): base64url of a small JSON state
 * followed by an HMAC with the store's secret, so a token that was made up or altered is told apart from one
 * the mailbox issued, and the state it carries can be trusted.
 */
import crypto from 'node:crypto';

const MAC_BYTES = 12;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,12000}$/;

/** Sign a state into a token. */
export function signToken(secret: Buffer, state: object): string {
  const payload = Buffer.from(JSON.stringify(state), 'utf8');
  return Buffer.concat([payload, mac(secret, payload)]).toString('base64url');
}

/** The state a token carries, or undefined when this store did not sign it (or it is not a token at all). */
export function readSignedToken(secret: Buffer, token: string): unknown {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length <= MAC_BYTES) return undefined;
  const payload = raw.subarray(0, raw.length - MAC_BYTES);
  if (!crypto.timingSafeEqual(mac(secret, payload), raw.subarray(raw.length - MAC_BYTES))) return undefined;
  try {
    return JSON.parse(payload.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function mac(secret: Buffer, payload: Buffer): Buffer {
  return crypto.createHmac('sha256', secret).update(payload).digest().subarray(0, MAC_BYTES);
}
