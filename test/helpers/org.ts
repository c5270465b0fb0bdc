/** Start throwaway local orgs for tests, over real HTTP on loopback. */
import fs from 'node:fs';
import path from 'node:path';
import { startLocalOrg, LocalOrg } from '../../sync-engine/src/local-org';
import { OrgSeed } from '../../sync-engine/src/local-org/seed';
import { OrgOptions } from '../../sync-engine/src/local-org/context';
import { Clock } from '../../sync-engine/src/common/clock';

const FIXTURE = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'org-seed.json');

/** The standard test seed (a fresh copy each call, so tests may change it). */
export function testSeed(): OrgSeed {
  return JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as OrgSeed;
}

/** A seeded in-memory org listening on a free loopback port. Close it in after(). */
/**
 * The password hash cost of the tests' throwaway orgs: far below the product's (Node's default, about 50 ms a hash),
 * since the suite starts hundreds of orgs and signs in thousands of times. The product's cost has its own tests.
 */
export const TEST_PASSWORD_COST = { N: 1024, r: 1, p: 1 };

export async function startTestOrg(
  seed: OrgSeed = testSeed(),
  options?: Partial<OrgOptions>,
  clock?: Clock,
): Promise<LocalOrg> {
  return startLocalOrg({
    seed,
    dataDir: ':memory:',
    port: 0,
    options: { passwordCost: TEST_PASSWORD_COST, ...options },
    clock,
  });
}

/** A session for a user without going through a login protocol (for tests of the data API itself). */
export function sessionFor(org: LocalOrg, username: string, clientId: string | null = null): string {
  const row = org.ctx.store.db
    .prepare(`SELECT "Id" FROM sobj_User WHERE lower("Username") = lower(?)`)
    .get(username) as { Id: string } | undefined;
  if (!row) throw new Error(`no user ${username}`);
  return org.ctx.sessions.createAccess(row.Id, clientId);
}

/** The user id for a username. */
export function userId(org: LocalOrg, username: string): string {
  const row = org.ctx.store.db
    .prepare(`SELECT "Id" FROM sobj_User WHERE lower("Username") = lower(?)`)
    .get(username) as { Id: string };
  return row.Id;
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current = new Date('2026-06-01T12:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
