/**
 * If-Unmodified-Since on sObject Rows and the Composite resource that carries it per subrequest, over real HTTP
 * with the org's clock moved by hand: a PATCH of a record modified after the date is 412 and writes nothing (whole
 * seconds, as an HTTP date has), a bad date is a 400 naming the header, a DELETE ignores the header (Salesforce's
 * guide: DELETE requests are not supported), and a Composite with allOrNone rolls a conditional PATCH and a DELETE
 * back together.
 */
import assert from 'node:assert/strict';
import { startTestOrg, sessionFor, testSeed, ManualClock } from '../../helpers/org';
import { LocalOrg } from '../../../sync-engine/src/local-org';

describe('local org: If-Unmodified-Since and Composite', () => {
  let org: LocalOrg;
  let token: string;
  const clock = new ManualClock(new Date('2026-12-05T10:00:00.250Z'));

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${org.url}/services/data/v60.0${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const contact = async (lastName: string) =>
    (await call('POST', '/sobjects/Contact', { LastName: lastName })).body.id as string;
  const read = async (id: string) => (await call('GET', `/sobjects/Contact/${id}`)).body;

  before(async () => {
    org = await startTestOrg(testSeed(), {}, clock);
    token = sessionFor(org, 'ann@test.example');
  });
  after(() => org.close());

  it('PATCH: 204 when unmodified since the date, 412 and nothing written once modified after it', async () => {
    const id = await contact('Cond');
    const since = clock.now().toUTCString();
    clock.advance(400); // the same second: an HTTP date cannot tell it apart
    assert.equal(
      (await call('PATCH', `/sobjects/Contact/${id}`, { Title: 'A' }, { 'If-Unmodified-Since': since })).status,
      204,
    );
    clock.advance(1_000);
    assert.equal((await call('PATCH', `/sobjects/Contact/${id}`, { Title: 'B' })).status, 204);
    const res = await call('PATCH', `/sobjects/Contact/${id}`, { Title: 'C' }, { 'If-Unmodified-Since': since });
    assert.equal(res.status, 412);
    assert.equal(res.body[0].errorCode, 'PRECONDITION_FAILED');
    assert.equal((await read(id)).Title, 'B');
  });

  it('a date that is not an HTTP date is a 400 naming the header; a DELETE ignores the header', async () => {
    const id = await contact('Bad date');
    const res = await call('PATCH', `/sobjects/Contact/${id}`, { Title: 'X' }, { 'If-Unmodified-Since': '2026-12-05' });
    assert.equal(res.status, 400);
    assert.match(res.body[0].message, /^If-Unmodified-Since: "2026-12-05" is not an HTTP date/);
    clock.advance(5_000);
    await call('PATCH', `/sobjects/Contact/${id}`, { Title: 'Y' });
    const del = await call('DELETE', `/sobjects/Contact/${id}`, undefined, {
      'If-Unmodified-Since': 'Tue, 10 Aug 2015 00:00:00 GMT',
    });
    assert.equal(del.status, 204);
  });

  it('Composite: each subrequest answers for itself; with allOrNone a failed precondition rolls the DELETE back', async () => {
    const a = await contact('Comp A');
    const b = await contact('Comp B');
    const old = new Date(clock.now().getTime() - 60_000).toUTCString();
    const now = clock.now().toUTCString();
    clock.advance(2_000);
    const res = await call('POST', '/composite', {
      compositeRequest: [
        {
          method: 'PATCH',
          url: `/services/data/v60.0/sobjects/Contact/${a}`,
          referenceId: 'a',
          body: { Title: 'A1' },
          httpHeaders: { 'If-Unmodified-Since': now },
        },
        {
          method: 'PATCH',
          url: `/services/data/v60.0/sobjects/Contact/${b}`,
          referenceId: 'b',
          body: { Title: 'B1' },
          httpHeaders: { 'If-Unmodified-Since': old },
        },
      ],
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.compositeResponse.map((r: { referenceId: string; httpStatusCode: number }) => [
        r.referenceId,
        r.httpStatusCode,
      ]),
      [
        ['a', 204],
        ['b', 412],
      ],
    );
    assert.equal((await read(a)).Title, 'A1');
    assert.equal((await read(b)).Title, null);

    const pair = (since: string) =>
      call('POST', '/composite', {
        allOrNone: true,
        compositeRequest: [
          {
            method: 'PATCH',
            url: `/services/data/v60.0/sobjects/Contact/${b}`,
            referenceId: 'check',
            body: {},
            httpHeaders: { 'If-Unmodified-Since': since },
          },
          { method: 'DELETE', url: `/services/data/v60.0/sobjects/Contact/${b}`, referenceId: 'remove' },
        ],
      });
    const refused = await pair(old);
    assert.deepEqual(
      refused.body.compositeResponse.map((r: { httpStatusCode: number; body: Array<{ errorCode: string }> }) => [
        r.httpStatusCode,
        r.body[0].errorCode,
      ]),
      [
        [412, 'PRECONDITION_FAILED'],
        [400, 'PROCESSING_HALTED'],
      ],
    );
    assert.equal((await read(b)).LastName, 'Comp B', 'the DELETE was rolled back');
    const done = await pair(clock.now().toUTCString());
    assert.deepEqual(
      done.body.compositeResponse.map((r: { httpStatusCode: number }) => r.httpStatusCode),
      [204, 204],
    );
    assert.equal((await call('GET', `/sobjects/Contact/${b}`)).status, 404);
  });

  it('Composite: a malformed call writes nothing and names what is wrong', async () => {
    const id = await contact('Comp bad');
    const res = await call('POST', '/composite', {
      compositeRequest: [
        {
          method: 'PATCH',
          url: `/services/data/v60.0/sobjects/Contact/${id}`,
          referenceId: 'ok',
          body: { Title: 'Z' },
        },
        {
          method: 'PATCH',
          url: `/services/data/v60.0/sobjects/Contact/${id}`,
          referenceId: 'h',
          body: {},
          httpHeaders: { Authorization: 'Bearer x' },
        },
      ],
    });
    assert.equal(res.status, 400);
    assert.match(
      res.body[0].message,
      /^compositeRequest\[1\]\.httpHeaders: Authorization is taken from the top-level request/,
    );
    assert.equal((await read(id)).Title, null);
    const many = await call('POST', '/composite', {
      compositeRequest: Array.from({ length: 26 }, (_, i) => ({
        method: 'DELETE',
        url: `/services/data/v60.0/sobjects/Contact/${id}`,
        referenceId: `d${i}`,
      })),
    });
    assert.equal(many.status, 400);
    assert.match(many.body[0].message, /at most 25/);
  });
});
