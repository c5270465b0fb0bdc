import assert from 'node:assert/strict';
import { AxiosResponse } from 'axios';
import { kindOf, fromRestResponse, SalesforceApiError } from '../../../sync-engine/src/salesforce/errors';

function response(status: number, body: string, contentType = 'application/json;charset=UTF-8'): AxiosResponse<string> {
  return { status, statusText: '', data: body, headers: { 'content-type': contentType }, config: {} as never };
}

describe('salesforce/errors: one error type with a kind', () => {
  it("maps the access rule's codes to accessRevoked", () => {
    assert.equal(kindOf('API_CURRENTLY_DISABLED', 403), 'accessRevoked');
    assert.equal(kindOf('API_DISABLED_FOR_ORG', 403), 'accessRevoked');
  });

  it('maps INVALID_SESSION_ID to authExpired, REQUEST_LIMIT_EXCEEDED to rateLimited, field errors to validation', () => {
    assert.equal(kindOf('INVALID_SESSION_ID', 401), 'authExpired');
    assert.equal(kindOf('REQUEST_LIMIT_EXCEEDED', 403), 'rateLimited');
    for (const code of [
      'MALFORMED_QUERY',
      'INVALID_FIELD',
      'REQUIRED_FIELD_MISSING',
      'STRING_TOO_LONG',
      'INVALID_EMAIL_ADDRESS',
      'NOT_FOUND',
    ]) {
      assert.equal(kindOf(code, 400), 'validation', code);
    }
    assert.equal(kindOf('INVALID_LOGIN', 500), 'other');
  });

  it("reads Salesforce's REST error array", () => {
    const err = fromRestResponse(
      response(403, '[{"message":"API is disabled for this User","errorCode":"API_CURRENTLY_DISABLED"}]'),
      'http://x/services/data/v60.0/query',
    );
    assert.ok(err instanceof SalesforceApiError);
    assert.deepEqual(
      [err.errorCode, err.kind, err.status, err.message],
      ['API_CURRENTLY_DISABLED', 'accessRevoked', 403, 'API is disabled for this User'],
    );
  });

  it('keeps the fields of a validation error and names several errors MULTIPLE_API_ERRORS', () => {
    const one = fromRestResponse(
      response(
        400,
        '[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]}]',
      ),
      'u',
    );
    assert.deepEqual(one.fields, ['LastName']);
    const two = fromRestResponse(
      response(400, '[{"message":"a","errorCode":"INVALID_FIELD"},{"message":"b","errorCode":"INVALID_FIELD"}]'),
      'u',
    );
    assert.equal(two.errorCode, 'MULTIPLE_API_ERRORS');
  });

  it('reads an OAuth error body', () => {
    const err = fromRestResponse(
      response(400, '{"error":"invalid_grant","error_description":"authentication failure"}'),
      'u',
    );
    assert.deepEqual([err.errorCode, err.message, err.kind], ['invalid_grant', 'authentication failure', 'other']);
  });

  it('calls an HTML error page a network failure: it is not the org answering', () => {
    const err = fromRestResponse(
      response(502, '<html><body>Bad gateway</body></html>', 'text/html'),
      'http://proxy.example/services/data/v60.0/query',
    );
    assert.deepEqual([err.kind, err.errorCode, err.status], ['network', 'NOT_SALESFORCE', 502]);
  });
});
