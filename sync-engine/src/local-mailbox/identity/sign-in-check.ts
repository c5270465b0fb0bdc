/**
 * Checking a user's address and password on a sign-in page. An unknown address, a mailbox without a password and a
 * wrong password get the same answer after the same work (a hash is checked in each case), so the page tells no one
 * which addresses exist, which is less than Entra tells; a page takes a few wrong tries, then must be opened again.
 */
import { MailboxRecord } from '../store';
import { hashPassword, verifyPassword } from '../../common/password-hash';
import { IdentityStore } from './store';

/** Tries a sign-in page allows before it must be opened again from the app. */
export const MAX_SIGN_IN_ATTEMPTS = 5;
export const WRONG_CREDENTIALS = 'Your account or password is incorrect. Check both and try again.';
export const TOO_MANY_ATTEMPTS = 'Too many attempts on this page. Go back to the app and start the sign-in again.';

let unknownUserHash: Promise<string> | undefined;

/** The mailbox whose owner this is, or undefined (whatever the reason). */
export async function checkCredentials(
  identity: IdentityStore,
  login: string,
  password: string,
): Promise<MailboxRecord | undefined> {
  const mailbox = identity.mailboxByUser(login);
  const hash = mailbox ? identity.passwordHash(mailbox.no) : undefined;
  if (!mailbox || !hash) {
    unknownUserHash ??= hashPassword('unknown-user-placeholder');
    await verifyPassword(password, await unknownUserHash);
    return undefined;
  }
  return (await verifyPassword(password, hash)) ? mailbox : undefined;
}
