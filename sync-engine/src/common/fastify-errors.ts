/**
 * Fastify's own failures (a body too large, of another media type, empty, not JSON; any other 4xx) mapped into one
 * server's error vocabulary, so each server answers every failure in its own protocol's shape (the local org's REST
 * array, the local mailbox's Graph error, the service's `{"error"}`). A client's mistake never becomes a 500; only
 * what is none of these, a bug of ours, reaches `internal`.
 */
import { FastifyError, FastifyRequest } from 'fastify';

/** How one server says each failure. */
export interface ErrorVocabulary<E> {
  /** Whether an error is already the server's own (it passes through as it is). */
  own(err: unknown): err is E;
  bodyTooLarge(limit: number): E;
  unsupportedMediaType(contentType: string): E;
  /** No body where one is required. */
  emptyBody(): E;
  /** A body shorter than its Content-Length said; without an entry of its own, the 400 of `badRequest`. */
  incompleteBody?(): E;
  /** A body that is not JSON (for servers whose own parser does not already answer it). */
  badJson(message: string): E;
  /** Any other client error Fastify raises, with its status. */
  badRequest(status: number, message: string): E;
  /** A bug of ours: the server logs it and answers a 500 that shows no internals. */
  internal(err: Error, req: FastifyRequest): E;
}

export function mapFastifyError<E>(
  err: FastifyError | E,
  req: FastifyRequest,
  v: ErrorVocabulary<E>,
  o: { bodyLimit?: number } = {},
): E {
  if (v.own(err)) return err;
  const e = err as FastifyError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return v.bodyTooLarge(o.bodyLimit ?? Number(req.routeOptions.bodyLimit ?? 0));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return v.unsupportedMediaType(String(req.headers['content-type'] ?? ''));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return v.emptyBody();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      if (v.incompleteBody) return v.incompleteBody();
      break;
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return v.badJson(e.message);
  }
  // Fastify's own JSON parser marks its SyntaxError with a 400; a SyntaxError without one is a bug of ours (a stored
  // value that does not parse), not the client's body.
  if (e instanceof SyntaxError && e.statusCode === 400) return v.badJson(e.message);
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
    return v.badRequest(e.statusCode, e.message);
  return v.internal(e, req);
}
