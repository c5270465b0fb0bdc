/**
 * OAuth 2.0 as Salesforce serves it (WIRE.md 2): the token endpoint (password, refresh_token and
 * authorization_code with PKCE S256), the authorization page of the web-server flow, and revoke.
 *
 * The access rule does not stop OAuth: tokens are issued as usual and the first data call is refused by the
 * REST gate (ACCESS.md 3). The one exception is a Chatter External user of a blocked allowlisted app, whose
 * authorization ends in a redirect back to the login page with `error=access_denied` and no code.
 *
 * Decisions: the granted scope is the requested one (default `api refresh_token`); a refresh token is issued
 * only by the authorization_code grant and only when the scope has `refresh_token` or `offline_access` (the
 * password grant never returns one, as in Salesforce); authorization codes live in memory for 15 minutes and
 * are spent by the first exchange attempt, failed or not; apps without a secret sign with an org-level key.
 */
import { FastifyInstance } from 'fastify';
import { OrgContext } from './context';
import { registerIdentity } from './identity';
import { registerUiLogin } from './ui-login';
import { AuthorizationCodes } from './oauth-codes';
import { RefreshScopes } from './oauth-scopes';
import { registerOAuthToken } from './oauth-token';
import { registerOAuthAuthorize } from './oauth-authorize';

/** Register the OAuth endpoints, the identity service and the browser login. */
export async function registerOAuth(app: FastifyInstance, ctx: OrgContext): Promise<void> {
  // The authorize page issues the codes the token endpoint exchanges.
  const codes = new AuthorizationCodes(ctx.store.clock);
  const scopes = new RefreshScopes(ctx);
  registerOAuthToken(app, ctx, codes, scopes);
  registerOAuthAuthorize(app, ctx, codes);
  registerIdentity(app, ctx);
  registerUiLogin(app, ctx);
}
