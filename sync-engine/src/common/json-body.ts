/** A fastify JSON body parser whose parse failure is the server's own error (Salesforce's, Graph's, the service's). */
import { FastifyInstance } from 'fastify';
import { JsonShapeExcess, JsonShapeLimits, jsonShapeExcess } from './json-shape';

/** Limits on a body's JSON structure, and the server's error for a body past them. */
export interface JsonShapeCheck {
  limits: JsonShapeLimits;
  onExcess: (excess: NonNullable<JsonShapeExcess>) => Error;
}

/**
 * Parse `application/json` bodies; an empty body is undefined; a bad one becomes `onError(text, err)`. With
 * `shape`, a body with more objects, arrays or values than it allows is refused before JSON.parse runs.
 */
export function addJsonBodyParser(
  app: FastifyInstance,
  onError: (text: string, err: Error) => Error,
  shape?: JsonShapeCheck,
): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    const excess = shape ? jsonShapeExcess(text, shape.limits) : null;
    if (excess) return done(shape!.onExcess(excess), undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(onError(text, err as Error), undefined);
    }
  });
}
