/**
 * Discovery: the OpenID configuration of a tenant (`/{tenant}/v2.0/.well-known/openid-configuration`), Entra's
 * instance discovery (`/common/discovery/instance`), and the keys tokens are signed with. msal-node refuses a
 * configuration without `authorization_endpoint`, `token_endpoint`, `issuer` and `jwks_uri`, and checks that the
 * issuer has the authority's scheme, host and port; it finds the device-code endpoint by replacing `/token` in
 * `token_endpoint`. Every URL is built from the scheme, host and port the request came in on.
 */
import { FastifyInstance, FastifyRequest } from 'fastify';
import { IdentityStore } from './store';
import { IdentityError } from './errors';
import { issuerOf, optional, queryOf, sendIdentityJson, tenantOf } from './requests';
import { origin } from '../paging';

export function registerDiscovery(app: FastifyInstance, identity: IdentityStore): void {
  app.get('/:tenant/v2.0/.well-known/openid-configuration', async (req, reply) => {
    const tenant = tenantOf(identity, (req.params as { tenant: string }).tenant);
    sendIdentityJson(reply, 200, openIdConfiguration(req, tenant.segment, tenant.tenantId));
    return reply;
  });

  app.get('/:tenant/discovery/v2.0/keys', async (req, reply) => {
    tenantOf(identity, (req.params as { tenant: string }).tenant);
    const { publicJwk, kid } = identity.signingKey();
    sendIdentityJson(reply, 200, {
      keys: [{ kty: 'RSA', use: 'sig', kid, n: publicJwk.n, e: publicJwk.e, alg: 'RS256' }],
    });
    return reply;
  });

  app.get('/common/discovery/instance', async (req, reply) => {
    const endpoint = optional(queryOf(req), 'authorization_endpoint');
    const host = new URL(origin(req)).host;
    let tenant: string | undefined;
    try {
      const url = endpoint ? new URL(endpoint) : undefined;
      if (url && url.host.toLowerCase() === host.toLowerCase()) tenant = url.pathname.split('/')[1];
    } catch {
      tenant = undefined;
    }
    if (!tenant) throw new IdentityError(400, 'invalid_instance', 50049, 'Unknown or invalid instance.');
    sendIdentityJson(reply, 200, {
      tenant_discovery_endpoint: `${origin(req)}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
    return reply;
  });
}

/** The document, for the tenant segment the request named (`common` keeps `{tenantid}` in its issuer, as Entra's). */
export function openIdConfiguration(req: FastifyRequest, segment: string, tenantId: string): Record<string, unknown> {
  const base = `${origin(req)}/${segment}`;
  const named = segment === tenantId;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['none'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: named ? issuerOf(req, tenantId) : `${origin(req)}/{tenantid}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    code_challenge_methods_supported: ['S256'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'oid',
      'ver',
      'email',
    ],
    tenant_region_scope: named ? 'NA' : null,
    cloud_instance_name: 'local',
    msgraph_host: new URL(origin(req)).host,
  };
}
