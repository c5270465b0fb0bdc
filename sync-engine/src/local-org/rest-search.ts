/**
 * SOSL over REST: `GET /search?q=FIND {...} ...` and `parameterizedSearch` (GET with `q`, `sobject`, `<Object>.fields`,
 * `fields`, `in`, `overallLimit`, `defaultLimit`; POST with the same as JSON), both answering `{"searchRecords": [...]}`.
 * The REST gate has already checked the session and the access rule; the statement's length is checked before it is
 * parsed.
 */
import { FastifyInstance, FastifyRequest } from 'fastify';
import { OrgContext } from './context';
import { RestCaller } from './rest-auth';
import { V, jsonBody, queryParam, resource } from './rest-common';
import { sendJson } from './json-reply';
import { SalesforceRestError } from './errors';
import { Returning, SearchScope, SoslStatement, parseSosl } from './sosl/parse';
import { SearchContext, runSearch } from './sosl/search';
import { MAX_SOSL_CHARS, searchErrors } from './sosl/search-errors';

const SCOPES: Record<string, SearchScope> = {
  ALL: 'ALL',
  NAME: 'NAME',
  EMAIL: 'EMAIL',
  PHONE: 'PHONE',
  SIDEBAR: 'ALL',
};

const invalidArgument = (name: string, fix: string) =>
  new SalesforceRestError(400, 'INVALID_SEARCH', `${name}: ${fix}`, [name]);

function searchContext(ctx: OrgContext, caller: RestCaller): SearchContext {
  return {
    db: ctx.store.db,
    now: ctx.store.clock.now(),
    viewer: caller,
    apiVersion: caller.apiVersion,
    schema: ctx.schemaFor(caller),
  };
}

/** A parameterizedSearch's `q`: the text to find, as is (no braces). */
function termOf(q: unknown): string {
  if (typeof q !== 'string' || q.trim() === '')
    throw new SalesforceRestError(400, 'MISSING_ARGUMENT', 'q: required, the text to search for', ['q']);
  if (q.length > MAX_SOSL_CHARS) throw searchErrors.tooLong(q.length);
  return q;
}

function scopeOf(value: unknown): SearchScope {
  if (value === undefined) return 'ALL';
  const scope = typeof value === 'string' ? SCOPES[value.toUpperCase()] : undefined;
  if (!scope) throw invalidArgument('in', 'one of ALL, NAME, EMAIL, PHONE, SIDEBAR');
  return scope;
}

function limitOf(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw invalidArgument(name, 'a whole number from 1');
  return n;
}

function fieldList(name: string, value: unknown): string {
  if (value === undefined) return '';
  const list = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'string' && /^[A-Za-z][A-Za-z0-9_.]*$/.test(f.trim())))
    throw invalidArgument(name, 'a list of field names');
  return list.map((f: string) => f.trim()).join(', ');
}

/** `GET parameterizedSearch?q=...&sobject=Contact&Contact.fields=Id,Name&in=EMAIL&overallLimit=10`. */
function fromQueryString(req: FastifyRequest): SoslStatement {
  const params = req.query as Record<string, unknown>;
  const defaults = fieldList('fields', queryParam(req, 'fields'));
  const defaultLimit = limitOf('defaultLimit', queryParam(req, 'defaultLimit'));
  const objects = (queryParam(req, 'sobject') ?? '').split(',').filter((s) => s.trim() !== '');
  const returning: Returning[] = objects.map((object) => ({
    object: object.trim(),
    fields: fieldList(`${object}.fields`, queryParam(req, `${object}.fields`)) || defaults,
    where: '',
    orderBy: '',
    limit: limitOf(`${object}.limit`, queryParam(req, `${object}.limit`)) ?? defaultLimit,
  }));
  return {
    term: termOf(queryParam(req, 'q') ?? params.q),
    scope: scopeOf(queryParam(req, 'in')),
    returning,
    limit: limitOf('overallLimit', queryParam(req, 'overallLimit')),
  };
}

/** `POST parameterizedSearch` with `{q, fields, sobjects: [{name, fields, where, limit}], in, overallLimit, defaultLimit}`. */
function fromJson(body: Record<string, unknown>): SoslStatement {
  const defaults = fieldList('fields', body.fields);
  const defaultLimit = limitOf('defaultLimit', body.defaultLimit);
  const sobjects = body.sobjects ?? [];
  if (!Array.isArray(sobjects)) throw invalidArgument('sobjects', 'a list of {"name": "Contact", "fields": [...]}');
  const returning = sobjects.map((o: unknown, i): Returning => {
    const at = `sobjects[${i}]`;
    if (typeof o !== 'object' || o === null || typeof (o as { name?: unknown }).name !== 'string')
      throw invalidArgument(`${at}.name`, 'required, the object to search');
    const s = o as Record<string, unknown>;
    if (s.where !== undefined && typeof s.where !== 'string') throw invalidArgument(`${at}.where`, 'a SOQL condition');
    return {
      object: s.name as string,
      fields: fieldList(`${at}.fields`, s.fields) || defaults,
      where: (s.where as string | undefined) ?? '',
      orderBy: '',
      limit: limitOf(`${at}.limit`, s.limit) ?? defaultLimit,
    };
  });
  return {
    term: termOf(body.q),
    scope: scopeOf(body.in),
    returning,
    limit: limitOf('overallLimit', body.overallLimit),
  };
}

/** Register `search` and `parameterizedSearch`. */
/** `GET /search?q=` (also a composite subrequest): the SOSL statement's records. */
export function searchAnswer(ctx: OrgContext, caller: RestCaller, q: string | undefined): unknown {
  if (q === undefined || q.trim() === '') throw searchErrors.noTerm();
  return runSearch(parseSosl(q), searchContext(ctx, caller));
}

export async function registerRestSearch(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  resource(app, [`${V}/search`, `${V}/search/`], {
    GET: (req, reply, caller) => {
      sendJson(reply, 200, searchAnswer(ctx, caller, queryParam(req, 'q')));
    },
  });
  resource(app, [`${V}/parameterizedSearch`, `${V}/parameterizedSearch/`], {
    GET: (req, reply, caller) => sendJson(reply, 200, runSearch(fromQueryString(req), searchContext(ctx, caller))),
    POST: (req, reply, caller) =>
      sendJson(
        reply,
        200,
        runSearch(fromJson(jsonBody(req, 'ParameterizedSearchRequest')), searchContext(ctx, caller)),
      ),
  });
}
