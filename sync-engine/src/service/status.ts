/** What `GET /api/status` answers: the engine's state as the pane shows it, with the product's text when stopped. */
import { SyncReport } from '../sync/report';
import { SignedInAccount } from './account';
import { ServiceStatus } from './contract';
import { serviceText } from './texts';

export type { ServiceState, ServiceStatus } from './contract';

export function signedOutStatus(): ServiceStatus {
  return {
    state: 'signed-out',
    message: serviceText('signedOut'),
    stopReason: null,
    paused: false,
    lastRun: null,
    nextRunAt: null,
    counts: null,
    pending: 0,
    lastError: null,
    product: null,
    username: null,
    orgUrl: null,
    mailbox: null,
  };
}

export function accountStatus(a: SignedInAccount): ServiceStatus {
  const who = {
    product: { id: a.identity.product.id, name: a.identity.product.name, version: a.identity.productVersion },
    username: a.identity.username,
    orgUrl: a.identity.orgUrl,
    mailbox: a.mailboxStatus(),
  };
  const s = a.engineStatus();
  const paused = a.scheduler.isPaused;
  const next = a.scheduler.nextRunAt;
  if (a.stateProblem) {
    return {
      ...signedOutStatus(),
      ...who,
      state: 'stopped',
      message: `${a.stateProblem.message} ${a.stateProblem.fix}`,
      stopReason: 'stateUnusable',
      paused,
    };
  }
  if (!a.engine || !s) {
    return {
      ...signedOutStatus(),
      ...who,
      state: 'stopped',
      message: serviceText('noMailbox'),
      stopReason: 'noMailbox',
      paused,
    };
  }
  const report = s.lastReport as SyncReport | null;
  // The store's `syncing` outlives a crash; only a run in progress now is syncing.
  const state = a.scheduler.busy ? 'syncing' : s.state === 'stopped' ? 'stopped' : paused ? 'paused' : 'idle';
  return {
    ...who,
    state,
    paused,
    message: state === 'stopped' ? s.message : null,
    stopReason: state === 'stopped' ? (s.stopReason?.kind ?? null) : null,
    lastRun: s.lastRun,
    nextRunAt: next === null ? null : new Date(next).toISOString(),
    counts: report?.counts ?? null,
    pending: a.engine.store.pendingCount(),
    lastError: a.lastError === null ? null : serviceText('runFailed', { reason: a.lastError }),
  };
}
