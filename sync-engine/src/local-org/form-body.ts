/** `application/x-www-form-urlencoded` bodies (OAuth requests, login forms), their parameters counted before parsing. */
import querystring from 'node:querystring';
import { FastifyInstance } from 'fastify';
import { MAX_FORM_PARAMETERS, hasMoreThan } from './request-limits';

/** A form the org will not read; each route's error handler words it in its own protocol. */
export class UnreadableForm extends Error {
  readonly statusCode = 400;

  constructor(message: string) {
    super(message);
    this.name = 'UnreadableForm';
  }
}

/** Parse forms into an object of strings (a repeated parameter becomes an array, as OAuth's checks expect). */
export function addFormBodyParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (hasMoreThan(text, '&', MAX_FORM_PARAMETERS - 1)) {
      return done(new UnreadableForm(`the form has more than ${MAX_FORM_PARAMETERS} parameters`), undefined);
    }
    done(null, { ...querystring.parse(text, '&', '=', { maxKeys: MAX_FORM_PARAMETERS }) });
  });
}
