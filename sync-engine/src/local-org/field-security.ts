/**
 * Field-level security for secured fields: the custom fields an admin creates through the Tooling API, which on a
 * real org nobody can read or write until a permission set or profile grants them (FieldPermissions). A user reads
 * such a field when a permission set they hold (assigned to them, or their profile's own) has `PermissionsRead`,
 * and writes it with `PermissionsEdit`. Requests resolve objects through the caller's view (`schemaFor`), so a field
 * the user cannot read is `INVALID_FIELD` in SOQL and writes and absent from describe, as on a real org, and one
 * they can only read is described as neither createable nor updateable.
 */
import { OrgStore } from './store';
import { CustomField, OrgSchema } from './org-schema';

interface Grant {
  read: boolean;
  edit: boolean;
}

export class FieldSecurity {
  private readonly views = new Map<string, { base: OrgSchema; accessVersion: number; schema: OrgSchema }>();

  constructor(private readonly store: OrgStore) {}

  /** The objects and fields this user may use: the org's schema without the secured fields not granted to them. */
  schemaFor(userId: string): OrgSchema {
    const base = this.store.schema;
    if (!base.customFields.some((c) => c.field.secured)) return base;
    const cached = this.views.get(userId);
    if (cached && cached.base === base && cached.accessVersion === this.store.accessVersion) return cached.schema;
    const grants = this.grants(userId);
    const fields = base.customFields.flatMap((c): CustomField[] => {
      if (!c.field.secured) return [c];
      const grant = grants.get(`${c.object}.${c.field.name}`.toLowerCase());
      if (!grant?.read) return [];
      return grant.edit ? [c] : [{ object: c.object, field: { ...c.field, createable: false, updateable: false } }];
    });
    const schema = new OrgSchema(fields, base.features);
    this.views.set(userId, { base, accessVersion: this.store.accessVersion, schema });
    return schema;
  }

  /** The user's field permissions, by lower-cased `Object.Field`: the union over the permission sets they hold. */
  private grants(userId: string): Map<string, Grant> {
    const rows = this.store.db
      .prepare(
        `SELECT lower(fp."Field") AS field, MAX(fp."PermissionsRead") AS read, MAX(fp."PermissionsEdit") AS edit
           FROM sobj_FieldPermissions fp
          WHERE fp."IsDeleted" = 0 AND fp."ParentId" IN (
                SELECT a."PermissionSetId" FROM sobj_PermissionSetAssignment a
                 WHERE a."AssigneeId" = ? AND a."IsDeleted" = 0
                UNION
                SELECT ps."Id" FROM sobj_PermissionSet ps JOIN sobj_User u ON u."ProfileId" = ps."ProfileId"
                 WHERE u."Id" = ? AND ps."IsDeleted" = 0)
          GROUP BY lower(fp."Field")`,
      )
      .all(userId, userId) as Array<{ field: string; read: number; edit: number }>;
    return new Map(rows.map((r) => [r.field, { read: r.read === 1 || r.edit === 1, edit: r.edit === 1 }]));
  }
}
