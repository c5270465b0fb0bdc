/**
 * The report end to end: sign in as the admin (an ordinary API client, SOAP `login`), check the admin's
 * permissions, read the org, decide with access/rule.ts. Every org failure becomes an ImpactError.
 */
import { soapLogin, DEFAULT_API_VERSION } from '../salesforce/soap-login';
import { Connection } from '../salesforce/connection';
import { SalesforceApiError } from '../salesforce/errors';
import { requireAdmin } from './admin-check';
import { readSnapshot } from './snapshot';
import { computeImpact, ImpactReport } from './verdicts';
import { ImpactError } from './errors';

export interface ImpactRequest {
  loginUrl: string;
  username: string;
  password: string;
  /**
   * Sign in through this connected app instead of as an ordinary API client. Orgs whose "API Enabled"
   * feature is off (professional and group by default, contact-manager always) refuse ordinary clients:
   * there only an allowlisted app reaches the API.
   */
  clientId?: string;
  /** "What if": decide with enforcement on or off instead of the org's setting. */
  enforcement?: boolean;
  apiVersion?: string;
  timeoutMs?: number;
  loginHistoryDays?: number;
}

/** Make the report, or reject with an ImpactError. */
export async function runImpactReport(req: ImpactRequest): Promise<ImpactReport> {
  const conn = await signIn(req);
  try {
    await requireAdmin(conn.connection, conn.userId, req.username);
    const snapshot = await readSnapshot(
      conn.connection,
      { ordinaryClient: !req.clientId },
      { loginHistoryDays: req.loginHistoryDays },
    );
    return computeImpact(snapshot, { enforcement: req.enforcement });
  } catch (err) {
    throw asImpactError(err, 'read');
  }
}

async function signIn(req: ImpactRequest): Promise<{ connection: Connection; userId: string }> {
  try {
    const login = await soapLogin({
      loginUrl: req.loginUrl,
      username: req.username,
      password: req.password,
      client: req.clientId,
      apiVersion: req.apiVersion,
      timeoutMs: req.timeoutMs,
      userAgent: 'sfo-compat-impact',
    });
    const connection = new Connection({
      instanceUrl: login.instanceUrl,
      accessToken: login.sessionId,
      apiVersion: req.apiVersion ?? DEFAULT_API_VERSION,
      timeoutMs: req.timeoutMs,
      userAgent: 'sfo-compat-impact',
    });
    return { connection, userId: login.userId };
  } catch (err) {
    throw asImpactError(err, 'sign-in', req);
  }
}

/** Map a failure to the report's error, with the text an admin can act on. Never includes the password. */
export function asImpactError(
  err: unknown,
  phase: 'sign-in' | 'read',
  req?: Pick<ImpactRequest, 'username' | 'clientId'>,
): ImpactError {
  if (err instanceof ImpactError) return err;
  if (!(err instanceof SalesforceApiError))
    return err instanceof Error
      ? new ImpactError('ORG_READ_FAILED', err.message)
      : new ImpactError('ORG_READ_FAILED', String(err));
  // Salesforce's message often starts with its code already ("INVALID_LOGIN: Invalid username..."): say it once.
  const said = err.message.startsWith(err.errorCode) ? err.message : `${err.errorCode}: ${err.message}`;
  if (err.kind === 'network') return new ImpactError('ORG_UNREACHABLE', err.message, { orgErrorCode: err.errorCode });
  if (err.kind === 'accessRevoked') {
    const who = req?.username ?? 'the admin';
    const why =
      err.errorCode === 'API_DISABLED_FOR_ORG'
        ? 'The org\'s "API Enabled" feature is off (the default in professional and group editions, always in contact-manager), ' +
          'so ordinary API clients cannot read it: turn the API feature on, or sign in through an allowlisted connected app with --client-id.'
        : `${who} needs "API Enabled" (profile or permission set) to read the org through its API.`;
    const what =
      phase === 'sign-in' ? `the org refused the sign-in of ${who}` : 'the org refused a request of the report';
    return new ImpactError('REFUSED_BY_RULE', `${what} (${said}). ${why}`, { orgErrorCode: err.errorCode });
  }
  if (phase === 'sign-in') {
    const client = req?.clientId ? ` through connected app ${req.clientId}` : '';
    return new ImpactError(
      'SIGN_IN_FAILED',
      `the org refused the sign-in of ${req?.username ?? 'the admin'}${client} (${said})`,
      { orgErrorCode: err.errorCode },
    );
  }
  return new ImpactError('ORG_READ_FAILED', `reading the org failed (${said})`, { orgErrorCode: err.errorCode });
}
