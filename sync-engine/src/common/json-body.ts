/** A fastify JSON body parser whose parse failure is the server's own error (Salesforce's, Graph's, the service's). */
import { FastifyInstance } from 'fastify';

/** Parse `application/json` bodies; an empty body is undefined; a bad one becomes `onError(text, err)`. */
export function addJsonBodyParser(app: FastifyInstance, onError: (text: string, err: Error) => Error): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(onError(text, err as Error), undefined);
    }
  });
}
