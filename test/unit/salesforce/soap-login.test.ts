import assert from 'node:assert/strict';
import { soapLogin, loginEnvelope, soapLoginEndpoint } from '../../../sync-engine/src/salesforce/soap-login';
import { SalesforceApiError } from '../../../sync-engine/src/salesforce/errors';
import { fakeServer, closedPort, FakeServer } from './fake-server';

const SUCCESS =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result>' +
  '<metadataServerUrl>https://na15.salesforce.com/services/Soap/m/60.0/00Di0000000icUB</metadataServerUrl><passwordExpired>false</passwordExpired><sandbox>false</sandbox>' +
  '<serverUrl>https://na15.salesforce.com/services/Soap/u/60.0/00Di0000000icUB</serverUrl><sessionId>00Di0000000icUB!AQ0AQ</sessionId><userId>005i0000002MUqLAAW</userId>' +
  '<userInfo><organizationId>00Di0000000icUBEAY</organizationId><sessionSecondsValid>7200</sessionSecondsValid><userId>005i0000002MUqLAAW</userId><userName>you@example.com</userName><userType>Standard</userType></userInfo>' +
  '</result></loginResponse></soapenv:Body></soapenv:Envelope>';

const FAULT =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault>' +
  '<faultcode>sf:API_CURRENTLY_DISABLED</faultcode><faultstring>API_CURRENTLY_DISABLED: API is disabled for this User</faultstring>' +
  '<detail><sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>API_CURRENTLY_DISABLED</sf:exceptionCode><sf:exceptionMessage>API is disabled for this User</sf:exceptionMessage></sf:LoginFault></detail>' +
  '</soapenv:Fault></soapenv:Body></soapenv:Envelope>';

const xml = (body: string, status = 200) => ({ status, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body });

async function failure(p: Promise<unknown>): Promise<SalesforceApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SalesforceApiError, String(err));
    return err;
  }
  assert.fail('expected a SalesforceApiError');
}

describe('salesforce/soap-login', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('names the client in CallOptions and escapes values', () => {
    const envelope = loginEnvelope({
      username: 'a&b@example.com',
      password: 'p<w>',
      client: 'SfdcSalesforceForOutlook/2.9.3',
    });
    assert.match(
      envelope,
      /<urn:CallOptions><urn:client>SfdcSalesforceForOutlook\/2\.9\.3<\/urn:client><\/urn:CallOptions>/,
    );
    assert.match(envelope, /<urn:username>a&amp;b@example\.com<\/urn:username>/);
    assert.match(envelope, /<urn:password>p&lt;w&gt;<\/urn:password>/);
    assert.doesNotMatch(loginEnvelope({ username: 'u', password: 'p' }), /CallOptions/);
  });

  it('posts to /services/Soap/u/{version} and reads the LoginResult', async () => {
    server = await fakeServer(() => xml(SUCCESS));
    const r = await soapLogin({ loginUrl: server.url, username: 'you@example.com', password: 'pw', client: 'app/1.0' });
    assert.equal(server.seen[0].url, '/services/Soap/u/60.0');
    assert.equal(server.seen[0].method, 'POST');
    assert.match(String(server.seen[0].headers['content-type']), /^text\/xml/);
    assert.deepEqual(
      [r.instanceUrl, r.sessionId, r.userId, r.organizationId, r.userType, r.sessionSecondsValid, r.endpoint],
      [
        'https://na15.salesforce.com',
        '00Di0000000icUB!AQ0AQ',
        '005i0000002MUqLAAW',
        '00Di0000000icUBEAY',
        'Standard',
        7200,
        soapLoginEndpoint(server.url),
      ],
    );
  });

  it('turns a LoginFault into the error code of its faultcode', async () => {
    server = await fakeServer(() => xml(FAULT, 500));
    const err = await failure(soapLogin({ loginUrl: server.url, username: 'u', password: 'p' }));
    assert.deepEqual(
      [err.errorCode, err.kind, err.status, err.message],
      ['API_CURRENTLY_DISABLED', 'accessRevoked', 500, 'API_CURRENTLY_DISABLED: API is disabled for this User'],
    );
  });

  it('a fault is a refusal despite its status 500; only server-side codes may pass (the shared failure kind)', async () => {
    const fault = (code: string) => FAULT.replace(/API_CURRENTLY_DISABLED/g, code);
    const kinds: string[] = [];
    for (const code of ['INVALID_LOGIN', 'UNKNOWN_EXCEPTION', 'SERVER_UNAVAILABLE']) {
      server = await fakeServer(() => xml(fault(code), 500));
      kinds.push((await failure(soapLogin({ loginUrl: server.url, username: 'u', password: 'p' }))).failure.kind);
      await server.close();
      server = undefined;
    }
    assert.deepEqual(kinds, ['other', 'transient', 'transient']);
  });

  it('calls a refused connection a network error', async () => {
    const err = await failure(soapLogin({ loginUrl: await closedPort(), username: 'u', password: 'p' }));
    assert.deepEqual([err.kind, err.errorCode, err.status], ['network', 'ECONNREFUSED', null]);
  });

  it('calls an unknown host a network error', async () => {
    const err = await failure(
      soapLogin({ loginUrl: 'http://no-such-host.invalid', username: 'u', password: 'p', timeoutMs: 5000 }),
    );
    assert.equal(err.kind, 'network');
  });

  it('gives up after the timeout, as a network error', async () => {
    server = await fakeServer(() => ({ hang: true }));
    const err = await failure(soapLogin({ loginUrl: server.url, username: 'u', password: 'p', timeoutMs: 200 }));
    assert.deepEqual([err.kind, err.errorCode], ['network', 'ETIMEDOUT']);
  });

  it('calls an HTML page (a captive portal, a proxy) a network error', async () => {
    server = await fakeServer(() => ({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<html><body>Sign in to the Wi-Fi</body></html>',
    }));
    const err = await failure(soapLogin({ loginUrl: server.url, username: 'u', password: 'p' }));
    assert.deepEqual([err.kind, err.errorCode], ['network', 'NOT_SALESFORCE']);
  });
});
