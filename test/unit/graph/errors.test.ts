import assert from 'node:assert/strict';
import util from 'node:util';
import { kindOf, fromResponse, fromNetworkError, GraphApiError } from '../../../sync-engine/src/graph/errors';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const ctx = { method: 'GET', url: 'https://graph.microsoft.com/v1.0/me/contacts?$top=1', nowMs: NOW };

describe('graph/errors', () => {
  it('maps status and code to the kind a caller acts on', () => {
    const table: Array<[number, string, boolean, string]> = [
      [401, 'InvalidAuthenticationToken', false, 'authExpired'],
      [403, 'ErrorAccessDenied', false, 'accessRevoked'],
      [429, 'TooManyRequests', false, 'rateLimited'],
      [429, 'ApplicationThrottled', true, 'rateLimited'],
      [503, 'ServiceUnavailable', true, 'rateLimited'],
      [503, 'ServiceUnavailable', false, 'transient'],
      [500, 'UnknownError', false, 'transient'],
      [504, 'GatewayTimeout', false, 'transient'],
      [410, 'SyncStateNotFound', false, 'syncStateLost'],
      [410, 'ERROR_HTTP_410', false, 'syncStateLost'],
      [400, 'syncStateNotFound', false, 'syncStateLost'],
      [400, 'resyncRequired', false, 'syncStateLost'],
      [400, 'ErrorInvalidIdMalformed', false, 'validation'],
      [404, 'ErrorItemNotFound', false, 'validation'],
      [409, 'ErrorIrresolvableConflict', false, 'validation'],
      [412, 'PreconditionFailed', false, 'validation'],
      [413, 'RequestEntityTooLarge', false, 'validation'],
      [415, 'UnsupportedMediaType', false, 'validation'],
      [501, 'NotImplemented', false, 'other'],
      [302, 'ERROR_HTTP_302', false, 'other'],
    ];
    for (const [status, code, retryAfter, kind] of table)
      assert.equal(kindOf(status, code, retryAfter), kind, `${status} ${code}`);
  });

  it('reads a Graph error body: code, message, request id, Retry-After', () => {
    const e = fromResponse(
      {
        status: 429,
        headers: { ...JSON_TYPE, 'retry-after': '2.128' },
        data: JSON.stringify({
          error: {
            code: 'TooManyRequests',
            message: 'Please retry again later.',
            innerError: { code: '429', 'request-id': '94fb3b52', date: '2020-08-18T12:51:51' },
          },
        }),
      },
      ctx,
    );
    assert.ok(e instanceof GraphApiError);
    assert.equal(e.kind, 'rateLimited');
    assert.equal(e.code, 'TooManyRequests');
    assert.equal(e.message, 'Please retry again later.');
    assert.equal(e.statusCode, 429);
    assert.equal(e.requestId, '94fb3b52');
    assert.equal(e.retryAfterMs, 2128);
    assert.equal(e.url, 'https://graph.microsoft.com/v1.0/me/contacts');
  });

  it('reads the 410 body without innerError, taking the request id from the header', () => {
    const e = fromResponse(
      {
        status: 410,
        headers: { ...JSON_TYPE, 'request-id': '1137f277' },
        data: '{"error":{"code":"SyncStateNotFound","message":"The sync state generation is not found; generation=25;[highest=28][28][26][27]."}}',
      },
      ctx,
    );
    assert.equal(e.kind, 'syncStateLost');
    assert.equal(e.code, 'SyncStateNotFound');
    assert.equal(e.requestId, '1137f277');
  });

  it('names a non-Graph error answer by its status', () => {
    const e = fromResponse(
      { status: 502, headers: { 'content-type': 'text/html' }, data: '<html>Bad gateway</html>' },
      ctx,
    );
    assert.equal(e.kind, 'transient');
    assert.equal(e.code, 'ERROR_HTTP_502');
    assert.equal(e.message, 'HTTP 502 (content-type text/html)');
  });

  it('never repeats the token, even when the server echoes it', () => {
    const e = fromResponse(
      {
        status: 401,
        headers: JSON_TYPE,
        data: '{"error":{"code":"InvalidAuthenticationToken","message":"Bad token s3cr3t-token"}}',
      },
      { ...ctx, secret: 's3cr3t-token' },
    );
    assert.equal(e.message, 'Bad token [redacted]');
    assert.ok(!util.inspect(e).includes('s3cr3t-token'));
  });

  it('tells a broken socket (transient) from an unreachable host (network)', () => {
    assert.equal(fromNetworkError('ECONNRESET', ctx).kind, 'transient');
    assert.equal(fromNetworkError('ECONNABORTED', ctx).code, 'ETIMEDOUT');
    assert.equal(fromNetworkError('ETIMEDOUT', ctx).kind, 'transient');
    const refused = fromNetworkError('ECONNREFUSED', ctx);
    assert.equal(refused.kind, 'network');
    assert.equal(refused.statusCode, null);
    assert.equal(refused.message, 'cannot reach https://graph.microsoft.com: connection refused');
  });

  it('serializes to what is safe to log', () => {
    const e = fromNetworkError('ECONNRESET', { ...ctx, attempts: 4 });
    assert.deepEqual(JSON.parse(JSON.stringify(e)), {
      kind: 'transient',
      code: 'ECONNRESET',
      message: 'cannot reach https://graph.microsoft.com: connection reset',
      statusCode: null,
      method: 'GET',
      url: 'https://graph.microsoft.com/v1.0/me/contacts',
      attempts: 4,
    });
  });
});
