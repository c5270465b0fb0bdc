/** The org address from the sign-in form: an origin, or one precise message naming orgUrl. */
import assert from 'node:assert/strict';
import { parseOrgUrl } from '../../../sync-engine/src/service/org-url';
import { ServiceError } from '../../../sync-engine/src/service/errors';

function problem(value: unknown): string {
  try {
    parseOrgUrl(value);
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    assert.equal(err.status, 400);
    assert.equal(err.field, 'orgUrl');
    return err.message;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('service org URL', () => {
  it('keeps the origin: https anywhere, http on this machine; a pasted path is dropped', () => {
    assert.equal(parseOrgUrl('https://login.salesforce.com'), 'https://login.salesforce.com');
    assert.equal(
      parseOrgUrl(' https://Acme.my.salesforce.com/lightning/page/home?x=1 '),
      'https://acme.my.salesforce.com',
    );
    assert.equal(parseOrgUrl('http://127.0.0.1:8700/'), 'http://127.0.0.1:8700');
    assert.equal(parseOrgUrl('http://localhost:8700'), 'http://localhost:8700');
  });

  it('says what is wrong', () => {
    assert.match(
      problem(''),
      /^orgUrl: is empty: enter the address of your Salesforce org \(https:\/\/login\.salesforce\.com/,
    );
    assert.match(problem(null), /^orgUrl: required/);
    assert.match(problem(['https://x.example']), /^orgUrl: must be a text address .* \(got object\)$/);
    assert.equal(
      problem('ftp://files.example'),
      'orgUrl: "ftp://files.example" uses ftp: Salesforce is reached over https:// (http:// only for a local org on this machine)',
    );
    assert.equal(
      problem('acme.my.salesforce.com'),
      'orgUrl: "acme.my.salesforce.com" has no https:// in front: enter https://acme.my.salesforce.com',
    );
    assert.match(
      problem('http://acme.my.salesforce.com'),
      /must use https:\/\/ \(plain http:\/\/ would send your password unencrypted/,
    );
    assert.match(problem('https://'), /is not a web address/);
    assert.match(problem('javascript:alert(1)'), /uses javascript: Salesforce is reached over https/);
  });
});
