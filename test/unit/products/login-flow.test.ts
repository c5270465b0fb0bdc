import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loginAs, LoginOptionsError, resolveLogin } from '../../../sync-engine/src/sign-in/login-flow';
import { findProduct } from '../../../sync-engine/src/products/catalog';
import { fakeServer, FakeServer } from '../salesforce/fake-server';

function specText(key: string): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  const spec = JSON.parse(fs.readFileSync(path.join(dir, '..', 'shared', 'spec', 'messages.json'), 'utf8')) as {
    messages: Record<string, { text: string }>;
  };
  return spec.messages[key].text;
}

const creds = { username: 'u@example.com', password: 'pw' };

describe('products/login-flow against servers that are not an org', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('an HTML answer (a captive portal) is a network error: mobile.networkError on mobile', async () => {
    server = await fakeServer(() => ({
      headers: { 'content-type': 'text/html' },
      body: '<!DOCTYPE html><html><body>Accept the Wi-Fi terms</body></html>',
    }));
    const ios = await loginAs('salesforce-ios', { ...creds, loginUrl: server.url });
    assert.deepEqual(
      [ios.outcome, ios.message, ios.errorCode],
      ['network-error', specText('mobile.networkError'), 'NOT_SALESFORCE'],
    );
    const sfo = await loginAs('salesforce-for-outlook', { ...creds, loginUrl: server.url });
    assert.deepEqual([sfo.outcome, sfo.errorCode], ['network-error', 'NOT_SALESFORCE']);
  });

  it('a TLS failure (https to a plain HTTP port) is a network error', async () => {
    server = await fakeServer(() => ({ body: 'plain' }));
    const r = await loginAs('salesforce-android', { ...creds, loginUrl: server.url.replace('http:', 'https:') });
    assert.deepEqual([r.outcome, r.message], ['network-error', specText('mobile.networkError')]);
  });

  it('Salesforce for Outlook below 2.3.0 is refused without asking the org', async () => {
    server = await fakeServer(() => ({ status: 500 }));
    const r = await loginAs('salesforce-for-outlook', { ...creds, loginUrl: server.url, version: '2.2.9' });
    assert.equal(r.outcome, 'unsupported-version');
    assert.equal(server.seen.length, 0);
  });

  it('desktop products name themselves as clientId/version in the SOAP CallOptions', async () => {
    server = await fakeServer(() => ({
      status: 500,
      headers: { 'content-type': 'text/xml' },
      body: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: no</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>',
    }));
    await loginAs('connect-for-outlook', { ...creds, loginUrl: server.url, version: '3.4' });
    await loginAs('salesforce-for-outlook', { ...creds, loginUrl: server.url, version: '2.9.3', clientId: 'MyClient' });
    assert.match(server.seen[0].body, /<urn:client>SfdcConnectForOutlook\/3\.4<\/urn:client>/);
    assert.match(server.seen[1].body, /<urn:client>MyClient\/2\.9\.3<\/urn:client>/);
  });

  it('refuses an unknown product and a malformed version before any request', async () => {
    await assert.rejects(loginAs('lotus-notes' as never, creds), LoginOptionsError);
    assert.throws(
      () => resolveLogin(findProduct('salesforce-ios')!, { ...creds, version: 'six' }),
      /"six" is not a version/,
    );
  });

  it("defaults: the catalog's version and client id, the demo org's URL", () => {
    const r = resolveLogin(findProduct('connect-for-office')!, creds);
    assert.deepEqual([r.version, r.clientId, r.loginUrl], ['3.0', 'SfdcConnectForOffice', 'http://127.0.0.1:8700']);
  });
});
