/**
 * Why a report could not be made. The org's own failures keep their Salesforce errorCode in `orgErrorCode`;
 * the code here says what it means for the report, and the CLI turns it into an exit code.
 */
export type ImpactErrorCode =
  /** The admin lacks "View Setup and Configuration" and/or "Manage Users". */
  | 'ADMIN_PERMISSION_MISSING'
  /** The access rule refused the admin's own sign-in or a later request (API_CURRENTLY_DISABLED, API_DISABLED_FOR_ORG). */
  | 'REFUSED_BY_RULE'
  /** The org refused the sign-in for another reason (bad credentials, locked out, unknown client). */
  | 'SIGN_IN_FAILED'
  /** The org could not be reached, or what answered was not an org. */
  | 'ORG_UNREACHABLE'
  /** The org answered a query with an error. */
  | 'ORG_READ_FAILED';

export class ImpactError extends Error {
  readonly missing: string[];
  readonly orgErrorCode: string | null;

  constructor(
    readonly code: ImpactErrorCode,
    message: string,
    extra: { missing?: string[]; orgErrorCode?: string } = {},
  ) {
    super(message);
    this.name = 'ImpactError';
    this.missing = extra.missing ?? [];
    this.orgErrorCode = extra.orgErrorCode ?? null;
  }
}
