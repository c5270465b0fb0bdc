import assert from 'node:assert/strict';
import { Connection } from '../../../sync-engine/src/salesforce/connection';
import { assumedFacts, editionFromOrganizationType, readOrgFacts } from '../../../sync-engine/src/impact/org-facts';
import { fakeServer, FakeServer } from '../salesforce/fake-server';

const invalidField = {
  status: 400,
  body: [
    {
      errorCode: 'INVALID_FIELD',
      message:
        "\nSELECT Name, OrganizationType, Edition__c\n                               ^\nERROR at Row:1:Column:32\nNo such column 'Edition__c' on entity 'Organization'.",
    },
  ],
};

describe('impact/org-facts', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("maps OrganizationType to the article's editions", () => {
    const cases: Array<[string | null, string | undefined]> = [
      ['Enterprise Edition', 'enterprise'],
      ['Unlimited Edition', 'unlimited'],
      ['Performance Edition', 'performance'],
      ['Developer Edition', 'developer'],
      ['Professional Edition', 'professional'],
      ['Team Edition', 'group'],
      ['Group Edition', 'group'],
      ['Personal Edition', 'contact-manager'],
      ['Contact Manager Edition', 'contact-manager'],
      ['Base Edition', undefined],
      [null, undefined],
    ];
    for (const [type, edition] of cases) assert.equal(editionFromOrganizationType(type), edition, String(type));
  });

  it("assumes the edition's defaults and enforcement on, and lists each assumption", () => {
    const pe = assumedFacts('Acme', 'Professional Edition', { ordinaryClient: true });
    assert.equal(pe.edition, 'professional');
    assert.equal(pe.orgApiEnabled, true, 'an ordinary client signed in: the API feature is on');
    assert.equal(pe.customizableProfiles, false);
    assert.equal(pe.enforcement, true);
    assert.equal(pe.source, 'assumed');
    assert.deepEqual(pe.assumptions, [
      'edition professional, from OrganizationType "Professional Edition"',
      'the org\'s "API Enabled" feature is on: an ordinary API client could sign in',
      '"Customizable Profiles" assumed off (the professional edition default)',
      'enforcement assumed on (Salesforce turned it on on September 10, 2014)',
    ]);
    const viaAllowlisted = assumedFacts('Acme', 'Team Edition', { ordinaryClient: false });
    assert.equal(viaAllowlisted.orgApiEnabled, false);
    const unknown = assumedFacts('Acme', 'Base Edition', { ordinaryClient: true });
    assert.equal(unknown.edition, 'enterprise');
    assert.match(unknown.assumptions[0], /^edition assumed enterprise: OrganizationType "Base Edition"/);
  });

  it('a real org answers INVALID_FIELD for the local fields: falls back to OrganizationType', async () => {
    server = await fakeServer((req) => {
      const q = new URL(`http://x${req.url}`).searchParams.get('q') ?? '';
      if (q.includes('Edition__c')) return invalidField;
      return {
        body: {
          totalSize: 1,
          done: true,
          records: [{ attributes: { type: 'Organization' }, Name: 'Real Co', OrganizationType: 'Enterprise Edition' }],
        },
      };
    });
    const f = await readOrgFacts(new Connection({ instanceUrl: server.url, accessToken: 'T' }), {
      ordinaryClient: true,
    });
    assert.equal(f.source, 'assumed');
    assert.equal(f.edition, 'enterprise');
    assert.equal(f.name, 'Real Co');
    assert.equal(f.enforcement, true);
    assert.equal(server.seen.length, 2);
  });

  it("reads the local org's fields when they are there", async () => {
    server = await fakeServer(() => ({
      body: {
        totalSize: 1,
        done: true,
        records: [
          {
            Name: 'Local',
            OrganizationType: 'Professional Edition',
            Edition__c: 'professional',
            ApiEnabledFeature__c: true,
            CustomizableProfilesFeature__c: true,
            EnforceApiEnabled__c: false,
          },
        ],
      },
    }));
    const f = await readOrgFacts(new Connection({ instanceUrl: server.url, accessToken: 'T' }), {
      ordinaryClient: true,
    });
    assert.deepEqual(f, {
      name: 'Local',
      organizationType: 'Professional Edition',
      edition: 'professional',
      orgApiEnabled: true,
      customizableProfiles: true,
      enforcement: false,
      source: 'org',
      assumptions: [],
    });
  });

  it('any other error is not taken for a real org', async () => {
    server = await fakeServer(() => ({
      status: 403,
      body: [{ errorCode: 'API_CURRENTLY_DISABLED', message: 'API is disabled for this User' }],
    }));
    await assert.rejects(
      readOrgFacts(new Connection({ instanceUrl: server.url, accessToken: 'T' }), { ordinaryClient: true }),
      { errorCode: 'API_CURRENTLY_DISABLED' },
    );
  });
});
