/**
 * Field paths (`Name`, `Profile.Name`, `Profile.UserLicense.Name`, `c.Name`) resolved against the schema, each
 * parent relationship becoming one LEFT JOIN that every path through it shares. A parent the reader may not see
 * is left out of its join, so its fields are null and filters on them match nothing.
 */
import { FieldDef, SObjectDef, findField, findRelationship } from '../schema';
import { OrgSchema, builtInCustomFields } from '../org-schema';
import { quoteIdent, tableName } from '../store';
import { VisibleRows } from '../visibility';
import { queryErrors } from './query-errors';
import { NAME_OBJECT, isPolymorphic, nameRowsSql } from './polymorphic';

/** Table aliases unique across a whole statement, subqueries included, and the org's schema it reads. */
export class Aliases {
  private n = 0;

  constructor(readonly schema: OrgSchema = FULL_SCHEMA) {}

  next(): string {
    return `t${this.n++}`;
  }
}

/** schema.ts with its custom fields: a statement compiled without an org's own. */
const FULL_SCHEMA = new OrgSchema(builtInCustomFields(), { sharedActivities: true });

export interface Join {
  /** Canonical relationship names from the scope's object, e.g. `['Profile', 'UserLicense']`. */
  path: string[];
  obj: SObjectDef;
  alias: string;
}

export interface ResolvedField {
  field: FieldDef;
  /** The object the field is on. */
  obj: SObjectDef;
  /** SQL for the column, e.g. `t1."Name"`. */
  column: string;
  /** The joins walked to reach it, outermost first; empty for the scope's own fields. */
  joins: Join[];
  /** Canonical dotted path, e.g. `Profile.Name`: how duplicates and GROUP BY are matched. */
  canonical: string;
}

export class Scope {
  readonly alias: string;
  private readonly joins = new Map<string, Join & { on: string; table: string }>();

  /** visible: the reader's visibility, applied to every parent joined; soqlAlias: the alias after FROM (`FROM Contact c`). */
  constructor(
    readonly obj: SObjectDef,
    private readonly aliases: Aliases,
    private readonly visible: VisibleRows,
    private readonly soqlAlias?: string,
  ) {
    this.alias = aliases.next();
  }

  /** The reader's visibility condition on the scope's own object, or null when they see all its records. */
  visibleSql(): string | null {
    return this.visible(this.obj, this.alias);
  }

  /** The column behind a SOQL field path, or INVALID_FIELD; `pointer` places the error. */
  resolve(path: string, pointer: () => string): ResolvedField {
    let parts = path.split('.');
    if (parts.length > 1 && this.isSelfPrefix(parts[0])) parts = parts.slice(1);
    let obj = this.obj;
    let alias = this.alias;
    const walked: Join[] = [];
    for (const name of parts.slice(0, -1)) {
      const ref = findRelationship(obj, name);
      const target = !ref?.referenceTo?.[0]
        ? undefined
        : isPolymorphic(ref)
          ? NAME_OBJECT
          : this.aliases.schema.find(ref.referenceTo[0]);
      if (!ref || !target) throw queryErrors.unknownRelationship(name, pointer());
      const chain = walked.length ? walked[walked.length - 1].path : [];
      const join = this.join([...chain, ref.relationshipName!], target, alias, ref);
      walked.push(join);
      obj = target;
      alias = join.alias;
    }
    const last = parts[parts.length - 1];
    const field = findField(obj, last);
    if (!field) throw queryErrors.noSuchColumn(last, obj.name, pointer());
    const canonical = [...(walked.length ? walked[walked.length - 1].path : []), field.name].join('.');
    return { field, obj, column: `${alias}.${quoteIdent(field.name)}`, joins: walked, canonical };
  }

  /**
   * A field of one target of a polymorphic relationship, for `TYPEOF What WHEN Opportunity THEN Amount`: the
   * target's own table joined on the reference (its visibility applied), so its own fields can be read.
   */
  resolveTyped(relationship: string, typeName: string, fieldName: string, pointer: () => string): ResolvedField {
    const ref = findRelationship(this.obj, relationship);
    if (!ref || !isPolymorphic(ref)) throw queryErrors.unknownRelationship(relationship, pointer());
    const target = this.aliases.schema.find(typeName);
    if (!target || !ref.referenceTo!.includes(target.name))
      throw queryErrors.malformed(`TYPEOF ${ref.relationshipName}: ${typeName} is not one of its types`, pointer());
    const join = this.join([`${ref.relationshipName}<${target.name}>`], target, this.alias, ref);
    const field = findField(target, fieldName);
    if (!field) throw queryErrors.noSuchColumn(fieldName, target.name, pointer());
    return {
      field,
      obj: target,
      column: `${join.alias}.${quoteIdent(field.name)}`,
      joins: [join],
      canonical: `${ref.relationshipName}<${target.name}>.${field.name}`,
    };
  }

  /** `sobj_X t0 LEFT JOIN sobj_Y t1 ON ...` for the FROM clause. */
  fromSql(): string {
    const parts = [`${tableName(this.obj)} ${this.alias}`];
    for (const j of this.joins.values()) parts.push(`LEFT JOIN ${j.table} ${j.alias} ON ${j.on}`);
    return parts.join(' ');
  }

  private polymorphicTargets(ref: FieldDef): SObjectDef[] {
    return (ref.referenceTo ?? [])
      .map((n) => this.aliases.schema.find(n))
      .filter((o): o is SObjectDef => o !== undefined);
  }

  /** `FROM Contact c ... c.Name` and `Contact.Name` both name the queried object itself. */
  private isSelfPrefix(first: string): boolean {
    const lower = first.toLowerCase();
    if (this.soqlAlias && lower === this.soqlAlias.toLowerCase()) return true;
    return lower === this.obj.name.toLowerCase() && !findRelationship(this.obj, first);
  }

  private join(path: string[], obj: SObjectDef, parentAlias: string, ref: FieldDef): Join {
    const key = path.join('.');
    let join = this.joins.get(key);
    if (!join) {
      const alias = this.aliases.next();
      // A polymorphic parent's rows are already limited to what the reader sees, target by target.
      const polymorphic = obj === NAME_OBJECT;
      const table = polymorphic ? nameRowsSql(this.polymorphicTargets(ref), alias, this.visible) : tableName(obj);
      const visible = polymorphic ? null : this.visible(obj, alias);
      join = {
        path,
        obj,
        alias,
        table,
        on: `${alias}."Id" = ${parentAlias}.${quoteIdent(ref.name)}${visible ? ` AND ${visible}` : ''}`,
      };
      this.joins.set(key, join);
    }
    return join;
  }
}

/** Text types compare and sort case-insensitively in SOQL. */
export function isText(field: FieldDef): boolean {
  return ['string', 'textarea', 'email', 'phone', 'url', 'picklist'].includes(field.type);
}

/** Long text areas can be neither filtered nor sorted. */
export function isLongText(field: FieldDef): boolean {
  return field.type === 'textarea' && (field.length ?? 0) > 255;
}
