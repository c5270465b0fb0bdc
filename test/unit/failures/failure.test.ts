/** Both clients' errors map into the one failure vocabulary; the wire's details stay on the error. */
import assert from 'node:assert/strict';
import { SalesforceApiError } from '../../../sync-engine/src/salesforce/errors';
import { GraphApiError } from '../../../sync-engine/src/graph/errors';
import { failureOf } from '../../../sync-engine/src/failures/failure';

const sf = (errorCode: string, kind: SalesforceApiError['kind'], status: number | null) =>
  new SalesforceApiError({ errorCode, kind, status, message: errorCode });
const graph = (code: string, kind: GraphApiError['kind'], statusCode: number | null, retryAfterMs?: number) =>
  new GraphApiError({ code, kind, statusCode, message: code, retryAfterMs });

describe('failures/failure: one vocabulary for both remotes', () => {
  it('maps the org errors', () => {
    assert.deepEqual(sf('API_CURRENTLY_DISABLED', 'accessRevoked', 403).failure, {
      kind: 'accessRevoked',
      remote: 'salesforce',
      code: 'API_CURRENTLY_DISABLED',
      message: 'API_CURRENTLY_DISABLED',
    });
    assert.deepEqual(sf('REQUEST_LIMIT_EXCEEDED', 'rateLimited', 403).failure.kind, 'rateLimited');
    assert.equal(
      (sf('REQUEST_LIMIT_EXCEEDED', 'rateLimited', 403).failure as { retryAfterMs: unknown }).retryAfterMs,
      null,
    );
    assert.equal(sf('ECONNRESET', 'network', null).failure.kind, 'transient');
    assert.equal(sf('ECONNREFUSED', 'network', null).failure.kind, 'unreachable');
    assert.equal(sf('NOT_SALESFORCE', 'network', 200).failure.kind, 'unreachable');
    assert.equal(sf('SERVER_UNAVAILABLE', 'other', 503).failure.kind, 'transient');
    assert.equal(sf('ERROR_HTTP_501', 'other', 501).failure.kind, 'other');
    assert.equal(sf('NOT_FOUND', 'validation', 404).failure.kind, 'notFound');
    assert.equal(sf('REQUIRED_FIELD_MISSING', 'validation', 400).failure.kind, 'validation');
    assert.equal(sf('INVALID_SESSION_ID', 'authExpired', 401).failure.kind, 'authExpired');
  });

  it('maps the mailbox errors, Retry-After included', () => {
    assert.deepEqual(graph('TooManyRequests', 'rateLimited', 429, 5_000).failure, {
      kind: 'rateLimited',
      remote: 'outlook',
      code: 'TooManyRequests',
      message: 'TooManyRequests',
      retryAfterMs: 5_000,
    });
    assert.equal(graph('ErrorAccessDenied', 'accessRevoked', 403).failure.kind, 'accessRevoked');
    assert.equal(graph('ErrorItemNotFound', 'validation', 404).failure.kind, 'notFound');
    assert.equal(graph('ErrorIrresolvableConflict', 'validation', 412).failure.kind, 'conflict');
    assert.equal(graph('ErrorInvalidRequest', 'validation', 400).failure.kind, 'validation');
    assert.equal(graph('NOT_GRAPH', 'network', 200).failure.kind, 'unreachable');
    assert.equal(graph('SyncStateNotFound', 'syncStateLost', 410).failure.kind, 'syncStateLost');
  });

  it('finds the failure on any error that carries one', () => {
    assert.equal(failureOf(graph('x', 'transient', 502))?.kind, 'transient');
    assert.equal(failureOf(new Error('plain')), undefined);
    assert.equal(failureOf(null), undefined);
  });
});
