/** SOAP login over real HTTP: the LoginResult and LoginFault envelopes of WIRE.md 1.3-1.5 and the access rule. */
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import jsforce from 'jsforce';
import { startTestOrg, testSeed, userId } from '../../helpers/org';
import { LocalOrg, startLocalOrg } from '../../../sync-engine/src/local-org';
import { OrgSeed } from '../../../sync-engine/src/local-org/seed';

/** The fixture without sample records: login needs none. */
function seed(change?: (s: OrgSeed) => void): OrgSeed {
  const s = testSeed();
  delete s.records;
  change?.(s);
  return s;
}

interface SoapAnswer {
  status: number;
  contentType: string | null;
  body: string;
}

function envelope(username: string, password: string, client?: string): string {
  const header =
    client === undefined
      ? '<se:Header/>'
      : `<se:Header><CallOptions xmlns="urn:partner.soap.sforce.com"><client>${client}</client></CallOptions></se:Header>`;
  return (
    `<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/">${header}<se:Body><login xmlns="urn:partner.soap.sforce.com">` +
    `<username>${username}</username><password>${password}</password></login></se:Body></se:Envelope>`
  );
}

async function post(
  org: LocalOrg,
  body: string,
  opts: { path?: string; contentType?: string; userAgent?: string } = {},
): Promise<SoapAnswer> {
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'text/xml', SOAPAction: '""' };
  if (opts.userAgent) headers['user-agent'] = opts.userAgent;
  const res = await fetch(`${org.url}${opts.path ?? '/services/Soap/u/60.0'}`, { method: 'POST', headers, body });
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.text() };
}

const FAULT_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault>';

function loginFault(code: string, message: string): string {
  return (
    `${FAULT_HEAD}<faultcode>sf:${code}</faultcode><faultstring>${code}: ${message}</faultstring><detail><sf:LoginFault xsi:type="sf:LoginFault">` +
    `<sf:exceptionCode>${code}</sf:exceptionCode><sf:exceptionMessage>${message}</sf:exceptionMessage></sf:LoginFault></detail>` +
    '</soapenv:Fault></soapenv:Body></soapenv:Envelope>'
  );
}

const INVALID_LOGIN = loginFault('INVALID_LOGIN', 'Invalid username, password, security token; or user locked out.');
const API_CURRENTLY_DISABLED = loginFault('API_CURRENTLY_DISABLED', 'API is disabled for this User');
const API_DISABLED_FOR_ORG = loginFault('API_DISABLED_FOR_ORG', 'API is not enabled for this Organization or Partner');

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, parseTagValue: false });

function loginResult(body: string): Record<string, unknown> {
  return parser.parse(body).Envelope.Body.loginResponse.result;
}

function clientFault(answer: SoapAnswer): string {
  assert.equal(answer.status, 500);
  assert.equal(answer.contentType, 'text/xml;charset=UTF-8');
  const fault = parser.parse(answer.body).Envelope.Body.Fault;
  assert.equal(fault.faultcode, 'soapenv:Client');
  return fault.faultstring as string;
}

function loginHistory(org: LocalOrg, username: string): Array<Record<string, unknown>> {
  return org.ctx.store.db
    .prepare(`SELECT * FROM sobj_LoginHistory WHERE "UserId" = ? ORDER BY "Id"`)
    .all(userId(org, username)) as Array<Record<string, unknown>>;
}

describe('local org: SOAP login', () => {
  let org: LocalOrg;
  before(async () => {
    org = await startTestOrg(
      seed((s) => {
        for (const u of s.users)
          if (u.username === 'dee@test.example' || u.username === 'eve@test.example') u.permissionSets = ['API_Access'];
      }),
    );
  });
  after(async () => org.close());

  it('answers a partner login with the LoginResult envelope in schema order', async () => {
    const answer = await post(org, envelope('ann@test.example', 'Ann-pass-1'));
    assert.equal(answer.status, 200);
    assert.equal(answer.contentType, 'text/xml;charset=UTF-8');
    assert.ok(
      answer.body.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
          'xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result><metadataServerUrl>',
      ),
    );
    const orgId = org.ctx.orgId();
    const annId = userId(org, 'ann@test.example');
    const result = loginResult(answer.body);
    assert.deepEqual(Object.keys(result), [
      'metadataServerUrl',
      'passwordExpired',
      'sandbox',
      'serverUrl',
      'sessionId',
      'userId',
      'userInfo',
    ]);
    assert.equal(result.metadataServerUrl, `${org.url}/services/Soap/m/60.0/${orgId.slice(0, 15)}`);
    assert.equal(result.serverUrl, `${org.url}/services/Soap/u/60.0/${orgId.slice(0, 15)}`);
    assert.equal(result.passwordExpired, 'false');
    assert.equal(result.sandbox, 'false');
    assert.equal(result.userId, annId);
    assert.match(result.sessionId as string, new RegExp(`^${orgId.slice(0, 15)}!`));
    const info = result.userInfo as Record<string, unknown>;
    assert.deepEqual(Object.keys(info), [
      'accessibilityMode',
      'chatterExternal',
      'currencySymbol',
      'orgAttachmentFileSizeLimit',
      'orgDefaultCurrencyIsoCode',
      'orgDefaultCurrencyLocale',
      'orgDisallowHtmlAttachments',
      'orgHasPersonAccounts',
      'organizationId',
      'organizationMultiCurrency',
      'organizationName',
      'profileId',
      'roleId',
      'sessionSecondsValid',
      'userDefaultCurrencyIsoCode',
      'userEmail',
      'userFullName',
      'userId',
      'userLanguage',
      'userLocale',
      'userName',
      'userTimeZone',
      'userType',
      'userUiSkin',
    ]);
    assert.equal(info.organizationId, orgId);
    assert.equal(info.organizationName, 'Test Corp');
    assert.equal(info.userId, annId);
    assert.equal(info.userName, 'ann@test.example');
    assert.equal(info.userFullName, 'Ann Lee');
    assert.equal(info.userType, 'Standard');
    assert.equal(info.chatterExternal, 'false');
    assert.equal(info.sessionSecondsValid, '7200');
    assert.equal((info.roleId as Record<string, string>)['@_nil'], 'true');
    const session = org.ctx.sessions.findAccess(result.sessionId as string);
    assert.deepEqual({ userId: session?.userId, clientId: session?.clientId }, { userId: annId, clientId: null });
  });

  it('gives a session that opens the REST API', async () => {
    const { sessionId } = loginResult((await post(org, envelope('cy@test.example', 'Cy-pass-1'))).body) as {
      sessionId: string;
    };
    const res = await fetch(`${org.url}/services/data/v60.0/`, { headers: { authorization: `Bearer ${sessionId}` } });
    assert.equal(res.status, 200);
  });

  it('reports CsnOnly for a Chatter user with API Enabled and chatterExternal for Chatter External', async () => {
    const dee = loginResult((await post(org, envelope('dee@test.example', 'Dee-pass-1'))).body);
    assert.equal((dee.userInfo as Record<string, unknown>).userType, 'CsnOnly');
    assert.equal((dee.userInfo as Record<string, unknown>).chatterExternal, 'false');
    const eve = loginResult(
      (await post(org, envelope('eve@test.example', 'Eve-pass-1', 'SfdcSalesforceForOutlook'))).body,
    );
    assert.equal((eve.userInfo as Record<string, unknown>).userType, 'CsnOnly');
    assert.equal((eve.userInfo as Record<string, unknown>).chatterExternal, 'true');
  });

  it('answers bad credentials, unknown and inactive users with the exact INVALID_LOGIN fault', async () => {
    for (const [u, p] of [
      ['ann@test.example', 'wrong'],
      ['nobody@test.example', 'x'],
      ['old@test.example', 'Old-pass-1'],
      ['', 'x'],
    ]) {
      const answer = await post(org, envelope(u, p));
      assert.equal(answer.status, 500, u);
      assert.equal(answer.contentType, 'text/xml;charset=UTF-8');
      assert.equal(answer.body, INVALID_LOGIN, u);
    }
    assert.equal(loginHistory(org, 'old@test.example').at(-1)?.Status, 'User is Inactive');
  });

  it('refuses bob through the allowlisted Salesforce for Outlook with API_CURRENTLY_DISABLED', async () => {
    const answer = await post(org, envelope('bob@test.example', 'Bob-pass-1', 'SfdcSalesforceForOutlook/2.9.3'));
    assert.equal(answer.status, 500);
    assert.equal(answer.body, API_CURRENTLY_DISABLED);
    const row = loginHistory(org, 'bob@test.example').at(-1)!;
    assert.deepEqual(
      {
        Status: row.Status,
        Application: row.Application,
        ClientVersion: row.ClientVersion,
        LoginType: row.LoginType,
        ApiType: row.ApiType,
        ApiVersion: row.ApiVersion,
      },
      {
        Status: 'API Currently Disabled',
        Application: 'Salesforce for Outlook',
        ClientVersion: '2.9.3',
        LoginType: 'Partner Product',
        ApiType: 'SOAP Partner',
        ApiVersion: '60.0',
      },
    );
  });

  it('refuses bob without a client (an ordinary client, the user lacks API Enabled) with API_CURRENTLY_DISABLED', async () => {
    const answer = await post(org, envelope('bob@test.example', 'Bob-pass-1'));
    assert.equal(answer.body, API_CURRENTLY_DISABLED);
    const unknownClient = await post(org, envelope('bob@test.example', 'Bob-pass-1', 'some-tool/1.0'));
    assert.equal(unknownClient.body, API_CURRENTLY_DISABLED);
  });

  it('records the client version from the User-Agent when the client names none', async () => {
    await post(org, envelope('ann@test.example', 'Ann-pass-1'), {
      userAgent: 'SfdcOutlookConnector/4.1 (Windows NT 10.0)',
    });
    const row = loginHistory(org, 'ann@test.example').at(-1)!;
    assert.equal(row.ClientVersion, '4.1');
    assert.equal(row.LoginType, 'Other Apex API');
    assert.equal(row.Platform, 'Windows');
  });

  it('reads the simple-salesforce form: declaration, prefixes, whitespace, CallOptions and LoginScopeHeader', async () => {
    const body = `<?xml version="1.0" encoding="utf-8" ?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">
  <soapenv:Header>
    <urn:CallOptions><urn:client>SfdcConnectForOffice/3.1</urn:client><urn:defaultNamespace>sf</urn:defaultNamespace></urn:CallOptions>
    <urn:LoginScopeHeader><urn:organizationId>${org.ctx.orgId()}</urn:organizationId></urn:LoginScopeHeader>
  </soapenv:Header>
  <soapenv:Body>
    <urn:login>
      <urn:username>cy@test.example</urn:username>
      <urn:password>Cy-pass-1</urn:password>
    </urn:login>
  </soapenv:Body>
</soapenv:Envelope>`;
    const answer = await post(org, body);
    assert.equal(answer.status, 200, answer.body);
    const row = loginHistory(org, 'cy@test.example').at(-1)!;
    assert.equal(row.Application, 'Connect for Office');
    assert.equal(row.ClientVersion, '3.1');
  });

  it('serves the enterprise endpoint with its own namespace and serverUrl', async () => {
    const answer = await post(
      org,
      envelope('ann@test.example', 'Ann-pass-1').replace('urn:partner', 'urn:enterprise'),
      { path: '/services/Soap/c/58.0' },
    );
    assert.equal(answer.status, 200);
    assert.ok(answer.body.includes('xmlns="urn:enterprise.soap.sforce.com"'));
    assert.equal(loginResult(answer.body).serverUrl, `${org.url}/services/Soap/c/58.0/${org.ctx.orgId().slice(0, 15)}`);
    const fault = await post(org, envelope('bob@test.example', 'Bob-pass-1'), { path: '/services/Soap/c/58.0' });
    assert.ok(fault.body.includes('xmlns:sf="urn:fault.enterprise.soap.sforce.com"'));
    assert.ok(fault.body.includes('<faultcode>sf:API_CURRENTLY_DISABLED</faultcode>'));
  });

  it('answers unsupported API versions with UNSUPPORTED_API_VERSION', async () => {
    for (const v of ['19.0', '99.0', 'abc']) {
      const answer = await post(org, envelope('ann@test.example', 'Ann-pass-1'), { path: `/services/Soap/u/${v}` });
      assert.equal(answer.status, 500);
      assert.ok(
        answer.body.includes(
          '<faultcode>sf:UNSUPPORTED_API_VERSION</faultcode><faultstring>UNSUPPORTED_API_VERSION: Invalid Api version specified on URL</faultstring>',
        ),
        v,
      );
    }
  });

  describe('malformed requests get a precise soapenv:Client fault, never a crash or REST JSON', () => {
    const cases: Array<[string, string, RegExp, string?]> = [
      [
        'broken XML',
        '<se:Envelope><se:Body></se:Envelope>',
        /^Malformed XML at \[row,col\]: \[1,\d+\]: Expected closing tag/,
      ],
      ['an empty body', '', /^Premature end of file/],
      ['a document that is not an envelope', '<login><username>a</username></login>', /not a SOAP envelope/],
      [
        'an envelope without a body',
        '<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"/>',
        /has no \{http:\/\/schemas.xmlsoap.org\/soap\/envelope\/\}Body/,
      ],
      [
        'another operation',
        // logout and getUserInfo are answered since issue 15 (soap-session-calls.test.ts).
        envelope('a', 'b').replace(/login/g, 'describeGlobal'),
        /^No operation available for request \{urn:partner.soap.sforce.com\}describeGlobal, please check the WSDL for the service\.$/,
      ],
      [
        'a missing username',
        envelope('a', 'b').replace('<username>a</username>', ''),
        /^Missing required element \{urn:partner.soap.sforce.com\}username in login$/,
      ],
      [
        'a missing password',
        envelope('a', 'b').replace('<password>b</password>', ''),
        /^Missing required element \{urn:partner.soap.sforce.com\}password in login$/,
      ],
      ['a username holding elements', envelope('<x>a</x>', 'b'), /username must contain text only/],
      ['a DOCTYPE', `<!DOCTYPE x [<!ENTITY a "b">]>${envelope('a', 'b')}`, /DOCTYPE is not allowed/],
      ['a JSON body', '{"username":"a"}', /not XML: send Content-Type text\/xml/, 'application/json'],
      [
        'a form body',
        'username=a&password=b',
        /not XML: send Content-Type text\/xml/,
        'application/x-www-form-urlencoded',
      ],
      [
        'an unknown content type',
        'hello',
        /^Content-Type 'application\/octet-stream' is not supported: send text\/xml$/,
        'application/octet-stream',
      ],
      ['plain text', 'hello', /^Malformed XML at \[row,col\]: \[1,1\]: char 'h' is not expected\.$/, 'text/plain'],
    ];
    for (const [what, body, message, contentType] of cases) {
      it(`for ${what}`, async () => {
        assert.match(clientFault(await post(org, body, { contentType })), message);
      });
    }
  });

  it('logs in through jsforce by SOAP, unchanged', async () => {
    const conn = new jsforce.Connection({ loginUrl: org.url, version: '60.0' });
    const info = await conn.login('ann@test.example', 'Ann-pass-1');
    assert.equal(info.id, userId(org, 'ann@test.example'));
    assert.equal(info.organizationId, org.ctx.orgId());
    assert.equal(conn.instanceUrl, org.url);
    const resources = await conn.request<Record<string, string>>('/services/data/v60.0/');
    assert.equal(resources.identity, `${org.url}/id/${org.ctx.orgId()}/${info.id}`);
    const identity = await conn.identity();
    assert.equal(identity.user_id, info.id);
    assert.equal(identity.organization_id, org.ctx.orgId());
  });

  it('surfaces the fault string through jsforce', async () => {
    const conn = new jsforce.Connection({ loginUrl: org.url, version: '60.0' });
    await assert.rejects(conn.login('bob@test.example', 'Bob-pass-1'), {
      message: 'API_CURRENTLY_DISABLED: API is disabled for this User',
    });
  });
});

describe('local org: SOAP login on a professional edition org without API', () => {
  let org: LocalOrg;
  before(async () => {
    org = await startTestOrg(
      seed((s) => {
        s.organization.edition = 'professional';
        s.organization.features = { apiEnabled: false, customizableProfiles: false };
      }),
    );
  });
  after(async () => org.close());

  it('refuses an ordinary client with API_DISABLED_FOR_ORG', async () => {
    const answer = await post(org, envelope('ann@test.example', 'Ann-pass-1'));
    assert.equal(answer.status, 500);
    assert.equal(answer.body, API_DISABLED_FOR_ORG);
    assert.equal(loginHistory(org, 'ann@test.example').at(-1)?.Status, 'API Currently Disabled');
  });

  it('lets an allowlisted client log in, even for a user without API Enabled', async () => {
    for (const [u, p] of [
      ['ann@test.example', 'Ann-pass-1'],
      ['bob@test.example', 'Bob-pass-1'],
    ]) {
      const answer = await post(org, envelope(u, p, 'SfdcSalesforceForOutlook'));
      assert.equal(answer.status, 200, u);
      const session = org.ctx.sessions.findAccess(loginResult(answer.body).sessionId as string);
      assert.equal(session?.clientId, 'SfdcSalesforceForOutlook');
    }
  });
});

describe('local org: SOAP login lockout', () => {
  let org: LocalOrg;
  let now = Date.parse('2024-03-01T09:00:00Z');
  before(async () => {
    org = await startLocalOrg({ seed: seed(), dataDir: ':memory:', port: 0, clock: { now: () => new Date(now) } });
  });
  after(async () => org.close());

  it('locks the user out after 10 bad passwords, refuses the right one, and lets them in 15 minutes later', async () => {
    for (let i = 0; i < 10; i++)
      assert.equal((await post(org, envelope('ann@test.example', `bad-${i}`))).body, INVALID_LOGIN);
    const locked = await post(org, envelope('ann@test.example', 'Ann-pass-1'));
    assert.equal(locked.status, 500);
    assert.equal(locked.body, INVALID_LOGIN);
    const statuses = loginHistory(org, 'ann@test.example').map((r) => r.Status);
    assert.deepEqual(statuses, [...Array(9).fill('Invalid Password'), 'Password Lockout', 'Password Lockout']);
    now += 14 * 60_000;
    assert.equal((await post(org, envelope('ann@test.example', 'Ann-pass-1'))).body, INVALID_LOGIN);
    now += 60_000;
    assert.equal((await post(org, envelope('ann@test.example', 'Ann-pass-1'))).status, 200);
  });
});
