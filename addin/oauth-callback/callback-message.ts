/**
 * The message the OAuth callback page sends the pane: the org's answer from the redirect's query (a code, or an
 * error), with the state it came back with. Sent as JSON (Office's `messageParent` takes text); checked by the pane.
 */

export type OAuthCallback =
  { state: string; code: string } | { state: string; error: string; errorDescription: string };

/** The callback's query (`?code=&state=` or `?error=&error_description=&state=`) as the message; the pane judges it. */
export function callbackOf(query: URLSearchParams): OAuthCallback {
  const state = query.get('state') ?? '';
  const code = query.get('code');
  if (code) return { state, code };
  return { state, error: query.get('error') ?? '', errorDescription: query.get('error_description') ?? '' };
}

/** A message from the callback page, or null when it is not one (another page's message, a damaged one). */
export function parseCallback(message: string): OAuthCallback | null {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  if (typeof m.state !== 'string' || m.state === '') return null;
  if (typeof m.code === 'string' && m.code !== '') return { state: m.state, code: m.code };
  if (typeof m.error === 'string' && m.error !== '') {
    return {
      state: m.state,
      error: m.error,
      errorDescription: typeof m.errorDescription === 'string' ? m.errorDescription : '',
    };
  }
  return null;
}
