/** Sending a JSON body the way Salesforce does: its content type, plus any headers the endpoint adds. */
import { FastifyReply } from 'fastify';

/** Salesforce's Content-Type for JSON bodies. */
export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

/** Send `body` as JSON with Salesforce's content type and then `headers` (e.g. no-store on credentials). */
export function sendJson(
  reply: FastifyReply,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): FastifyReply {
  reply.code(status).header('content-type', JSON_CONTENT_TYPE);
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  return reply.send(JSON.stringify(body));
}
