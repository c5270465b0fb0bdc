import assert from 'node:assert/strict';
import { productForApplication } from '../../../sync-engine/src/impact/applications';
import { PRODUCTS } from '../../../sync-engine/src/products/catalog';

describe('impact/applications: LoginHistory Application -> product', () => {
  it("knows the catalog's own names", () => {
    for (const p of PRODUCTS.filter((x) => x.kind !== 'browser'))
      assert.equal(productForApplication(p.name), p.id, p.name);
  });

  it('matches the names orgs give the apps, case-insensitively', () => {
    const cases: Array<[string, string | undefined]> = [
      ['Salesforce for Outlook', 'salesforce-for-outlook'],
      ['SALESFORCE FOR OUTLOOK', 'salesforce-for-outlook'],
      ['Connect for Outlook', 'connect-for-outlook'],
      ['Connect  for   Office', 'connect-for-office'],
      ['Salesforce for iOS', 'salesforce-ios'],
      ['Salesforce for Android', 'salesforce-android'],
      ['Mobile Publisher for iOS', 'mobile-publisher-ios'],
      ['Mobile Publisher for Android', 'mobile-publisher-android'],
      ['Partner Product', undefined],
      ['Reporting Tool', undefined],
      ['', undefined],
    ];
    for (const [name, id] of cases) assert.equal(productForApplication(name), id, name);
    assert.equal(productForApplication(null), undefined);
  });

  it('uses the platform for a mobile app named without one, and for the browser', () => {
    assert.equal(productForApplication('Salesforce Mobile', 'iPhone/iPad'), 'salesforce-ios');
    assert.equal(productForApplication('Mobile Publisher', 'Android'), 'mobile-publisher-android');
    assert.equal(productForApplication('Browser', 'iPhone/iPad'), 'mobile-browser');
    assert.equal(productForApplication('Browser', 'Android'), 'mobile-browser');
    assert.equal(productForApplication('Browser', 'Windows'), undefined);
  });
});
