/**
 * Which records a user may see, one rule for every way in: a record read by id, a query's own object, the
 * objects of its semi-joins and anti-joins, and the parents its relationship paths join. A record of an object
 * with `privateTo` (schema.ts) is visible to the user its field names, and to users holding the permission
 * that sees everyone's; a parent the user may not see is joined as absent (its fields null).
 */
import { SObjectDef } from './schema';
import { Row, quoteIdent } from './store';

/** Who is reading, as far as record visibility goes. */
export interface Viewer {
  userId: string;
  /** Modify All Data or Manage Users: sees every owned record. */
  isAdmin: boolean;
  /** Manage Users: sees every user's login history. */
  manageUsers: boolean;
}

/** The field that must name the viewer for them to see a record of `obj`; undefined when they see all of them. */
export function ownRecordsField(obj: SObjectDef, viewer: Viewer): string | undefined {
  const rule = obj.privateTo;
  if (!rule) return undefined;
  const seesEveryone = rule.everyoneWith === 'admin' ? viewer.isAdmin : viewer.manageUsers;
  return seesEveryone ? undefined : rule.userField;
}

/** Whether the viewer may see this record. */
export function canSee(viewer: Viewer, obj: SObjectDef, row: Row): boolean {
  const field = ownRecordsField(obj, viewer);
  return field === undefined || row[field] === viewer.userId;
}

/**
 * SQL keeping the rows of `obj` (table alias `alias`) the viewer may see, or null when they see them all. The
 * viewer's id is the named parameter `@viewer` (see `viewerParams`), so the condition can sit in a JOIN or a
 * subquery without disturbing the order of a statement's positional parameters.
 */
export type VisibleRows = (obj: SObjectDef, alias: string) => string | null;

/** The `VisibleRows` of a viewer; without a viewer every row is visible (the seed loader, unit tests). */
export function visibleRowsOf(viewer: Viewer | undefined): VisibleRows {
  return (obj, alias) => {
    const field = viewer && ownRecordsField(obj, viewer);
    return field ? `${alias}.${quoteIdent(field)} = @viewer` : null;
  };
}

/** The named parameters SQL built by `visibleRowsOf(viewer)` reads. */
export function viewerParams(viewer: Viewer | undefined): Record<string, string> {
  return viewer ? { viewer: viewer.userId } : {};
}
