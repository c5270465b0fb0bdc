/**
 * The user's sync settings as the pane shows them: per object (contacts, events, tasks) the direction and who
 * wins a conflict. Kept per user in the service's database; a change is checked with one message per problem.
 */
import Database from 'better-sqlite3';
import { DIRECTIONS, Direction, SYNC_OBJECTS, SyncObject } from '../sync/objects';
import { SyncSettings } from './contract';
import { SYNC_DEFAULTS } from '../app/config';
import { serviceErrors } from './errors';

export type { SyncSettings } from './contract';

/** Salesforce for Outlook's default data sets: everything both ways, Salesforce wins a conflict. */
export function defaultSettings(): SyncSettings {
  return {
    contacts: { ...SYNC_DEFAULTS.object },
    events: { ...SYNC_DEFAULTS.object },
    tasks: { ...SYNC_DEFAULTS.object },
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Apply a `PUT /api/settings` body `{objects: {contacts: {direction, winner}, ...}}` to the current settings.
 * Objects and keys left out keep their values. Throws a 400 naming every wrong key.
 */
export function applySettingsChange(current: SyncSettings, body: unknown): SyncSettings {
  const problems: Array<{ field: string; message: string }> = [];
  const next: SyncSettings = {
    contacts: { ...current.contacts },
    events: { ...current.events },
    tasks: { ...current.tasks },
  };
  if (!isObj(body)) {
    problems.push({
      field: 'objects',
      message: 'the body must be a JSON object {"objects": {"contacts": {"direction", "winner"}, ...}}',
    });
  } else {
    for (const k of Object.keys(body))
      if (k !== 'objects') problems.push({ field: k, message: 'unknown setting (the settings are under "objects")' });
    const objects = body.objects;
    if (objects === undefined)
      problems.push({ field: 'objects', message: 'required: an object with contacts, events and/or tasks' });
    else if (!isObj(objects))
      problems.push({ field: 'objects', message: 'must be an object with contacts, events and/or tasks' });
    else {
      for (const name of Object.keys(objects)) {
        if (!SYNC_OBJECTS.includes(name as SyncObject)) {
          problems.push({ field: `objects.${name}`, message: `unknown object (use ${SYNC_OBJECTS.join(', ')})` });
          continue;
        }
        const o = objects[name];
        const at = `objects.${name}`;
        if (!isObj(o)) {
          problems.push({ field: at, message: 'must be an object {"direction", "winner"}' });
          continue;
        }
        for (const k of Object.keys(o))
          if (k !== 'direction' && k !== 'winner')
            problems.push({ field: `${at}.${k}`, message: 'unknown key (use direction and winner)' });
        if (o.direction !== undefined) {
          if (!DIRECTIONS.includes(o.direction as Direction))
            problems.push({
              field: `${at}.direction`,
              message: `must be one of ${DIRECTIONS.join(', ')} (got ${JSON.stringify(o.direction)})`,
            });
          else next[name as SyncObject].direction = o.direction as Direction;
        }
        if (o.winner !== undefined) {
          if (o.winner !== 'salesforce' && o.winner !== 'outlook')
            problems.push({
              field: `${at}.winner`,
              message: `must be salesforce or outlook (got ${JSON.stringify(o.winner)})`,
            });
          else next[name as SyncObject].winner = o.winner;
        }
      }
    }
  }
  if (problems.length) {
    throw serviceErrors.invalidSettings(problems);
  }
  return next;
}

export class SettingsStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS sync_settings (user_key TEXT PRIMARY KEY, objects TEXT NOT NULL)`);
  }

  get(userKey: string): SyncSettings {
    const row = this.db.prepare(`SELECT objects FROM sync_settings WHERE user_key = ?`).get(userKey) as
      { objects: string } | undefined;
    return row ? { ...defaultSettings(), ...(JSON.parse(row.objects) as Partial<SyncSettings>) } : defaultSettings();
  }

  put(userKey: string, settings: SyncSettings): void {
    this.db
      .prepare(
        `INSERT INTO sync_settings (user_key, objects) VALUES (?, ?) ON CONFLICT (user_key) DO UPDATE SET objects = excluded.objects`,
      )
      .run(userKey, JSON.stringify(settings));
  }
}
