/** The plumbing every REST data resource shares: its url, its 405s, the caller, request parameters, single-record errors. */
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RestCaller } from './rest-auth';
import { SalesforceRestError, RecordError, restErrors } from './errors';
import { SObjectDef } from './schema';
import { OrgSchema } from './org-schema';

export const V = '/services/data/:version';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Handler = (req: FastifyRequest, reply: FastifyReply, caller: RestCaller) => unknown;
const METHODS: Method[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

/** Register a resource's handlers on its urls; any other method is Salesforce's 405. */
export function resource(app: FastifyInstance, urls: string[], handlers: Partial<Record<Method, Handler>>): void {
  const allowed = METHODS.filter((m) => handlers[m]);
  for (const url of urls) {
    for (const m of allowed) {
      app.route({
        method: m,
        url,
        handler: async (req, reply) => {
          await handlers[m]!(req, reply, callerOf(req));
          return reply;
        },
      });
    }
    const others: string[] = METHODS.filter((m) => !handlers[m]);
    app.route({
      method: handlers.GET ? others : [...others, 'HEAD'],
      url,
      handler: async (req) => {
        callerOf(req);
        throw notAllowed(req.method, allowed);
      },
    });
  }
}

/** Salesforce's 405, listing HEAD wherever GET is allowed. */
export function notAllowed(method: string, allowed: string[]): SalesforceRestError {
  return restErrors.methodNotAllowed(method, [...(allowed.includes('GET') ? ['HEAD'] : []), ...allowed]);
}

/** The authenticated caller; the gate sets it for every well-formed `/services/data/vNN.0/` url. */
export function callerOf(req: FastifyRequest): RestCaller {
  if (!req.caller) throw restErrors.notFound();
  return req.caller;
}

/** The sObject named in the url, or 404 as Salesforce answers a misspelled object name. */
export function sobjectParam(req: FastifyRequest, schema: OrgSchema): SObjectDef {
  const obj = schema.find((req.params as { type: string }).type);
  if (!obj) throw restErrors.notFound();
  return obj;
}

/** The JSON object a write sends; anything else is refused as Salesforce's deserializer refuses it. */
export function jsonBody(req: FastifyRequest, what: string): Record<string, unknown> {
  const type = String(req.headers['content-type'] ?? '');
  if (req.body !== undefined && !/^application\/json(;|$)/i.test(type)) throw restErrors.unsupportedMediaType(type);
  const body = req.body;
  if (body === undefined)
    throw restErrors.jsonParser('The HTTP entity body is required, but this request has no entity body.');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const token = Array.isArray(body)
      ? 'START_ARRAY'
      : body === null
        ? 'VALUE_NULL'
        : typeof body === 'string'
          ? 'VALUE_STRING'
          : typeof body === 'boolean'
            ? body
              ? 'VALUE_TRUE'
              : 'VALUE_FALSE'
            : 'VALUE_NUMBER_INT';
    throw restErrors.jsonParser(
      `Cannot deserialize instance of ${what} from ${token} or request may be missing a required field`,
    );
  }
  return body as Record<string, unknown>;
}

/** A query parameter as one string (repeated parameters are joined with commas, as lists are). */
export function queryParam(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (Array.isArray(v)) return v.join(',');
  return typeof v === 'string' ? v : undefined;
}

/** Per-record errors of a single-record call, sent as Salesforce's error array (`errorCode`, not `statusCode`). */
export class RecordFailure extends SalesforceRestError {
  constructor(readonly errors: RecordError[]) {
    super(statusFor(errors[0].statusCode), errors[0].statusCode, errors[0].message, errors[0].fields);
  }

  override toBody(): Array<{ message: string; errorCode: string; fields?: string[] }> {
    return this.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields }));
  }
}

function statusFor(code: string): number {
  if (code === 'INSUFFICIENT_ACCESS_OR_READONLY') return 403;
  if (code === 'ENTITY_IS_DELETED' || code === 'NOT_FOUND') return 404;
  return 400;
}
