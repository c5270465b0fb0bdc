import assert from 'node:assert/strict';
import { clientVersion } from '../../../sync-engine/src/local-org/request-info';

describe('local org: client version for LoginHistory', () => {
  it('takes the version a SOAP client names after its id', () => {
    assert.equal(clientVersion('SfdcSalesforceForOutlook/2.9.3', 'anything/1.0'), '2.9.3');
  });
  it("takes the app's version from a Mobile SDK User-Agent, not the SDK's (regression: 11.1.0 was recorded)", () => {
    assert.equal(
      clientVersion(
        undefined,
        'SalesforceMobileSDK/11.1.0 iOS/17.4 (iPhone) SalesforcedownloadableappforiOS/6.0 Native',
      ),
      '6.0',
    );
    assert.equal(
      clientVersion(
        undefined,
        'SalesforceMobileSDK/11.1.0 android mobile/14 (Pixel 8) MobilePublisherappforAndroid/7.2 Hybrid',
      ),
      '7.2',
    );
  });
  it('falls back to the first product/version of a User-Agent', () => {
    assert.equal(clientVersion(undefined, 'Salesforce for Outlook/2.9.3 (Windows NT 10.0; Win64; x64)'), null);
    assert.equal(clientVersion(undefined, 'curl/8.5.0'), '8.5.0');
    assert.equal(clientVersion(undefined, undefined), null);
  });
});
