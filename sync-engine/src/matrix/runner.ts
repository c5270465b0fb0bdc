/**
 * Runs the scenario table end to end: for each scenario a throwaway local org seeded as it says, and a
 * real login of every product over HTTP. Nothing is looked up: each outcome is what the org answered,
 * mapped by the product.
 */
import { startLocalOrg, LocalOrg } from '../local-org';
import { PRODUCTS, Product, ProductId, findProduct } from '../products/catalog';
import { signIn, LoginOptions } from '../sign-in/login-flow';
import { ProductSession } from '../sign-in/product-session';
import { LoginResult } from '../products/outcome';
import { sessionOutcome, SessionResult } from '../products/session-outcome';
import { SalesforceApiError } from '../salesforce/errors';
import { Scenario, SCENARIOS } from './scenarios';
import {
  scenarioSeed,
  MATRIX_ADMIN,
  MATRIX_USER,
  MATRIX_PROFILE,
  API_PERMISSION_SET,
  ORDINARY_CLIENT_ID,
} from './seed';
import { adminConnection, removeApiFromProfile, unassignPermissionSet } from './admin';

export interface MatrixRow {
  scenario: string;
  row: string;
  source: Scenario['source'];
  product: ProductId;
  version: string;
  client: 'allowlisted' | 'ordinary' | 'none';
  /** `login`: what the login showed; `session`: the next call after API Enabled was removed mid-session. */
  phase: 'login' | 'session';
  outcome: string;
  message: string | null;
  errorCode: string | null;
  notice?: string;
  settings?: string;
}

/** Start a scenario's org; injectable so tests can reuse the runner with their own org start. */
export type OrgStarter = (s: Scenario) => Promise<LocalOrg>;

const startScenarioOrg: OrgStarter = (s) => startLocalOrg({ seed: scenarioSeed(s), dataDir: ':memory:', port: 0 });

/** Every scenario, one after the other. */
export async function runMatrix(
  scenarios: readonly Scenario[] = SCENARIOS,
  start: OrgStarter = startScenarioOrg,
): Promise<MatrixRow[]> {
  const rows: MatrixRow[] = [];
  for (const s of scenarios) rows.push(...(await runScenario(s, start)));
  return rows;
}

/** One scenario: its org, its logins (and, mid-session, the admin's change and each product's next call). */
export async function runScenario(s: Scenario, start: OrgStarter = startScenarioOrg): Promise<MatrixRow[]> {
  const org = await start(s);
  try {
    const products = (s.products ?? PRODUCTS.map((p) => p.id)).map((id) => findProduct(id)!);
    return s.midSession ? await midSession(s, products, org.url) : await loginsOnly(s, products, org.url);
  } finally {
    await org.close();
  }
}

function loginOptions(s: Scenario, p: Product, loginUrl: string): LoginOptions {
  const ordinary = s.client === 'ordinary' && p.kind !== 'browser';
  return { ...MATRIX_USER, loginUrl, version: s.versions?.[p.id], clientId: ordinary ? ORDINARY_CLIENT_ID : undefined };
}

async function loginsOnly(s: Scenario, products: Product[], loginUrl: string): Promise<MatrixRow[]> {
  const rows: MatrixRow[] = [];
  for (const p of products) rows.push(row(s, p, 'login', (await signIn(p, loginOptions(s, p, loginUrl))).result));
  return rows;
}

async function midSession(s: Scenario, products: Product[], loginUrl: string): Promise<MatrixRow[]> {
  const rows: MatrixRow[] = [];
  const live: Array<{ product: Product; version: string; session: ProductSession }> = [];
  for (const p of products) {
    const { result, session } = await signIn(p, loginOptions(s, p, loginUrl));
    if (session) live.push({ product: p, version: result.version, session });
    else rows.push(row(s, p, 'login', result));
  }
  const admin = await adminConnection(loginUrl, MATRIX_ADMIN.username, MATRIX_ADMIN.password);
  if (s.user.apiEnabled === 'permission-set')
    await unassignPermissionSet(admin, MATRIX_USER.username, API_PERMISSION_SET);
  else await removeApiFromProfile(admin, MATRIX_PROFILE);
  for (const { product, version, session } of live) {
    let failure: SalesforceApiError | null = null;
    try {
      await session.nextCall();
    } catch (err) {
      if (!(err instanceof SalesforceApiError)) throw err;
      failure = err;
    }
    rows.push(row(s, product, 'session', sessionOutcome(product, version, failure, { action: s.midSession!.action })));
  }
  return rows.sort(
    (a, b) => products.findIndex((p) => p.id === a.product) - products.findIndex((p) => p.id === b.product),
  );
}

function row(s: Scenario, p: Product, phase: MatrixRow['phase'], r: LoginResult | SessionResult): MatrixRow {
  const out: MatrixRow = {
    scenario: s.id,
    row: s.row,
    source: s.source,
    product: p.id,
    version: r.version,
    client: p.kind === 'browser' ? 'none' : (s.client ?? 'allowlisted'),
    phase,
    outcome: r.outcome,
    message: r.message,
    errorCode: r.errorCode,
  };
  if (r.notice) out.notice = r.notice;
  if ('settings' in r && r.settings) out.settings = r.settings;
  return out;
}
