/**
 * Query rows as Salesforce renders them: `attributes {type, url}` first, then the selected fields in select
 * order, parents as nested records (or `null` when the reference is empty, WIRE.md 3.5), values in their
 * wire form (booleans true/false, datetimes `...+0000`).
 */
import { FieldDef, SObjectDef, sobjectForId } from '../schema';
import { toSalesforceDateTime } from '../../common/clock';

export type RenderNode =
  | { kind: 'field'; key: string; column: number; field: FieldDef }
  | {
      kind: 'parent';
      key: string;
      obj: SObjectDef;
      idColumn: number;
      children: RenderNode[];
      /**
       * TYPEOF: the fields to render for each type the parent may be (by object name), the record typed as its
       * own object; `children` are the ELSE fields (empty without ELSE).
       */
      byType?: Map<string, RenderNode[]>;
    };

export interface RecordShape {
  obj: SObjectDef;
  /** Column 0 of every row is the record's Id. */
  nodes: RenderNode[];
}

/** An aggregate column: a grouped field (rendered by its type) or an aggregate (`expr0`, a number). */
export interface AggregateColumn {
  key: string;
  field?: FieldDef;
  /** An aggregate's function (`COUNT`) and its text as written (`COUNT(Id)`); absent for a grouped field. */
  aggregate?: { fn: string; text: string };
}

export type JsonRecord = Record<string, unknown>;

/** A stored value in its wire form. */
export function wireValue(field: FieldDef | undefined, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (!field) return v;
  switch (field.type) {
    case 'boolean':
      return v === 1 || v === true;
    case 'datetime':
      return typeof v === 'string' ? toSalesforceDateTime(v) : v;
    default:
      return v;
  }
}

/** A polymorphic parent is typed `Name`, but its url names the record's own object, as Salesforce's does. */
function attributes(obj: SObjectDef, id: unknown, apiVersion: string): { type: string; url: string } {
  const urlType = obj.name === 'Name' ? (sobjectForId(String(id))?.name ?? obj.name) : obj.name;
  return { type: obj.name, url: `/services/data/v${apiVersion}/sobjects/${urlType}/${id}` };
}

function renderNodes(out: JsonRecord, nodes: RenderNode[], row: unknown[], apiVersion: string): JsonRecord {
  for (const n of nodes) {
    if (n.kind === 'field') {
      out[n.key] = wireValue(n.field, row[n.column]);
    } else {
      const id = row[n.idColumn];
      if (id === null || id === undefined) out[n.key] = null;
      else if (n.byType) {
        const own = sobjectForId(String(id)) ?? n.obj;
        const children = n.byType.get(own.name) ?? n.children;
        out[n.key] = renderNodes({ attributes: attributes(own, id, apiVersion) }, children, row, apiVersion);
      } else out[n.key] = renderNodes({ attributes: attributes(n.obj, id, apiVersion) }, n.children, row, apiVersion);
    }
  }
  return out;
}

/** One row of a records query (raw column array) as a Salesforce record. */
export function renderRow(shape: RecordShape, row: unknown[], apiVersion: string): JsonRecord {
  return renderNodes({ attributes: attributes(shape.obj, row[0], apiVersion) }, shape.nodes, row, apiVersion);
}

/** One row of an aggregate query. */
export function renderAggregate(columns: AggregateColumn[], row: unknown[]): JsonRecord {
  const out: JsonRecord = { attributes: { type: 'AggregateResult' } };
  columns.forEach((c, i) => {
    out[c.key] = wireValue(c.field, row[i]);
  });
  return out;
}
