/** Our own bugs, reported on stderr with the request's method and path: never its query string, which may carry tokens. */

/** How much of a path and of a stack trace the log keeps (a path can be kilobytes long). */
const LOGGED_PATH = 200;
const LOGGED_STACK = 2000;

/** The path of a request URL, without its query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Write `server: unexpected error on METHOD /path: stack` to stderr. */
export function logUnexpectedError(server: string, req: { method: string; url: string }, err: Error): void {
  const p = pathOf(req.url);
  const shown = p.length > LOGGED_PATH ? `${p.slice(0, LOGGED_PATH)}...` : p;
  process.stderr.write(
    `${server}: unexpected error on ${req.method} ${shown}: ${(err.stack ?? err.message).slice(0, LOGGED_STACK)}\n`,
  );
}
