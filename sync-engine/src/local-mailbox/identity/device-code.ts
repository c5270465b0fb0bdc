/**
 * The device-code flow: `POST /{tenant}/oauth2/v2.0/devicecode` hands a machine without a browser a device code
 * (its secret, to poll the token endpoint with) and a user code (short, for a person to type on the page
 * `verification_uri` names: `/devicelogin` here). On that page the person enters the code and signs in; the next
 * poll gets the tokens. Codes live 15 minutes, as Entra's; the poll interval is the server's option (Entra's 5 s).
 */
import crypto from 'node:crypto';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IdentityStore } from './store';
import { identityErrors } from './errors';
import {
  FORM_BODY_LIMIT,
  clearSignInCookie,
  formOf,
  optional,
  required,
  sendIdentityJson,
  setSignInCookie,
  signInCookie,
  tenantOf,
} from './requests';
import { readScopes } from './scopes';
import { deviceDonePage, devicePage, errorPage, sendPage } from './pages';
import { secret } from './tokens';
import { origin } from '../paging';
import { MAX_SIGN_IN_ATTEMPTS, TOO_MANY_ATTEMPTS, WRONG_CREDENTIALS, checkCredentials } from './sign-in-check';

export const DEVICE_CODE_LIFETIME_SECONDS = 900;
const PAGE_LIFETIME_MS = 15 * 60_000;
/** Letters and digits that cannot be read as one another (no 0/O, 1/I/L). */
const USER_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const USER_CODE_LENGTH = 8;
export const DEVICE_PAGE_PATH = '/devicelogin';
const BAD_CODE = "That code didn't work. Check the code and try again.";

function userCode(): string {
  let s = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) s += USER_CODE_ALPHABET[crypto.randomInt(USER_CODE_ALPHABET.length)];
  return s;
}

export function registerDeviceCode(app: FastifyInstance, identity: IdentityStore, intervalSeconds: number): void {
  app.post('/:tenant/oauth2/v2.0/devicecode', { bodyLimit: FORM_BODY_LIMIT }, async (req, reply) => {
    const tenant = tenantOf(identity, (req.params as { tenant: string }).tenant);
    const form = formOf(req);
    const clientId = required(form, 'client_id');
    const theApp = identity.app(clientId);
    if (!theApp) throw identityErrors.unknownClient(clientId, tenant.tenantId);
    const scope = required(form, 'scope');
    readScopes(scope);
    const deviceCode = secret(48);
    const now = identity.now();
    let code = userCode();
    for (let tries = 0; identity.deviceCodeByUserCode(code) && tries < 5; tries++) code = userCode();
    identity.saveDeviceCode(deviceCode, {
      userCode: code,
      clientId: theApp.clientId,
      scope,
      issued: now,
      expires: now + DEVICE_CODE_LIFETIME_SECONDS * 1000,
    });
    const verificationUri = `${origin(req)}${DEVICE_PAGE_PATH}`;
    sendIdentityJson(reply, 200, {
      user_code: code,
      device_code: deviceCode,
      verification_uri: verificationUri,
      expires_in: DEVICE_CODE_LIFETIME_SECONDS,
      interval: intervalSeconds,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${code} to authenticate.`,
    });
    return reply;
  });

  app.get(DEVICE_PAGE_PATH, { config: { answer: 'page' } }, async (req, reply) => {
    const flow = secret();
    const cookie = secret();
    identity.saveFlow(flow, cookie, { kind: 'device', data: {}, expires: identity.now() + PAGE_LIFETIME_MS });
    setSignInCookie(req, reply, flow, cookie, PAGE_LIFETIME_MS / 1000);
    sendPage(reply, 200, devicePage({ action: DEVICE_PAGE_PATH, flow }));
    return reply;
  });

  app.post(DEVICE_PAGE_PATH, { bodyLimit: FORM_BODY_LIMIT, config: { answer: 'page' } }, async (req, reply) => {
    await deviceSignIn(identity, req, reply);
    return reply;
  });
}

async function deviceSignIn(identity: IdentityStore, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const form = formOf(req);
  const flow = optional(form, 'flow') ?? '';
  if (!flow || !identity.flow(flow, signInCookie(req, flow), 'device')) {
    sendPage(
      reply,
      400,
      errorPage(
        'This page has expired',
        `This page was not opened in this browser or is too old. Open ${DEVICE_PAGE_PATH} again and enter your code.`,
      ),
    );
    return;
  }
  const typed = (optional(form, 'otc') ?? '').replace(/[\s-]/g, '').toUpperCase().slice(0, 40);
  const login = optional(form, 'login') ?? '';
  const again = (error: string) => {
    if (identity.failFlow(flow) >= MAX_SIGN_IN_ATTEMPTS) {
      identity.endFlow(flow);
      clearSignInCookie(reply, flow);
      sendPage(reply, 400, errorPage('Too many attempts', TOO_MANY_ATTEMPTS));
      return;
    }
    sendPage(reply, 200, devicePage({ action: DEVICE_PAGE_PATH, flow, code: typed, username: login, error }));
  };
  const device = typed ? identity.deviceCodeByUserCode(typed) : undefined;
  if (!device || device.status !== 'pending' || device.expires < identity.now()) return again(BAD_CODE);
  const theApp = identity.app(device.clientId);
  if (optional(form, 'action') === 'deny') {
    identity.setDeviceCodeStatus(device.hash, 'pending', 'declined');
    identity.endFlow(flow);
    clearSignInCookie(reply, flow);
    sendPage(reply, 200, deviceDonePage(theApp?.name ?? device.clientId, false));
    return;
  }
  const mailbox = await checkCredentials(identity, login, optional(form, 'passwd') ?? '');
  if (!mailbox) return again(WRONG_CREDENTIALS);
  if (
    !identity.endFlow(flow) ||
    !identity.setDeviceCodeStatus(device.hash, 'pending', 'approved', mailbox.no, identity.now())
  ) {
    sendPage(reply, 400, errorPage('This page has expired', `Open ${DEVICE_PAGE_PATH} again and enter your code.`));
    return;
  }
  clearSignInCookie(reply, flow);
  sendPage(reply, 200, deviceDonePage(theApp?.name ?? device.clientId, true));
}
