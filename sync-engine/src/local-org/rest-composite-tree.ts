/**
 * sObject Tree, `POST /services/data/vXX.X/composite/tree/{Type}` (REST API Developer Guide, "sObject Tree"):
 * records of one root type, each `{attributes: {type, referenceId}, ...fields}`, with children under a child
 * relationship name (`"Contacts": {"records": [...]}`), up to 200 records in all and 5 levels. All or nothing:
 * 201 `{hasErrors: false, results: [{referenceId, id}]}` (parents before children, level by level), or 400
 * `{hasErrors: true, results: [{referenceId, errors: [{statusCode, message, fields}]}]}` for the records that failed,
 * and nothing written. A malformed body (unknown type or relationship, a repeated referenceId) is refused whole.
 */
import { FastifyInstance } from 'fastify';
import { OrgContext } from './context';
import { RecordError, SalesforceRestError, restErrors } from './errors';
import { FieldDef, SObjectDef } from './schema';
import { V, jsonBody, resource, sobjectParam } from './rest-common';
import { createRecords } from './dml';
import { childRelationship } from './describe';
import { sendJson } from './json-reply';

export const MAX_TREE_RECORDS = 200;
const MAX_DEPTH = 5;

interface TreeNode {
  obj: SObjectDef;
  referenceId: string;
  fields: Record<string, unknown>;
  /** The lookup this record sets to its parent's new id. */
  parentField?: FieldDef;
  parent?: TreeNode;
  depth: number;
  id?: string;
}

const bad = (code: string, message: string) => new SalesforceRestError(400, code, message);

/** The tree read into its nodes, breadth first, before anything is written. */
function readTree(root: SObjectDef, body: Record<string, unknown>): TreeNode[] {
  for (const key of Object.keys(body))
    if (key !== 'records') throw restErrors.jsonParser(`Unrecognized field "${key}": expected "records"`);
  const nodes: TreeNode[] = [];
  const seen = new Set<string>();
  const level = (
    list: unknown,
    obj: SObjectDef,
    at: string,
    depth: number,
    parent?: TreeNode,
    parentField?: FieldDef,
  ): void => {
    if (!Array.isArray(list)) throw restErrors.jsonParser(`${at}.records must be an array of sObjects`);
    if (depth > MAX_DEPTH) throw bad('INVALID_INPUT', `${at}: an sObject tree is at most ${MAX_DEPTH} levels deep`);
    list.forEach((raw: unknown, i) => {
      const here = `${at}.records[${i}]`;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
        throw restErrors.jsonParser(`${here} must be a JSON object (an sObject)`);
      const record = raw as Record<string, unknown>;
      const attributes = record.attributes as { type?: unknown; referenceId?: unknown } | undefined;
      const type = typeof attributes === 'object' && attributes !== null ? attributes.type : undefined;
      const referenceId = typeof attributes === 'object' && attributes !== null ? attributes.referenceId : undefined;
      if (typeof type !== 'string' || type.toLowerCase() !== obj.name.toLowerCase())
        throw bad('INVALID_TYPE', `${here}.attributes.type: ${obj.name} is required here, not ${String(type)}`);
      if (typeof referenceId !== 'string' || !/^[A-Za-z0-9_]{1,80}$/.test(referenceId))
        throw bad('INVALID_INPUT', `${here}.attributes.referenceId: letters, digits and underscores are required`);
      if (seen.has(referenceId))
        throw bad('INVALID_INPUT', `${here}.attributes.referenceId: "${referenceId}" is used twice`);
      seen.add(referenceId);
      const fields: Record<string, unknown> = {};
      const children: Array<[string, unknown]> = [];
      for (const [k, v] of Object.entries(record)) {
        if (k === 'attributes') continue;
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) children.push([k, v]);
        else fields[k] = v;
      }
      const node: TreeNode = { obj, referenceId, fields, parent, parentField, depth };
      nodes.push(node);
      for (const [name, value] of children) {
        const rel = childRelationship(obj, name);
        if (!rel) throw bad('INVALID_FIELD', `${here}.${name}: ${obj.name} has no child relationship named ${name}`);
        const inner = value as Record<string, unknown>;
        level(inner.records, rel.child, `${here}.${name}`, depth + 1, node, rel.field);
      }
      if (nodes.length > MAX_TREE_RECORDS)
        throw bad('INVALID_INPUT', `records: an sObject tree takes at most ${MAX_TREE_RECORDS} records`);
    });
  };
  level(body.records, root, 'records', 1);
  if (nodes.length === 0) throw bad('INVALID_INPUT', 'records: at least one record is required');
  return nodes.sort((a, b) => a.depth - b.depth);
}

class RollBack extends Error {}

/** Register `/composite/tree/{Type}`. */
export async function registerRestCompositeTree(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  resource(app, [`${V}/composite/tree/:type`], {
    POST: (req, reply, caller) => {
      const root = sobjectParam(req, ctx.schemaFor(caller));
      const nodes = readTree(root, jsonBody(req, 'SObjectTreeRequest'));
      const failures: Array<{ referenceId: string; errors: RecordError[] }> = [];
      try {
        ctx.store.transaction(() => {
          for (const node of nodes) {
            if (node.parent && node.parent.id === undefined) continue; // its parent failed
            const fields = node.parentField
              ? { ...node.fields, [node.parentField.name]: node.parent!.id }
              : node.fields;
            const [result] = createRecords(ctx, caller, [{ type: node.obj.name, fields }], true);
            if (result.success) node.id = result.id;
            else failures.push({ referenceId: node.referenceId, errors: result.errors });
          }
          if (failures.length) throw new RollBack();
        });
      } catch (err) {
        if (!(err instanceof RollBack)) throw err;
        return sendJson(reply, 400, { hasErrors: true, results: failures });
      }
      sendJson(reply, 201, {
        hasErrors: false,
        results: nodes.map((n) => ({ referenceId: n.referenceId, id: n.id })),
      });
    },
  });
}
