/**
 * Paging and links: the `Prefer` header (`odata.maxpagesize`, `outlook.timezone`), `$top`/`$skip` values, and
 * absolute `@odata.nextLink`/`@odata.deltaLink` built from the scheme, host and port the request came in on
 * (`{scheme}://host:port/v1.0/...`, no prefix before v1.0: the Graph JS client reads the segment after the
 * host as the API version, WIRE.md 0.2).
 */
import { FastifyRequest } from 'fastify';
import { BATCH_ORIGIN_HEADER, BATCH_ORIGIN_SECRET } from './batch-origin';
import { graphErrors } from './errors';

/** The preferences of a request's `Prefer` headers, by lower-case name (`odata.maxpagesize` → `2`). */
export function preferences(req: FastifyRequest): Map<string, string> {
  const raw = req.headers.prefer;
  const headers = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out = new Map<string, string>();
  for (const header of headers) {
    // Split on commas outside quotes: outlook.timezone="Pacific Standard Time", odata.maxpagesize=2
    for (const part of header.match(/(?:[^,"]+|"[^"]*")+/g) ?? []) {
      const m = /^\s*([^=\s;]+)\s*(?:=\s*("([^"]*)"|[^;\s]*))?/.exec(part);
      if (!m) continue;
      out.set(m[1].toLowerCase(), m[3] ?? m[2] ?? '');
    }
  }
  return out;
}

/** `odata.maxpagesize` when a client sent a usable one (Graph caps it at its own maximum). */
export function preferredPageSize(req: FastifyRequest, max: number): number | undefined {
  const v = preferences(req).get('odata.maxpagesize');
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) return undefined;
  return Math.min(n, max);
}

/** `https://localhost:8701`: where this request came in. */
export function origin(req: FastifyRequest): string {
  // A request run inside a $batch: where the batch came in (batch.ts).
  const batch = req.headers[BATCH_ORIGIN_HEADER];
  if (typeof batch === 'string' && batch.startsWith(`${BATCH_ORIGIN_SECRET} `))
    return batch.slice(BATCH_ORIGIN_SECRET.length + 1);
  const host =
    req.headers.host ??
    `${req.socket.localAddress?.includes(':') ? `[${req.socket.localAddress}]` : req.socket.localAddress}:${req.socket.localPort}`;
  return `${req.protocol}://${host}`;
}

/** An absolute Graph link: `{origin}/v1.0{path}?{query}`; `$`-options keep their `$` unescaped, as Graph writes them. */
export function graphLink(req: FastifyRequest, path: string, query: Array<[string, string]> = []): string {
  const qs = query
    .map(
      ([k, v]) =>
        `${k.startsWith('$') ? `$${encodeURIComponent(k.slice(1))}` : encodeURIComponent(k)}=${encodeURIComponent(v)}`,
    )
    .join('&');
  return `${origin(req)}/v1.0${path}${qs ? `?${qs}` : ''}`;
}

/** `@odata.context` for a metadata fragment (`$metadata#Collection(event)`). */
export function contextUrl(req: FastifyRequest, fragment: string): string {
  return `${origin(req)}/v1.0/$metadata#${fragment}`;
}

/** A non-negative whole-number query value, or Graph's 400. */
export function wholeNumber(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max)
    throw graphErrors.badRequest(
      `Invalid value '${value.slice(0, 40)}' for query option '${name}': use a whole number from ${min} to ${max}.`,
    );
  return n;
}
