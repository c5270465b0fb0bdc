/**
 * The service for the pane, over real HTTP on loopback, against a local org and a local mailbox: a started
 * service, and a caller that sends what the pane sends (JSON, the bearer secret, an Origin) and keeps the raw answer.
 */
import { fetchJson } from './loopback';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalOrg } from '../../sync-engine/src/local-org';
import { OrgSeed } from '../../sync-engine/src/local-org/seed';
import { LocalMailbox } from '../../sync-engine/src/local-mailbox';
import { startServiceServer, RunningService, ServiceServerOptions } from '../../sync-engine/src/service/server';
import axios, { AxiosInstance } from 'axios';
import { sessionFor, startTestOrg, testSeed } from './org';
import { findProduct } from '../../sync-engine/src/products/catalog';
import { startTestMailbox, ANN } from './mailbox';

export interface ServiceAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export interface ServiceCallOptions {
  body?: unknown;
  /** A raw body, sent as is with the given or a JSON content type. */
  raw?: string;
  secret?: string | null;
  headers?: Record<string, string>;
}

export type ServiceCaller = (method: string, path: string, o?: ServiceCallOptions) => Promise<ServiceAnswer>;

/** Call the service as the pane does. */
export function serviceCaller(running: { url: string }, defaults: { secret?: string | null } = {}): ServiceCaller {
  return async (method, urlPath, o = {}) => {
    const headers: Record<string, string> = {};
    const secret = o.secret === undefined ? defaults.secret : o.secret;
    if (secret) headers.Authorization = `Bearer ${secret}`;
    if (o.body !== undefined || o.raw !== undefined) headers['Content-Type'] = 'application/json';
    Object.assign(headers, o.headers ?? {});
    return fetchJson(`${running.url}${urlPath}`, {
      method,
      headers,
      body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
    });
  };
}

export interface ServiceWorld {
  org: LocalOrg;
  mailbox: LocalMailbox;
  running: RunningService;
  dataDir: string;
  call: ServiceCaller;
  /** Sign ann in as Salesforce for Outlook (or another desktop product); returns the secret. */
  signInAnn(product?: string): Promise<string>;
  /** Stop the service and start it again on the same data dir (a restart: the password is gone). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A local org (test seed), the test mailbox, and the service on a free port with its own data dir. */
export async function startServiceWorld(
  o: Partial<ServiceServerOptions> & {
    /** Callback pages the desktop products' connected apps accept (the pane's oauth-callback.html), for dialog sign-ins. */
    addinCallbackUrls?: string[];
    /** Change the test seed before the org starts (an org feature, say). */
    orgSeed?: (seed: OrgSeed) => void;
  } = {},
): Promise<ServiceWorld> {
  const { addinCallbackUrls, orgSeed, ...serviceOptions } = o;
  const seed = testSeed();
  orgSeed?.(seed);
  if (addinCallbackUrls) {
    for (const app of seed.connectedApps ?? []) {
      if (app.product && findProduct(app.product)?.kind === 'desktop')
        app.callbackUrls = [...(app.callbackUrls ?? []), ...addinCallbackUrls];
    }
  }
  const org = await startTestOrg(seed);
  const mailbox = await startTestMailbox();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-service-'));
  // The key of kept sign-ins, outside the data dir as in real use, and never in the home folder of whoever runs the tests.
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-service-key-'));
  const options: ServiceServerOptions = {
    dataDir,
    port: 0,
    mailbox: { url: mailbox.url, token: ANN.token },
    syncOnSignIn: false,
    tokenStore: { env: { SFO_TOKEN_KEY_FILE: path.join(keyDir, 'token.key') } },
    ...serviceOptions,
  };
  const running = await startServiceServer(options);
  const world: ServiceWorld = {
    org,
    mailbox,
    running,
    dataDir,
    call: (method, urlPath, c) => serviceCaller(world.running)(method, urlPath, c),
    async signInAnn(product = 'salesforce-for-outlook') {
      const res = await world.call('POST', '/api/sign-in', {
        body: { orgUrl: org.url, product, username: 'ann@test.example', password: 'Ann-pass-1' },
      });
      if (res.status !== 200) throw new Error(`ann's sign-in: ${res.status} ${res.text}`);
      return res.body.secret as string;
    },
    async restart() {
      await world.running.close();
      world.running = await startServiceServer(options);
    },
    async close() {
      await world.running.close();
      await mailbox.close();
      await org.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(keyDir, { recursive: true, force: true });
    },
  };
  return world;
}

/** The REST API as the org's admin, and a switch for "API Enabled" on the Standard User profile (ann's). */
export async function adminOf(
  w: ServiceWorld,
): Promise<{ sf: AxiosInstance; setApiEnabled(on: boolean): Promise<void> }> {
  const sf = axios.create({
    baseURL: `${w.org.url}/services/data/v60.0`,
    headers: { authorization: `Bearer ${sessionFor(w.org, 'admin@test.example')}` },
    validateStatus: () => true,
  });
  const profileId = (await sf.get('/query', { params: { q: "SELECT Id FROM Profile WHERE Name = 'Standard User'" } }))
    .data.records[0].Id as string;
  return {
    sf,
    async setApiEnabled(on) {
      const res = await sf.patch(`/sobjects/Profile/${profileId}`, { PermissionsApiEnabled: on });
      if (res.status !== 204)
        throw new Error(`setting API Enabled to ${on}: ${res.status} ${JSON.stringify(res.data)}`);
    },
  };
}
