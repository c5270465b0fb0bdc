import assert from 'node:assert/strict';
import {
  impactCommand,
  usageProblem,
  exitCodeFor,
  ImpactCommandOptions,
} from '../../../sync-engine/src/cli/impact-command';
import { ImpactError } from '../../../sync-engine/src/impact/errors';
import { asImpactError } from '../../../sync-engine/src/impact/report';
import { computeImpact, ImpactReport } from '../../../sync-engine/src/impact/verdicts';
import { ImpactRequest } from '../../../sync-engine/src/impact/report';
import { SalesforceApiError } from '../../../sync-engine/src/salesforce/errors';

const OPTS: ImpactCommandOptions = {
  loginUrl: 'http://127.0.0.1:8700',
  username: 'admin@x.example',
  password: 'Secret-1',
};

function emptyReport(): ImpactReport {
  return computeImpact({
    org: {
      name: 'Acme',
      organizationType: null,
      edition: 'enterprise',
      orgApiEnabled: true,
      customizableProfiles: true,
      enforcement: false,
      source: 'org',
      assumptions: [],
    },
    profiles: [],
    permissionSets: [],
    users: [],
    logins: [],
    loginHistoryDays: 90,
  });
}

async function run(
  opts: Partial<ImpactCommandOptions>,
  runner: (r: ImpactRequest) => Promise<ImpactReport>,
  env: NodeJS.ProcessEnv = {},
) {
  let out = '';
  let err = '';
  const code = await impactCommand(
    { ...OPTS, ...opts },
    env,
    { out: (s) => (out += s), err: (s) => (err += s) },
    runner,
  );
  return { code, out, err };
}

describe('cli/impact', () => {
  it('usage problems name the option', () => {
    assert.equal(usageProblem(OPTS, {}), null);
    assert.equal(usageProblem({ ...OPTS, json: true, csv: true }, {}), '--json and --csv cannot be used together');
    assert.equal(usageProblem({ ...OPTS, enforcement: 'yes' }, {}), '--enforcement: "yes" must be on or off');
    assert.equal(usageProblem({ ...OPTS, enforcement: 'ON' }, {}), null);
    assert.equal(usageProblem({ ...OPTS, username: ' ' }, {}), '--username is required (an admin of the org)');
    assert.equal(usageProblem({ ...OPTS, password: undefined }, {}), '--password is required (or set SFO_PASSWORD)');
    assert.equal(usageProblem({ ...OPTS, password: undefined }, { SFO_PASSWORD: 'x' }), null);
    assert.equal(usageProblem({ ...OPTS, clientId: '' }, {}), '--client-id: must not be empty');
    assert.equal(
      usageProblem({ ...OPTS, loginUrl: 'nope' }, {}),
      '--login-url: "nope" is not a URL (e.g. http://127.0.0.1:8700)',
    );
    assert.equal(
      usageProblem({ ...OPTS, loginUrl: 'ftp://x' }, {}),
      '--login-url: "ftp://x" must be an http or https URL',
    );
  });

  it('passes the request on: password from SFO_PASSWORD, enforcement as a boolean', async () => {
    const seen: ImpactRequest[] = [];
    const r = await run(
      { password: undefined, enforcement: 'on', clientId: 'app' },
      async (req) => (seen.push(req), emptyReport()),
      { SFO_PASSWORD: 'From-env-1' },
    );
    assert.equal(r.code, 0);
    assert.deepEqual(seen, [
      { loginUrl: OPTS.loginUrl, username: OPTS.username, password: 'From-env-1', clientId: 'app', enforcement: true },
    ]);
    const off = await run({ enforcement: 'off' }, async (req) => (seen.push(req), emptyReport()));
    assert.equal(off.code, 0);
    assert.equal(seen[1].enforcement, false);
    await run({}, async (req) => (seen.push(req), emptyReport()));
    assert.equal(seen[2].enforcement, undefined);
  });

  it('exit codes: 4 unreachable, 3 refused by the rule, 1 otherwise; the message on stderr only', async () => {
    assert.equal(exitCodeFor('ORG_UNREACHABLE'), 4);
    assert.equal(exitCodeFor('REFUSED_BY_RULE'), 3);
    assert.equal(exitCodeFor('ADMIN_PERMISSION_MISSING'), 1);
    assert.equal(exitCodeFor('SIGN_IN_FAILED'), 1);
    assert.equal(exitCodeFor('ORG_READ_FAILED'), 1);
    const r = await run({}, async () => {
      throw new ImpactError('ADMIN_PERMISSION_MISSING', 'x lacks "Manage Users"');
    });
    assert.deepEqual(r, { code: 1, out: '', err: 'sfo-compat impact: x lacks "Manage Users"\n' });
  });

  it('prints the table, --json or --csv', async () => {
    assert.match(
      (await run({}, async () => emptyReport())).out,
      /^"API Enabled" impact report for Acme\n[\s\S]*No active users\.\n$/,
    );
    assert.deepEqual(Object.keys(JSON.parse((await run({ json: true }, async () => emptyReport())).out)), [
      'summary',
      'users',
    ]);
    assert.equal(
      (await run({ csv: true }, async () => emptyReport())).out,
      'username,name,license,profile,product,outcome,reason,fix,last_used,client_version,platform,login_status\r\n',
    );
  });

  it("maps the org's failures to the report's errors", () => {
    const sf = (errorCode: string, kind: SalesforceApiError['kind'], message = errorCode) =>
      new SalesforceApiError({ errorCode, kind, status: 500, message });
    const who = { username: 'admin@x.example' };
    assert.equal(
      asImpactError(sf('ECONNREFUSED', 'network', 'cannot reach x'), 'sign-in', who).code,
      'ORG_UNREACHABLE',
    );
    const refused = asImpactError(
      sf('API_CURRENTLY_DISABLED', 'accessRevoked', 'API is disabled for this User'),
      'sign-in',
      who,
    );
    assert.equal(refused.code, 'REFUSED_BY_RULE');
    assert.equal(
      refused.message,
      'the org refused the sign-in of admin@x.example (API_CURRENTLY_DISABLED: API is disabled for this User). ' +
        'admin@x.example needs "API Enabled" (profile or permission set) to read the org through its API.',
    );
    assert.match(
      asImpactError(sf('API_DISABLED_FOR_ORG', 'accessRevoked'), 'sign-in', who).message,
      /sign in through an allowlisted connected app with --client-id/,
    );
    assert.equal(asImpactError(sf('INVALID_LOGIN', 'other'), 'sign-in', who).code, 'SIGN_IN_FAILED');
    assert.equal(asImpactError(sf('MALFORMED_QUERY', 'validation'), 'read').code, 'ORG_READ_FAILED');
  });
});
