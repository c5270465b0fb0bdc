/**
 * Regression (found by the sync benchmark): Salesforce matches external ids regardless of letter case while Graph
 * ids are case-sensitive, so two Outlook contacts whose ids differ only in case were upserted into one Salesforce
 * record, and one of them was lost.
 */
import assert from 'node:assert/strict';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { signIn } from '../../../sync-engine/src/sign-in/login-flow';
import { SalesforceSide, outlookExternalId } from '../../../sync-engine/src/sync/sides/salesforce-side';
import { CanonicalContact } from '../../../sync-engine/src/sync/types';
import { startTestOrg } from '../../helpers/org';

const contact = (lastName: string): CanonicalContact => ({
  firstName: null,
  lastName,
  email: null,
  phone: null,
  mobilePhone: null,
  company: null,
  title: null,
  department: null,
  street: null,
  city: null,
  state: null,
  postalCode: null,
  country: null,
  notes: null,
});

describe('sync: Outlook ids that differ only in letter case', () => {
  let org: LocalOrg;
  before(async () => {
    org = await startTestOrg();
  });
  after(async () => org.close());

  it('become two Salesforce records, and a retried create still finds its own record', async () => {
    const { session } = await signIn('salesforce-for-outlook', {
      username: 'ann@test.example',
      password: 'Ann-pass-1',
      loginUrl: org.url,
    });
    const side = new SalesforceSide({ connection: session!.connection!, userId: session!.userId! });
    const a = 'AAMkAUMAAQAAHG4AAAAAAAAAAHBO';
    const b = 'AAMkAUMAAQAAHg4AAAAAAAAAAHbO';
    const first = await side.write('contacts', [
      { key: 'a', kind: 'create', data: contact('Upper'), sourceId: a },
      { key: 'b', kind: 'create', data: contact('Lower'), sourceId: b },
    ]);
    assert.ok(first.every((r) => r.ok));
    const ids = first.map((r) => (r.ok ? r.id : ''));
    assert.notEqual(ids[0], ids[1]);
    const again = await side.write('contacts', [{ key: 'a2', kind: 'create', data: contact('Upper'), sourceId: a }]);
    assert.equal(again[0].ok && again[0].id, ids[0], 'a retried create upserts into the record it made');
    assert.notEqual(outlookExternalId(a).toLowerCase(), outlookExternalId(b).toLowerCase());
  });
});
