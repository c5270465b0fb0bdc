/** Our own bugs, reported on stderr with the request's method and path: never its query string, which may carry tokens. */

/** The path of a request URL, without its query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Write `server: unexpected error on METHOD /path: stack` to stderr. */
export function logUnexpectedError(server: string, req: { method: string; url: string }, err: Error): void {
  process.stderr.write(`${server}: unexpected error on ${req.method} ${pathOf(req.url)}: ${err.stack ?? err.message}\n`);
}
