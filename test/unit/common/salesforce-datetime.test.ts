/**
 * One parser for Salesforce's datetimes (issue 12, finding 3): the local org, the sync side's checkpoint and the
 * mappers all read `2026-03-08T14:00:00.000+0000` through common/clock.ts. A value that is not one is an error
 * naming the field, never an `Invalid Date` carried on or a bare RangeError.
 */
import assert from 'node:assert/strict';
import { parseSalesforceDateTime, salesforceInstant } from '../../../sync-engine/src/common/clock';

describe('Salesforce datetimes', () => {
  it('reads the wire form and its variants as one instant', () => {
    for (const text of [
      '2026-03-08T14:00:00.000+0000',
      '2026-03-08T14:00:00.000Z',
      '2026-03-08T14:00:00+00:00',
      '2026-03-08T09:00:00.000-0500',
    ])
      assert.equal(salesforceInstant(text, 'SystemModstamp'), '2026-03-08T14:00:00.000Z', text);
  });

  it('keeps milliseconds', () => {
    assert.equal(salesforceInstant('2026-03-08T14:00:00.5+0000', 'StartDateTime'), '2026-03-08T14:00:00.500Z');
  });

  it('a value that is not a datetime is an error naming the field and the value', () => {
    for (const bad of ['yesterday', '', null, 42, '2026-03-08'])
      assert.throws(() => salesforceInstant(bad, 'StartDateTime'), {
        message: `StartDateTime: ${JSON.stringify(bad)} is not a Salesforce datetime (2026-03-08T14:00:00.000+0000)`,
      });
    assert.equal(parseSalesforceDateTime('2026-13-40T99:00:00Z'), undefined);
  });
});
