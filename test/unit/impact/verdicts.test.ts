import assert from 'node:assert/strict';
import { decideAccess, EDITIONS, Edition, LICENSES, orgApiEnabledFor } from '../../../sync-engine/src/access/rule';
import { PRODUCTS } from '../../../sync-engine/src/products/catalog';
import { OrgFacts } from '../../../sync-engine/src/impact/org-facts';
import { computeImpact, OrgSnapshot, ruleLicense, smallestFix } from '../../../sync-engine/src/impact/verdicts';

function facts(edition: Edition, o: Partial<OrgFacts> = {}): OrgFacts {
  return {
    name: 'Acme',
    organizationType: null,
    edition,
    orgApiEnabled: orgApiEnabledFor(edition, true),
    customizableProfiles: true,
    enforcement: true,
    source: 'org',
    assumptions: [],
    ...o,
  };
}

/** A small org: profiles by name, users as [username, profile, ...permission sets]. */
function snapshot(
  org: OrgFacts,
  o: {
    profiles?: Array<[string, string, boolean]>;
    sets?: Array<[string, boolean]>;
    users?: Array<[string, string, ...string[]]>;
    logins?: OrgSnapshot['logins'];
  } = {},
): OrgSnapshot {
  const profiles = (
    o.profiles ?? [
      ['Standard User', 'Salesforce', true],
      ['Sales Rep', 'Salesforce', false],
      ['Chatter Free User', 'Chatter Free', false],
    ]
  ).map(([name, license, apiEnabled]) => ({ id: `00e${name}`, name, license, apiEnabled }));
  const sets = (
    o.sets ?? [
      ['API_Access', true],
      ['Other', false],
    ]
  ).map(([name, apiEnabled]) => ({ id: `0PS${name}`, name, label: name, apiEnabled }));
  const users = (
    o.users ?? [
      ['ann@x.example', 'Standard User'],
      ['bob@x.example', 'Sales Rep'],
      ['cy@x.example', 'Sales Rep', 'API_Access'],
      ['dee@x.example', 'Chatter Free User'],
    ]
  ).map(([username, profile, ...setNames]) => ({
    id: `005${username}`,
    username,
    name: username.split('@')[0],
    profileId: `00e${profile}`,
    lastLogin: null,
    apiPermissionSetIds: setNames.map((n) => `0PS${n}`).filter((id) => sets.some((s) => s.id === id && s.apiEnabled)),
  }));
  return { org, profiles, permissionSets: sets, users, logins: o.logins ?? [], loginHistoryDays: 90 };
}

const verdict = (r: ReturnType<typeof computeImpact>, username: string, product = 'salesforce-for-outlook') =>
  r.users.find((u) => u.username === username)!.products[product as 'salesforce-for-outlook'];

describe('impact/verdicts', () => {
  it('enterprise: users without "API Enabled" are blocked from every API product, with the reason and the fix', () => {
    const r = computeImpact(snapshot(facts('enterprise')));
    assert.deepEqual(verdict(r, 'ann@x.example'), { outcome: 'allowed', reason: 'has "API Enabled"', fix: null });
    assert.deepEqual(verdict(r, 'cy@x.example'), { outcome: 'allowed', reason: 'has "API Enabled"', fix: null });
    assert.deepEqual(verdict(r, 'bob@x.example'), {
      outcome: 'blocked',
      reason: 'no "API Enabled" (enterprise edition enforces it)',
      fix: 'assign permission set API_Access',
    });
    assert.deepEqual(verdict(r, 'dee@x.example', 'salesforce-ios'), {
      outcome: 'blocked',
      reason: 'Chatter Free license without "API Enabled"',
      fix: 'assign permission set API_Access',
    });
    assert.deepEqual(r.users.find((u) => u.username === 'cy@x.example')!.apiEnabledBy, ['permission set API_Access']);
    assert.deepEqual(r.users.find((u) => u.username === 'ann@x.example')!.apiEnabledBy, ['profile']);
  });

  it('the mobile browser is always allowed: it does not use the API', () => {
    const r = computeImpact(snapshot(facts('enterprise')));
    for (const u of r.users) assert.equal(u.products['mobile-browser'].outcome, 'allowed');
    assert.match(verdict(r, 'bob@x.example', 'mobile-browser').reason, /does not use the API/);
  });

  it('agrees with decideAccess for every edition, feature setting, enforcement, license and source of "API Enabled"', () => {
    for (const edition of EDITIONS) {
      for (const apiFeature of [false, true]) {
        for (const customizable of [false, true]) {
          for (const enforcement of [false, true]) {
            const org = facts(edition, {
              orgApiEnabled: orgApiEnabledFor(edition, apiFeature),
              customizableProfiles: customizable,
              enforcement,
            });
            const profiles: Array<[string, string, boolean]> = LICENSES.flatMap(
              (l) =>
                [
                  [`${l} API`, l, true],
                  [`${l} none`, l, false],
                ] as Array<[string, string, boolean]>,
            );
            const users: Array<[string, string, ...string[]]> = LICENSES.flatMap(
              (l, i) =>
                [
                  [`p${i}@x.example`, `${l} API`],
                  [`s${i}@x.example`, `${l} none`, 'API_Access'],
                  [`n${i}@x.example`, `${l} none`],
                ] as Array<[string, string, ...string[]]>,
            );
            const r = computeImpact(snapshot(org, { profiles, users }));
            for (const u of r.users) {
              const kind = u.username[0];
              const expected = decideAccess({
                edition,
                orgApiEnabled: org.orgApiEnabled,
                customizableProfiles: customizable,
                enforcement,
                license: ruleLicense(u.license),
                userApiEnabled: kind !== 'n',
                allowlisted: true,
              });
              for (const p of PRODUCTS.filter((x) => x.kind !== 'browser')) {
                assert.equal(
                  u.products[p.id].outcome,
                  expected.allowed ? 'allowed' : 'blocked',
                  `${edition} ${apiFeature} ${customizable} ${enforcement} ${u.username} ${p.id}`,
                );
              }
            }
          }
        }
      }
    }
  });

  it('professional edition: the default setup works as before; both features on enforce, with a note on the org-wide alternative', () => {
    const byDefault = computeImpact(
      snapshot(facts('professional', { orgApiEnabled: false, customizableProfiles: false })),
    );
    assert.equal(verdict(byDefault, 'bob@x.example').outcome, 'allowed');
    assert.match(
      verdict(byDefault, 'bob@x.example').reason,
      /without both "API Enabled" and "Customizable Profiles" on/,
    );
    // The Chatter rows apply in every edition.
    assert.equal(verdict(byDefault, 'dee@x.example').outcome, 'blocked');

    const both = computeImpact(snapshot(facts('professional', { orgApiEnabled: true, customizableProfiles: true })));
    assert.equal(verdict(both, 'bob@x.example').outcome, 'blocked');
    assert.equal(verdict(both, 'bob@x.example').fix, 'assign permission set API_Access');
    const note = both.summary.notes.find((n) => n.includes('"Customizable Profiles"'));
    assert.ok(note, 'a note on turning an org feature off');
    assert.match(note, /changes the whole org \(all 4 active users/);
    assert.match(note, /change 1 user, so they are the smaller change/);
  });

  it('smallest fix: an existing set before a profile; a profile only when the user is alone on it; else a new set', () => {
    const withSet = snapshot(facts('enterprise'));
    assert.deepEqual(smallestFix(withSet, { name: 'Sales Rep' }, 5), {
      kind: 'assign-permission-set',
      permissionSet: 'API_Access',
      affects: 1,
    });

    const noSet = snapshot(facts('enterprise'), {
      sets: [['Other', false]],
      users: [
        ['ann@x.example', 'Standard User'],
        ['bob@x.example', 'Sales Rep'],
        ['bea@x.example', 'Sales Rep'],
        ['dee@x.example', 'Chatter Free User'],
      ],
    });
    const r = computeImpact(noSet);
    assert.equal(verdict(r, 'dee@x.example').fix, 'turn on API Enabled on profile Chatter Free User');
    assert.equal(verdict(r, 'bob@x.example').fix, 'create a permission set with API Enabled and assign it');
    assert.deepEqual(r.summary.fixes, [
      { fix: 'create a permission set with API Enabled and assign it', users: 2, affects: 2 },
      { fix: 'turn on API Enabled on profile Chatter Free User', users: 1, affects: 1 },
    ]);
  });

  it('a profile that cannot be customized (group edition without Customizable Profiles) is never the fix', () => {
    const r = computeImpact(
      snapshot(facts('group', { orgApiEnabled: false, customizableProfiles: false }), {
        sets: [],
        users: [['dee@x.example', 'Chatter Free User']],
      }),
    );
    assert.equal(verdict(r, 'dee@x.example').fix, 'create a permission set with API Enabled and assign it');
  });

  it('--enforcement: "what if" flips an org not yet enforced, and the org-as-is report says how many would be blocked', () => {
    const off = snapshot(facts('enterprise', { enforcement: false }));
    const asIs = computeImpact(off);
    assert.equal(asIs.summary.enforcement, 'off');
    assert.equal(asIs.summary.enforcementSource, 'org');
    assert.equal(asIs.summary.blockedUsers, 0);
    assert.equal(verdict(asIs, 'bob@x.example').reason, 'enforcement is off: allowlisted apps bypass "API Enabled"');
    assert.match(asIs.summary.notes[0], /^with enforcement on, 2 of 4 active users would be blocked/);

    const whatIf = computeImpact(off, { enforcement: true });
    assert.equal(whatIf.summary.enforcement, 'on');
    assert.equal(whatIf.summary.enforcementSource, 'what-if');
    assert.equal(whatIf.summary.blockedUsers, 2);
    assert.equal(verdict(whatIf, 'bob@x.example').outcome, 'blocked');
    assert.ok(!whatIf.summary.notes.some((n) => n.startsWith('with enforcement on')));
  });

  it('summary: counts per product and per reason over user and product pairs', () => {
    const r = computeImpact(snapshot(facts('enterprise')));
    assert.equal(r.summary.activeUsers, 4);
    assert.equal(r.summary.blockedUsers, 2);
    assert.deepEqual(r.summary.perProduct['salesforce-for-outlook'], { allowed: 2, blocked: 2 });
    assert.deepEqual(r.summary.perProduct['mobile-browser'], { allowed: 4, blocked: 0 });
    assert.equal(r.summary.perReason['has "API Enabled"'], 14);
    assert.equal(r.summary.perReason['no "API Enabled" (enterprise edition enforces it)'], 7);
    assert.equal(r.summary.perReason['Chatter Free license without "API Enabled"'], 7);
    assert.deepEqual(r.summary.fixes, [{ fix: 'assign permission set API_Access', users: 2, affects: 2 }]);
  });

  it("users come sorted by username; a license outside the rule's four counts as a full license", () => {
    const r = computeImpact(
      snapshot(facts('enterprise'), {
        profiles: [['Platform', 'Salesforce Platform', false]],
        users: [
          ['zed@x.example', 'Platform'],
          ['amy@x.example', 'Platform'],
        ],
      }),
    );
    assert.deepEqual(
      r.users.map((u) => u.username),
      ['amy@x.example', 'zed@x.example'],
    );
    assert.equal(r.users[0].license, 'Salesforce Platform');
    assert.equal(verdict(r, 'amy@x.example').reason, 'no "API Enabled" (enterprise edition enforces it)');
    assert.equal(ruleLicense('Chatter Plus'), 'Chatter Only');
    assert.equal(ruleLicense('Chatter External'), 'Chatter External');
  });

  it('last used: the newest login per product, matched by application name, with a note for a version the article does not cover', () => {
    const r = computeImpact(
      snapshot(facts('enterprise'), {
        logins: [
          {
            userId: '005ann@x.example',
            application: 'Salesforce for Outlook',
            clientVersion: '2.1.0',
            platform: 'Windows',
            status: 'Success',
            time: '2026-05-02T10:00:00.000+0000',
          },
          {
            userId: '005ann@x.example',
            application: 'Salesforce for Outlook',
            clientVersion: '2.0.0',
            platform: 'Windows',
            status: 'Success',
            time: '2026-04-01T10:00:00.000+0000',
          },
          {
            userId: '005ann@x.example',
            application: 'Salesforce for iOS',
            clientVersion: '11.1.0',
            platform: 'iPhone/iPad',
            status: 'Success',
            time: '2026-05-01T10:00:00.000+0000',
          },
          {
            userId: '005ann@x.example',
            application: 'Partner Product',
            clientVersion: null,
            platform: 'Unknown',
            status: 'Success',
            time: '2026-05-03T10:00:00.000+0000',
          },
        ],
      }),
    );
    const ann = r.users.find((u) => u.username === 'ann@x.example')!;
    assert.deepEqual(ann.products['salesforce-for-outlook'].lastUsed, {
      time: '2026-05-02T10:00:00.000+0000',
      clientVersion: '2.1.0',
      platform: 'Windows',
      status: 'Success',
      note: 'version 2.1.0 is below 2.3.0 (not supported: upgrade)',
    });
    assert.equal(ann.products['salesforce-ios'].lastUsed?.clientVersion, '11.1.0');
    assert.equal(ann.products['salesforce-ios'].lastUsed?.note, undefined);
    assert.equal(ann.products['connect-for-office'].lastUsed, undefined);
  });
});
