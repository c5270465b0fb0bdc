/**
 * Whether the org shares activities (Setup > Activity Settings > "Allow Users to Relate Multiple Contacts to Tasks
 * and Events"): only then does the API have TaskRelation, through which a Task has several Contacts.
 */
import { Connection } from '../../salesforce/connection';
import { SalesforceApiError } from '../../salesforce/errors';

export async function sharesActivities(conn: Connection): Promise<boolean> {
  try {
    await conn.request({ method: 'GET', path: conn.dataPath('/sobjects/TaskRelation/describe') });
    return true;
  } catch (err) {
    if (err instanceof SalesforceApiError && err.status === 404) return false;
    throw err;
  }
}
