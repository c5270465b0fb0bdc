/**
 * The local org's SQLite store: one table per sObject with one column per field, created from schema.ts.
 * Deletes are soft (IsDeleted = 1, as Salesforce's recycle bin), so queryAll and `deleted` can see them.
 * Every write to the data the access rule reads bumps `accessVersion`, which invalidates cached decisions.
 */
import Database from 'better-sqlite3';
import { OPPORTUNITY_STAGES, SOBJECTS, SObjectDef, FieldDef, findSObject } from './schema';
import { makeId } from './ids';
import { Clock, systemClock } from '../common/clock';
import { openPrivateDatabase } from '../common/private-files';
import { addMissingColumns } from './added-columns';
import {
  CUSTOM_FIELDS_META,
  CustomField,
  FEATURES_META,
  OrgFeatures,
  OrgSchema,
  SCHEMA_CHANGED_META,
  parseCustomFields,
} from './org-schema';

export type FieldValue = string | number | boolean | null;
export type Row = Record<string, FieldValue>;

/** sObjects whose changes can change an access decision. */
const ACCESS_OBJECTS = new Set([
  'Organization',
  'Profile',
  'PermissionSet',
  'PermissionSetAssignment',
  'User',
  'UserLicense',
  'FieldPermissions',
]);

/** sObjects whose changes can change which fields a user's describe lists (field-security.ts). */
const FIELD_ACCESS_OBJECTS = new Set(['FieldPermissions', 'PermissionSetAssignment']);
/** When field access last changed (ISO), for describe's Last-Modified. */
const FIELD_ACCESS_CHANGED_META = 'fieldAccessChangedAt';

export function tableName(obj: SObjectDef): string {
  return `sobj_${obj.name}`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function columnType(f: FieldDef): string {
  switch (f.type) {
    case 'boolean':
    case 'int':
      return 'INTEGER';
    case 'double':
    case 'currency':
    case 'percent':
      return 'REAL';
    default:
      return 'TEXT';
  }
}

/** Convert a stored SQLite value to the JSON value the API returns. */
export function fromColumn(f: FieldDef, v: unknown): FieldValue {
  if (v === null || v === undefined) return null;
  if (f.type === 'boolean') return v === 1 || v === true;
  return v as FieldValue;
}

/** Convert a JSON value to what SQLite stores. */
export function toColumn(f: FieldDef, v: FieldValue): string | number | null {
  if (v === null || v === undefined) return null;
  if (f.type === 'boolean') return v ? 1 : 0;
  return v as string | number;
}

/** Compiled statements an org keeps (see OrgStore.statement). */
const STATEMENTS_KEPT = 500;

export class OrgStore {
  readonly db: Database.Database;
  private version = 0;
  private readonly instance = 'Dx';
  private orgSchema: OrgSchema | null = null;
  /**
   * Prepared statements by their SQL, compiled once (a create prepared four, costing more than running them). SQLite
   * compiles a statement again by itself after the schema changed (a custom field's column added).
   */
  private readonly statements = new Map<string, Database.Statement>();
  /** One transaction wrapper for every call: better-sqlite3 builds a new one per `db.transaction`. */
  private readonly inTransaction: (fn: () => unknown) => unknown;

  constructor(
    file: string,
    readonly clock: Clock = systemClock,
  ) {
    this.db = file === ':memory:' ? new Database(file) : openPrivateDatabase(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = OFF');
    this.inTransaction = this.db.transaction((fn: () => unknown) => fn());
    this.createTables();
    const v = this.db.prepare(`SELECT value FROM meta WHERE key = 'accessVersion'`).get() as
      { value: string } | undefined;
    this.version = v ? Number(v.value) : 0;
  }

  /** Whether the org has been seeded (an Organization row exists). */
  isSeeded(): boolean {
    return !!this.db.prepare(`SELECT 1 FROM ${tableName(findSObject('Organization')!)} LIMIT 1`).get();
  }

  /** The objects and fields this org serves: the standard ones and the custom fields it has (org-schema.ts). */
  get schema(): OrgSchema {
    this.orgSchema ??= new OrgSchema(
      parseCustomFields(this.getMeta(CUSTOM_FIELDS_META)),
      JSON.parse(this.getMeta(FEATURES_META) ?? '{}') as OrgFeatures,
    );
    return this.orgSchema;
  }

  /** When the org's schema last changed (a stock seed, a custom field created), or null when it never did. */
  schemaChangedAt(): string | null {
    return this.getMeta(SCHEMA_CHANGED_META) ?? null;
  }

  /** When a describe may last have changed: the schema, or the field access of the users (ISO), or null. */
  describeChangedAt(): string | null {
    const times = [this.schemaChangedAt(), this.getMeta(FIELD_ACCESS_CHANGED_META) ?? null].filter(
      (t): t is string => t !== null,
    );
    return times.length ? times.sort()[times.length - 1] : null;
  }

  /** Turn on the org features that add objects (a seed's `organization.features.sharedActivities`). */
  setFeatures(features: OrgFeatures): void {
    this.setMeta(FEATURES_META, JSON.stringify(features));
    this.setMeta(SCHEMA_CHANGED_META, this.nowIso());
    this.orgSchema = null;
  }

  /** Set the org's custom fields (a seed, a field created), adding a column for a field the tables lack. */
  setCustomFields(fields: CustomField[]): void {
    for (const c of fields) {
      const obj = findSObject(c.object)!;
      const cols = this.db.prepare(`PRAGMA table_info(${tableName(obj)})`).all() as Array<{ name: string }>;
      if (!cols.some((col) => col.name.toLowerCase() === c.field.name.toLowerCase()))
        this.db.exec(`ALTER TABLE ${tableName(obj)} ADD COLUMN ${quoteIdent(c.field.name)} ${columnType(c.field)}`);
      if (c.field.externalId)
        this.db.exec(
          `CREATE INDEX IF NOT EXISTS ${tableName(obj)}_${c.field.name}_lower ON ${tableName(obj)} (lower(${quoteIdent(c.field.name)}))`,
        );
    }
    this.setMeta(CUSTOM_FIELDS_META, JSON.stringify(fields));
    this.setMeta(SCHEMA_CHANGED_META, this.nowIso());
    this.orgSchema = null;
  }

  /** A counter that changes whenever data the access rule reads changes. */
  get accessVersion(): number {
    return this.version;
  }

  private createTables(): void {
    this.db.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    for (const obj of SOBJECTS) {
      const cols = obj.fields.map(
        (f) => `${quoteIdent(f.name)} ${columnType(f)}${f.name === 'Id' ? ' PRIMARY KEY' : ''}`,
      );
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${tableName(obj)} (${cols.join(', ')})`);
      addMissingColumns(this.db, obj, tableName(obj), columnType);
      const names = new Set(obj.fields.map((f) => f.name));
      if (names.has('SystemModstamp')) {
        this.db.exec(`CREATE INDEX IF NOT EXISTS ${tableName(obj)}_modstamp ON ${tableName(obj)} ("SystemModstamp")`);
      }
      if (names.has('OwnerId')) {
        this.db.exec(
          `CREATE INDEX IF NOT EXISTS ${tableName(obj)}_owner ON ${tableName(obj)} ("OwnerId", "IsDeleted")`,
        );
      }
      for (const f of obj.fields) {
        if ((f.externalId || f.type === 'email') && f.name !== 'Id') {
          this.db.exec(
            `CREATE INDEX IF NOT EXISTS ${tableName(obj)}_${f.name} ON ${tableName(obj)} (${quoteIdent(f.name)})`,
          );
        }
        // Upserts match external ids case-insensitively, as Salesforce does: index that expression.
        if (f.externalId) {
          this.db.exec(
            `CREATE INDEX IF NOT EXISTS ${tableName(obj)}_${f.name}_lower ON ${tableName(obj)} (lower(${quoteIdent(f.name)}))`,
          );
        }
      }
    }
    this.db.exec(
      `CREATE INDEX IF NOT EXISTS psa_assignee ON ${tableName(findSObject('PermissionSetAssignment')!)} ("AssigneeId")`,
    );
  }

  /**
   * A prepared statement for this SQL, compiled on its first use. An insert names the fields a record was given, so
   * a client can make many shapes: past STATEMENTS_KEPT the oldest compiled is dropped.
   */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.statements.size >= STATEMENTS_KEPT) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Read a meta value. */
  getMeta(key: string): string | undefined {
    const r = this.statement(`SELECT value FROM meta WHERE key = ?`).get(key) as { value: string } | undefined;
    return r?.value;
  }

  setMeta(key: string, value: string): void {
    this.statement(
      `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    ).run(key, value);
  }

  /** A new id for an sObject, unique in this org. */
  newId(obj: SObjectDef): string {
    const key = `seq:${obj.keyPrefix}`;
    const next = Number(this.getMeta(key) ?? '0') + 1;
    this.setMeta(key, String(next));
    return makeId(obj.keyPrefix, this.instance, next);
  }

  /** A case's auto-number: eight digits from 00001001, in creation order, as a new org numbers them. */
  private nextCaseNumber(): string {
    const next = Number(this.getMeta('seq:CaseNumber') ?? '1000') + 1;
    this.setMeta('seq:CaseNumber', String(next));
    return String(next).padStart(8, '0');
  }

  nowIso(): string {
    return this.clock.now().toISOString();
  }

  /** Run fn in one SQLite transaction: all of it is written or none of it. */
  transaction<T>(fn: () => T): T {
    return this.inTransaction(fn) as T;
  }

  /** A record by id (deleted ones only when includeDeleted). */
  get(obj: SObjectDef, id: string, includeDeleted = false): Row | undefined {
    const raw = this.statement(`SELECT * FROM ${tableName(obj)} WHERE "Id" = ?`).get(id) as
      Record<string, unknown> | undefined;
    if (!raw) return undefined;
    const row = this.toRow(obj, raw);
    if (!includeDeleted && row.IsDeleted === true) return undefined;
    return row;
  }

  toRow(obj: SObjectDef, raw: Record<string, unknown>): Row {
    const row: Row = {};
    for (const f of obj.fields) row[f.name] = fromColumn(f, raw[f.name]);
    return row;
  }

  /** Insert a record whose values were already validated. Returns its id. */
  insert(obj: SObjectDef, values: Row, actorId: string | null): string {
    const now = this.nowIso();
    const id = (values.Id as string | undefined) ?? this.newId(obj);
    const row: Row = { ...defaults(obj), ...values, Id: id };
    const has = (n: string) => obj.fields.some((f) => f.name === n);
    if (has('CreatedDate')) {
      row.CreatedDate = row.CreatedDate ?? now;
      row.LastModifiedDate = now;
      row.SystemModstamp = now;
      row.CreatedById = actorId ?? row.CreatedById ?? id;
      row.LastModifiedById = actorId ?? row.LastModifiedById ?? id;
      row.IsDeleted = false;
    }
    if (has('OwnerId') && !row.OwnerId && actorId) row.OwnerId = actorId;
    if (has('CaseNumber') && !row.CaseNumber) row.CaseNumber = this.nextCaseNumber();
    computeDerived(obj, row, now);
    const fields = obj.fields.filter((f) => row[f.name] !== undefined);
    const sql = `INSERT INTO ${tableName(obj)} (${fields.map((f) => quoteIdent(f.name)).join(', ')}) VALUES (${fields.map(() => '?').join(', ')})`;
    this.statement(sql).run(...fields.map((f) => toColumn(f, row[f.name])));
    this.touched(obj);
    return id;
  }

  /** Update fields of an existing record whose values were already validated. */
  update(obj: SObjectDef, id: string, values: Row, actorId: string | null): void {
    const current = this.get(obj, id);
    if (!current) throw new Error(`no ${obj.name} ${id}`);
    const row: Row = { ...current, ...values };
    const has = (n: string) => obj.fields.some((f) => f.name === n);
    if (has('SystemModstamp')) {
      const now = this.nowIso();
      row.LastModifiedDate = now;
      row.SystemModstamp = now;
      if (actorId) row.LastModifiedById = actorId;
    }
    computeDerived(obj, row, this.nowIso());
    const fields = obj.fields.filter((f) => f.name !== 'Id');
    const sql = `UPDATE ${tableName(obj)} SET ${fields.map((f) => `${quoteIdent(f.name)} = ?`).join(', ')} WHERE "Id" = ?`;
    this.statement(sql).run(...fields.map((f) => toColumn(f, row[f.name])), id);
    this.touched(obj);
  }

  /** Delete a record: soft for objects with IsDeleted, hard otherwise. */
  delete(obj: SObjectDef, id: string, actorId: string | null): void {
    if (obj.fields.some((f) => f.name === 'IsDeleted')) {
      const now = this.nowIso();
      this.statement(
        `UPDATE ${tableName(obj)} SET "IsDeleted" = 1, "SystemModstamp" = ?, "LastModifiedDate" = ?, "LastModifiedById" = COALESCE(?, "LastModifiedById") WHERE "Id" = ?`,
      ).run(now, now, actorId, id);
    } else {
      this.statement(`DELETE FROM ${tableName(obj)} WHERE "Id" = ?`).run(id);
    }
    // An activity's relations (Shared Activities) go with it, as Salesforce cascades them.
    const relations = obj.name === 'Task' || obj.name === 'Event' ? findSObject(`${obj.name}Relation`) : undefined;
    if (relations) {
      this.db
        .prepare(
          `UPDATE ${tableName(relations)} SET "IsDeleted" = 1, "SystemModstamp" = ? WHERE ${quoteIdent(`${obj.name}Id`)} = ?`,
        )
        .run(this.nowIso(), id);
    }
    this.touched(obj);
  }

  private touched(obj: SObjectDef): void {
    if (FIELD_ACCESS_OBJECTS.has(obj.name)) this.setMeta(FIELD_ACCESS_CHANGED_META, this.nowIso());
    if (ACCESS_OBJECTS.has(obj.name)) {
      this.version += 1;
      this.setMeta('accessVersion', String(this.version));
    }
  }

  close(): void {
    this.db.close();
  }
}

function defaults(obj: SObjectDef): Row {
  const row: Row = {};
  for (const f of obj.fields) if (f.defaultValue !== undefined) row[f.name] = f.defaultValue;
  return row;
}

/**
 * Fields Salesforce computes: Name from first and last name; IsClosed from a task's or a case's Status (and a
 * case's ClosedDate when it closes); an opportunity's IsClosed, IsWon and forecast category from its stage, and
 * its probability from the stage when none was given.
 */
function computeDerived(obj: SObjectDef, row: Row, now: string): void {
  if (['Contact', 'User', 'Lead'].includes(obj.name) && 'LastName' in row) {
    row.Name = [row.FirstName, row.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ');
  }
  if (obj.name === 'Task') row.IsClosed = row.Status === 'Completed';
  if (obj.name === 'Case') {
    row.IsClosed = row.Status === 'Closed';
    row.ClosedDate = row.IsClosed ? (row.ClosedDate ?? now) : null;
  }
  if (obj.name === 'Opportunity') {
    const stage = OPPORTUNITY_STAGES.find((s) => s.name === row.StageName);
    row.IsClosed = stage?.closed ?? false;
    row.IsWon = stage?.won ?? false;
    row.ForecastCategoryName = stage?.forecast ?? 'Pipeline';
    if ((row.Probability === null || row.Probability === undefined) && stage) row.Probability = stage.probability;
  }
}
