/** What a product holds after its login: the session its later calls use, for sync and actions. */
import { Connection } from '../salesforce/connection';
import { query, soqlString } from '../salesforce/query';
import { LoginResult } from '../products/outcome';

export interface ProductSession {
  /** The org's user id, when the login protocol tells it. */
  userId: string | null;
  /** The REST session, for the API products. */
  connection: Connection | null;
  /** The product's next data call (what it does right after login and on every sync or action). */
  nextCall(): Promise<void>;
}

export interface SignInResult {
  result: LoginResult;
  /** Present only when logged in. */
  session: ProductSession | null;
}

export interface ResolvedLogin {
  version: string;
  clientId: string;
  username: string;
  password: string;
  loginUrl: string;
  apiVersion: string;
  timeoutMs: number | undefined;
}

/** The first data call of the API products: the user's own record, as the desktop products' setup reads it. */
export async function readOwnUser(conn: Connection, userId: string): Promise<void> {
  await query(conn, `SELECT Id, Name FROM User WHERE Id = ${soqlString(userId)}`);
}
