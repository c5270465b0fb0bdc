/**
 * Local org throughput under autocannon on loopback: SOAP logins per second, REST queries per second,
 * and the cost of applying the access rule on every request (same server, check switched off, as a ratio).
 */
import { fork, ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { Figure } from './figures';
import { OrgSeed } from '../sync-engine/src/local-org/seed';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;

function benchSeed(): OrgSeed {
  const contacts = Array.from({ length: 500 }, (_, i) => ({
    FirstName: `First${i}`,
    LastName: `Last${i}`,
    Email: `c${i}@bench.example`,
    OwnerId: 'username:ann@bench.example',
  }));
  return {
    organization: {
      name: 'Bench Org',
      edition: 'enterprise',
      features: { apiEnabled: true, customizableProfiles: true },
      enforceApiEnabledForAllowlistedApps: true,
    },
    connectedApps: [
      {
        name: 'Salesforce for Outlook',
        clientId: 'SfdcSalesforceForOutlook',
        allowlisted: true,
        product: 'salesforce-for-outlook',
      },
    ],
    profiles: [
      {
        name: 'System Administrator',
        license: 'Salesforce',
        permissions: { apiEnabled: true, viewSetup: true, manageUsers: true, modifyAllData: true },
      },
      { name: 'Standard User', license: 'Salesforce', permissions: { apiEnabled: true } },
    ],
    permissionSets: [{ name: 'API_Access', label: 'API Access', permissions: { apiEnabled: true } }],
    users: [
      {
        username: 'admin@bench.example',
        password: 'Bench-Admin-1',
        lastName: 'Admin',
        email: 'admin@bench.example',
        profile: 'System Administrator',
      },
      {
        username: 'ann@bench.example',
        password: 'Bench-Ann-1',
        lastName: 'Lee',
        email: 'ann@bench.example',
        profile: 'Standard User',
        permissionSets: ['API_Access'],
      },
    ],
    records: { Contact: contacts },
  };
}

function soapLogin(username: string, password: string, client: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com"><soapenv:Header><urn:CallOptions><urn:client>${client}</urn:client></urn:CallOptions></soapenv:Header><soapenv:Body><urn:login><urn:username>${username}</urn:username><urn:password>${password}</urn:password></urn:login></soapenv:Body></soapenv:Envelope>`;
}

async function load(opts: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...opts });
}

function request(child: ChildProcess, msg: object, key: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
    child.send(msg);
  });
}

export async function orgBench(): Promise<Figure[]> {
  const child = fork(path.join(__dirname, 'org-process.js'), [JSON.stringify(benchSeed())], { stdio: 'inherit' });
  const url = await new Promise<string>((resolve) => child.once('message', (m: { url: string }) => resolve(m.url)));
  try {
    const loginBody = soapLogin('ann@bench.example', 'Bench-Ann-1', 'SfdcSalesforceForOutlook/2.9.3');
    const loginUrl = `${url}/services/Soap/u/60.0`;
    const logins = await load({
      url: loginUrl,
      method: 'POST',
      headers: { 'content-type': 'text/xml', soapaction: 'login' },
      body: loginBody,
    });
    if (logins.non2xx > 0 || logins.errors > 0)
      throw new Error(`login bench: ${logins.non2xx} non-2xx answers, ${logins.errors} errors`);

    const res = await fetch(loginUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', soapaction: 'login' },
      body: loginBody,
    });
    const sessionId = /<sessionId>([^<]+)<\/sessionId>/.exec(await res.text())?.[1];
    if (!sessionId) throw new Error('login bench: no sessionId in the login response');
    const queryUrl = `${url}/services/data/v60.0/query?q=${encodeURIComponent("SELECT Id, FirstName, LastName, Email FROM Contact WHERE Email LIKE 'c1%' ORDER BY LastName LIMIT 10")}`;
    const queryOpts = { url: queryUrl, headers: { authorization: `Bearer ${sessionId}` } };

    // Alternate on/off rounds so drift (JIT warm-up, page cache) hits both sides alike.
    const withCheck: number[] = [];
    const withoutCheck: number[] = [];
    await load({ ...queryOpts, duration: 2 }); // warm-up
    for (let round = 0; round < 2; round++) {
      for (const check of [true, false]) {
        await request(child, { checkAccess: check }, 'ack');
        const r = await load(queryOpts);
        if (r.non2xx > 0 || r.errors > 0)
          throw new Error(`query bench: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
        (check ? withCheck : withoutCheck).push(r.requests.average);
      }
    }
    await request(child, { checkAccess: true }, 'ack');
    const on = mean(withCheck);
    const off = mean(withoutCheck);
    return [
      {
        name: 'org.logins-per-s',
        value: logins.requests.average,
        unit: 'logins/s',
        note: `SOAP partner login, ${CONNECTIONS} connections, ${DURATION_S}s`,
      },
      { name: 'org.queries-per-s', value: on, unit: 'queries/s', note: 'REST query, rule checked on every request' },
      {
        name: 'org.queries-per-s.rule-check-off',
        value: off,
        unit: 'queries/s',
        note: 'same server, per-request check switched off',
      },
      {
        name: 'org.rule-check-throughput-ratio',
        value: on / off,
        unit: 'ratio',
        note: 'with check / without (target >= 0.90)',
      },
    ];
  } finally {
    child.send({ stop: true });
  }
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
