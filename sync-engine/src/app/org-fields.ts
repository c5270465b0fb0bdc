/**
 * The org's fields for the sync, described at sign-in: Contact, Event and Task, each kept in the user's data dir
 * with the org's `Last-Modified` and asked again with `If-Modified-Since`, so an unchanged org answers 304 and a
 * field an admin created since (`org setup`) is seen at the next sign-in. What the plan leaves out is said in
 * every run's report (salesforce-fields.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '../salesforce/connection';
import { DescribeResult, describeOrHeld } from '../salesforce/sobjects';
import { SYNC_OBJECTS, SyncObject } from '../sync/objects';
import { SOBJECT_OF } from '../sync/mappers/salesforce-records';
import { DescribedField, FieldPlan, planFields } from '../sync/mappers/salesforce-fields';
import { privateFile } from '../common/private-files';

/** The cache file in the data dir. */
export const DESCRIBE_CACHE_FILE = 'org-describe.json';

interface CachedDescribe {
  lastModified: string | null;
  fields: DescribedField[];
}
/** By `instance user`, by object. */
type Cache = Record<string, Partial<Record<SyncObject, CachedDescribe>>>;

/** Describe the three objects (from the cache when the org says they did not change) and plan the fields. */
export async function describeOrgFields(
  connection: Connection,
  userId: string,
  dataDir: string,
): Promise<{ plan: FieldPlan; requests: number }> {
  const file = path.join(dataDir, DESCRIBE_CACHE_FILE);
  const cache = readCache(file);
  const key = `${connection.instanceUrl} ${userId}`;
  const mine = (cache[key] ??= {});
  const described = {} as Record<SyncObject, DescribedField[]>;
  let changed = false;
  for (const object of SYNC_OBJECTS) {
    const held = mine[object];
    const answer = await describeOrHeld(
      connection,
      SOBJECT_OF[object],
      held && { value: held.fields, lastModified: held.lastModified },
      describedFields,
    );
    described[object] = answer.value;
    if (!answer.changed) continue;
    mine[object] = { lastModified: answer.lastModified, fields: answer.value };
    changed = true;
  }
  if (changed) writeCache(file, { [key]: mine });
  return { plan: planFields(described), requests: SYNC_OBJECTS.length };
}

/** What the plan needs of a describe's fields. */
function describedFields(d: DescribeResult): DescribedField[] {
  return (d.fields ?? []).map((f): DescribedField => ({
    name: f.name,
    createable: f.createable === true,
    updateable: f.updateable === true,
    externalId: f.externalId === true,
    picklistValues: Array.isArray(f.picklistValues)
      ? (f.picklistValues as Array<{ value: string; active?: boolean }>).map((v) => ({
          value: v.value,
          active: v.active,
        }))
      : [],
  }));
}

function readCache(file: string): Cache {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Cache) : {};
  } catch {
    // Missing or unreadable: described again, nothing is lost.
    return {};
  }
}

function writeCache(file: string, cache: Cache): void {
  const tmp = `${file}.tmp`;
  privateFile(tmp);
  fs.writeFileSync(tmp, JSON.stringify(cache));
  fs.renameSync(tmp, file);
}
