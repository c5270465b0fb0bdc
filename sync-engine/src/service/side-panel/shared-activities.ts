/**
 * Whether the org shares activities (Setup > Activity Settings > "Allow Users to Relate Multiple Contacts to Tasks
 * and Events"): only then does the API have TaskRelation, through which a Task has several Contacts. Its describe
 * says so, kept in the user's describe cache (service/describe-cache.ts).
 */
import { SalesforceApiError } from '../../salesforce/errors';
import { SubResult, Subrequest, subrequestApiError } from '../../salesforce/composite';
import { DescribeResult } from '../../salesforce/sobjects';
import { UserDescribes } from '../describe-cache';

const TASK_RELATION = 'TaskRelation';

/** Whether the org shares activities: TaskRelation's describe (from the cache while fresh); 404 when it does not. */
export async function sharesActivities(describes: UserDescribes): Promise<boolean> {
  try {
    await describes.describe(TASK_RELATION);
    return true;
  } catch (err) {
    if (err instanceof SalesforceApiError && err.status === 404) return false;
    throw err;
  }
}

/**
 * For a Composite call that can ask it along at no API call of its own: the answer when the cache knows it, else the
 * subrequest that asks it and how its answer reads (kept in the cache). Any failure but a 404 is the caller's.
 */
export function sharingProbe(
  describes: UserDescribes,
  referenceId: string,
): { known: boolean } | { subrequest: Subrequest; read(answer: SubResult): boolean } {
  const known = describes.knownPresent(TASK_RELATION);
  if (known !== undefined) return { known };
  return {
    subrequest: { method: 'GET', path: `/sobjects/${TASK_RELATION}/describe`, referenceId },
    read(answer) {
      if (answer.httpStatusCode === 200) {
        describes.note(TASK_RELATION, answer.body as DescribeResult);
        return true;
      }
      const err = subrequestApiError(answer);
      if (err.status !== 404) throw err;
      describes.note(TASK_RELATION, err);
      return false;
    },
  };
}
