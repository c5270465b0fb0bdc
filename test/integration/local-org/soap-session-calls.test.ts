/** SOAP `logout` and `getUserInfo` (issue 15): jsforce's SOAP logout, Salesforce's envelopes, a logged-out session refused. */
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { LocalOrg } from '../../../sync-engine/src/local-org';
import { startTestOrg, sessionFor, userId } from '../../helpers/org';

const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

function call(operation: string, sessionId: string | null, ns = 'urn:partner.soap.sforce.com'): string {
  const header =
    sessionId === null
      ? ''
      : `<se:Header><SessionHeader xmlns="${ns}"><sessionId>${sessionId}</sessionId></SessionHeader></se:Header>`;
  return `<se:Envelope xmlns:se="${SOAP_ENV}">${header}<se:Body><${operation} xmlns="${ns}"/></se:Body></se:Envelope>`;
}

function fault(code: string, message: string, ns = 'urn:fault.partner.soap.sforce.com'): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:sf="${ns}" xmlns:xsi="${XSI}">` +
    `<soapenv:Body><soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${code}: ${message}</faultstring>` +
    `<detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault"><sf:exceptionCode>${code}</sf:exceptionCode>` +
    `<sf:exceptionMessage>${message}</sf:exceptionMessage></sf:UnexpectedErrorFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
  );
}
const ILLEGAL_SESSION = 'Invalid Session ID found in SessionHeader: Illegal Session';

describe('local org: SOAP logout and getUserInfo', function () {
  this.timeout(60_000);
  let org: LocalOrg;

  async function post(body: string, path = '/services/Soap/u/60.0') {
    const res = await fetch(`${org.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', SOAPAction: '""' },
      body,
    });
    return { status: res.status, body: await res.text() };
  }
  async function restStatus(token: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${org.url}/services/data/v60.0/limits`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() };
  }

  before(async () => (org = await startTestOrg()));
  after(async () => org.close());

  it("ends a SOAP login's session with jsforce's logout(); the session is refused afterwards", async () => {
    const conn = new jsforce.Connection({ loginUrl: org.url, version: '60.0' });
    await conn.login('ann@test.example', 'Ann-pass-1');
    const token = conn.accessToken!;
    assert.equal((await restStatus(token)).status, 200);
    await conn.logout();
    assert.equal(conn.accessToken, null);
    assert.deepEqual(await restStatus(token), {
      status: 401,
      body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }],
    });
    const again = await post(call('logout', token));
    assert.equal(again.status, 500);
    assert.equal(again.body, fault('INVALID_SESSION_ID', ILLEGAL_SESSION));
  });

  it("answers logout with Salesforce's empty logoutResponse, on the enterprise endpoint in its namespace", async () => {
    const token = sessionFor(org, 'ann@test.example');
    const res = await post(call('logout', token, 'urn:enterprise.soap.sforce.com'), '/services/Soap/c/60.0');
    assert.equal(res.status, 200);
    assert.equal(
      res.body,
      `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns="urn:enterprise.soap.sforce.com" ` +
        `xmlns:xsi="${XSI}"><soapenv:Body><logoutResponse/></soapenv:Body></soapenv:Envelope>`,
    );
    assert.equal((await restStatus(token)).status, 401);
  });

  it('lets a user the rule refuses still log out (ending a session needs only the session)', async () => {
    const bob = sessionFor(org, 'bob@test.example');
    assert.equal((await restStatus(bob)).status, 403);
    assert.equal((await post(call('logout', bob))).status, 200);
    assert.equal((await restStatus(bob)).status, 401);
  });

  it("answers jsforce's getUserInfo with the session user's GetUserInfoResult", async () => {
    const conn = new jsforce.Connection({ loginUrl: org.url, version: '60.0' });
    await conn.login('ann@test.example', 'Ann-pass-1');
    const info = (await conn.soap.getUserInfo()) as unknown as Record<string, unknown>;
    assert.equal(info.userId, userId(org, 'ann@test.example'));
    assert.equal(info.userName, 'ann@test.example');
    assert.equal(info.userFullName, 'Ann Lee');
    assert.equal(info.organizationId, org.ctx.orgId());
  });

  it('refuses getUserInfo without a session, with an unknown one, and for a user the rule refuses', async () => {
    assert.deepEqual(await post(call('getUserInfo', null)), {
      status: 500,
      body: fault('INVALID_SESSION_ID', ILLEGAL_SESSION),
    });
    assert.deepEqual(await post(call('getUserInfo', 'nope')), {
      status: 500,
      body: fault('INVALID_SESSION_ID', ILLEGAL_SESSION),
    });
    assert.deepEqual(await post(call('getUserInfo', sessionFor(org, 'bob@test.example'))), {
      status: 500,
      body: fault('API_CURRENTLY_DISABLED', 'API is disabled for this User'),
    });
  });

  it('still answers an operation it does not have with No operation available', async () => {
    const res = await post(call('describeGlobal', sessionFor(org, 'ann@test.example')));
    assert.equal(res.status, 500);
    assert.match(res.body, /No operation available for request \{urn:partner\.soap\.sforce\.com\}describeGlobal/);
  });
});
