/**
 * The org facts the rule needs (edition, the two org features, enforcement). The local org exposes them as
 * custom fields on Organization; a real Salesforce org has none of them, so there the edition comes from
 * OrganizationType and the rest is assumed (and the report says which facts were assumed).
 */
import { Edition, orgApiEnabledFor } from '../access/rule';
import { Connection } from '../salesforce/connection';
import { query } from '../salesforce/query';
import { SalesforceApiError } from '../salesforce/errors';

export interface OrgFacts {
  name: string;
  /** Salesforce's own OrganizationType ("Enterprise Edition", "Team Edition", ...). */
  organizationType: string | null;
  edition: Edition;
  orgApiEnabled: boolean;
  customizableProfiles: boolean;
  enforcement: boolean;
  /** 'org' when every fact was read; 'assumed' when any was inferred or assumed (listed in `assumptions`). */
  source: 'org' | 'assumed';
  assumptions: string[];
}

/** What the sign-in itself tells about the org. */
export interface SignInEvidence {
  /** The admin signed in through an ordinary (not allowlisted) client: the org's "API Enabled" feature is on. */
  ordinaryClient: boolean;
}

const LOCAL_FIELDS = 'Edition__c, ApiEnabledFeature__c, CustomizableProfilesFeature__c, EnforceApiEnabled__c';

interface OrganizationRow {
  Name?: string | null;
  OrganizationType?: string | null;
  Edition__c?: string | null;
  ApiEnabledFeature__c?: boolean | null;
  CustomizableProfilesFeature__c?: boolean | null;
  EnforceApiEnabled__c?: boolean | null;
}

/** Read the org facts: the local org's fields when the org has them, else OrganizationType and assumptions. */
export async function readOrgFacts(conn: Connection, evidence: SignInEvidence): Promise<OrgFacts> {
  let row: OrganizationRow | undefined;
  try {
    row = (await query<OrganizationRow>(conn, `SELECT Name, OrganizationType, ${LOCAL_FIELDS} FROM Organization`))
      .records[0];
  } catch (err) {
    // A real org answers INVALID_FIELD for the local org's custom fields: fall back to its standard ones.
    if (!(err instanceof SalesforceApiError && err.errorCode === 'INVALID_FIELD')) throw err;
    const standard = (await query<OrganizationRow>(conn, 'SELECT Name, OrganizationType FROM Organization')).records[0];
    return assumedFacts(standard?.Name ?? '', standard?.OrganizationType ?? null, evidence);
  }
  if (!row)
    throw new SalesforceApiError({
      errorCode: 'NOT_FOUND',
      kind: 'other',
      status: 200,
      message: 'the org returned no Organization record',
    });
  const edition = editionFromLocalField(row.Edition__c);
  if (!edition) return assumedFacts(row.Name ?? '', row.OrganizationType ?? null, evidence);
  return {
    name: row.Name ?? '',
    organizationType: row.OrganizationType ?? null,
    edition,
    orgApiEnabled: orgApiEnabledFor(edition, row.ApiEnabledFeature__c === true),
    customizableProfiles: row.CustomizableProfilesFeature__c === true,
    enforcement: row.EnforceApiEnabled__c !== false,
    source: 'org',
    assumptions: [],
  };
}

function editionFromLocalField(v: string | null | undefined): Edition | undefined {
  const known: readonly string[] = [
    'enterprise',
    'unlimited',
    'performance',
    'developer',
    'professional',
    'group',
    'contact-manager',
  ];
  return v && known.includes(v) ? (v as Edition) : undefined;
}

/** The edition for Salesforce's OrganizationType; undefined when it names none the article knows. */
export function editionFromOrganizationType(organizationType: string | null | undefined): Edition | undefined {
  const t = (organizationType ?? '').toLowerCase();
  if (t.includes('enterprise')) return 'enterprise';
  if (t.includes('unlimited')) return 'unlimited';
  if (t.includes('performance')) return 'performance';
  if (t.includes('developer')) return 'developer';
  if (t.includes('professional')) return 'professional';
  // Group Edition is "Team Edition" in OrganizationType; Contact Manager is "Personal Edition".
  if (t.includes('team') || t.includes('group')) return 'group';
  if (t.includes('personal') || t.includes('contact manager')) return 'contact-manager';
  return undefined;
}

/** The facts of an org that does not expose them: the edition's defaults, enforcement on. */
export function assumedFacts(name: string, organizationType: string | null, evidence: SignInEvidence): OrgFacts {
  const assumptions: string[] = [];
  let edition = editionFromOrganizationType(organizationType);
  if (edition) {
    assumptions.push(`edition ${edition}, from OrganizationType "${organizationType}"`);
  } else {
    // The strictest reading: an unknown edition is treated as one that enforces the rule.
    edition = 'enterprise';
    assumptions.push(
      `edition assumed enterprise: OrganizationType ${organizationType ? `"${organizationType}"` : '(empty)'} names no edition the article covers`,
    );
  }
  let orgApi = orgApiEnabledFor(edition, false);
  let customizable = false;
  if (edition === 'professional' || edition === 'group') {
    if (evidence.ordinaryClient) {
      orgApi = true;
      assumptions.push('the org\'s "API Enabled" feature is on: an ordinary API client could sign in');
    } else {
      assumptions.push(`the org's "API Enabled" feature assumed off (the ${edition} edition default)`);
    }
    assumptions.push(`"Customizable Profiles" assumed off (the ${edition} edition default)`);
  } else if (edition !== 'contact-manager') {
    customizable = true;
  }
  assumptions.push('enforcement assumed on (Salesforce turned it on on September 10, 2014)');
  return {
    name,
    organizationType,
    edition,
    orgApiEnabled: orgApi,
    customizableProfiles: customizable,
    enforcement: true,
    source: 'assumed',
    assumptions,
  };
}
