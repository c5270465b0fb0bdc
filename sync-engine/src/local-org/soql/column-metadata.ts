/**
 * `query?q=...&columns=true`: the columns of a query instead of its rows, as the Salesforce CLI's `data query` asks
 * for them to lay out its table. The shape is Salesforce's (undocumented; as sf's plugin-data and Jetstream read it):
 * `{columnMetadata: [...], entityName, groupBy, idSelected, keyPrefix}`, one entry per select item, a parent
 * relationship as one entry whose `joinColumns` are its selected fields (nested for grandparents).
 */
import { FieldDef } from '../schema';
import { QueryPlan } from './compile';
import { RenderNode } from './render';

export interface ColumnMetadata {
  aggregate: boolean;
  apexType: string | null;
  booleanType: boolean;
  columnName: string;
  custom: boolean;
  displayName: string;
  foreignKeyName: null;
  insertable: boolean;
  joinColumns: ColumnMetadata[];
  numberType: boolean;
  textType: boolean;
  updatable: boolean;
}

export interface QueryColumns {
  columnMetadata: ColumnMetadata[];
  entityName: string;
  groupBy: boolean;
  idSelected: boolean;
  keyPrefix: string;
}

/** Apex's name for a field's type (`Id` for ids and references, `String` for every text type). */
function apexType(f: FieldDef): string {
  switch (f.type) {
    case 'id':
    case 'reference':
      return 'Id';
    case 'boolean':
      return 'Boolean';
    case 'int':
      return 'Integer';
    case 'double':
    case 'percent':
      return 'Double';
    case 'currency':
      return 'Decimal';
    case 'date':
      return 'Date';
    case 'datetime':
      return 'Datetime';
    default:
      return 'String';
  }
}

function typeFlags(type: string | null): Pick<ColumnMetadata, 'booleanType' | 'numberType' | 'textType'> {
  return {
    booleanType: type === 'Boolean',
    numberType: type === 'Integer' || type === 'Double',
    textType: type === 'String',
  };
}

function column(
  name: string,
  display: string,
  type: string | null,
  extra: Partial<ColumnMetadata> = {},
): ColumnMetadata {
  return {
    aggregate: false,
    apexType: type,
    ...typeFlags(type),
    columnName: name,
    custom: name.endsWith('__c'),
    displayName: display,
    foreignKeyName: null,
    insertable: false,
    joinColumns: [],
    updatable: false,
    ...extra,
  };
}

function fieldColumn(f: FieldDef, prefix: string): ColumnMetadata {
  return column(f.name, `${prefix}${f.name}`, apexType(f), {
    insertable: f.createable && f.type !== 'id',
    updatable: f.updateable && f.type !== 'id',
  });
}

function nodeColumns(nodes: RenderNode[], prefix: string): ColumnMetadata[] {
  return nodes.map((n) =>
    n.kind === 'field'
      ? fieldColumn(n.field, prefix)
      : column(n.key, `${prefix}${n.key}`, null, { joinColumns: nodeColumns(n.children, `${prefix}${n.key}.`) }),
  );
}

/** The columns of a compiled query. */
export function queryColumns(plan: QueryPlan): QueryColumns {
  const obj = plan.kind === 'records' ? plan.shape.obj : plan.obj;
  const base = { entityName: obj.name, keyPrefix: obj.keyPrefix };
  switch (plan.kind) {
    case 'count':
      return { columnMetadata: [], ...base, groupBy: false, idSelected: false };
    case 'records':
      return {
        columnMetadata: nodeColumns(plan.shape.nodes, ''),
        ...base,
        groupBy: false,
        idSelected: plan.shape.nodes.some((n) => n.kind === 'field' && n.field.name === 'Id'),
      };
    case 'aggregate':
      return {
        columnMetadata: plan.columns.map((c) => {
          if (!c.aggregate)
            return c.field
              ? { ...fieldColumn(c.field, ''), columnName: c.key, displayName: c.key }
              : column(c.key, c.key, null);
          const type =
            c.aggregate.fn === 'COUNT' || c.aggregate.fn === 'COUNT_DISTINCT'
              ? 'Integer'
              : c.field
                ? apexType(c.field)
                : 'Double';
          return column(c.key, c.aggregate.text, type, { aggregate: true });
        }),
        ...base,
        groupBy: plan.grouped,
        idSelected: false,
      };
  }
}
