/**
 * A failed call of the product's session, as the pane shows it: lost API access is the product's own sync-stopped
 * text (ACCESS.md section 5), an unreachable org the product's network text; the rest say what Salesforce said.
 */
import { Product } from '../products/catalog';
import { message } from '../products/messages';
import { notice } from '../products/notices';
import { SalesforceApiError, originOf } from '../salesforce/errors';
import { ServiceError } from './errors';

/** The product's text for lost API access (its sync-stopped text; Salesforce for Outlook's if it has none). */
export function accessOffText(product: Product): string {
  return message(product.syncStopped ?? 'sfo.syncStopped');
}

/** `what` names the action in the user's words ("add this email to Salesforce"). */
export function fromSalesforceFailure(product: Product, err: SalesforceApiError, what: string): ServiceError {
  switch (err.kind) {
    case 'accessRevoked':
      return new ServiceError(403, err.errorCode, accessOffText(product));
    case 'network': {
      const reason = err.message.replace(/^cannot reach \S+: /, '');
      return new ServiceError(
        502,
        'ORG_UNREACHABLE',
        notice('desktop.networkError', { url: originOf(err.url ?? ''), reason }),
      );
    }
    case 'authExpired':
      return new ServiceError(
        401,
        'SIGN_IN_REQUIRED',
        `Salesforce ended your session and did not accept a new sign-in (${err.message}). Sign in again.`,
      );
    case 'rateLimited':
      return new ServiceError(
        503,
        err.errorCode,
        `Salesforce asked to slow down (${err.message}), so it could not ${what}. Try again later.`,
      );
    default:
      return new ServiceError(502, err.errorCode, `Salesforce could not ${what}: ${err.message}`);
  }
}
