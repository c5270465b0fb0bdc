/** Time zones: Windows and IANA names, and wall time ↔ UTC across daylight-saving changes. */
import assert from 'node:assert/strict';
import {
  WINDOWS_ZONES,
  resolveTimeZone,
  wallToUtc,
  utcToWall,
  parseGraphDateTime,
  formatGraphDateTime,
  formatTimestamp,
  parseDay,
  formatDay,
} from '../../../sync-engine/src/local-mailbox/time-zones';

const wall = (text: string) => parseGraphDateTime(text)!.wall;
const iso = (ms: number) => new Date(ms).toISOString();

describe('local mailbox: time zones', () => {
  it('knows every Windows name of the table, and each maps to a zone Intl knows', () => {
    for (const [windows, iana] of Object.entries(WINDOWS_ZONES)) {
      assert.ok(resolveTimeZone(windows), `${windows} → ${iana}`);
      assert.doesNotThrow(() => new Intl.DateTimeFormat('en-US', { timeZone: iana }), iana);
    }
    assert.equal(resolveTimeZone('Pacific Standard Time'), 'America/Los_Angeles');
    assert.equal(resolveTimeZone('W. Europe Standard Time'), 'Europe/Berlin');
    assert.equal(resolveTimeZone('eastern standard time'), 'America/New_York');
    assert.equal(resolveTimeZone('UTC'), 'UTC');
    assert.equal(resolveTimeZone('tzone://Microsoft/Utc'), 'UTC');
  });

  it('accepts IANA names and refuses names that are neither', () => {
    assert.equal(resolveTimeZone('America/New_York'), 'America/New_York');
    assert.equal(resolveTimeZone('Europe/Berlin'), 'Europe/Berlin');
    assert.equal(resolveTimeZone('Mars/Base'), undefined);
    assert.equal(resolveTimeZone(''), undefined);
    assert.equal(resolveTimeZone('Pacific Standard'), undefined);
  });

  it('keeps 09:00 New York at 09:00 across the March and November changes, moving in UTC', () => {
    const ny = 'America/New_York';
    assert.equal(iso(wallToUtc(wall('2026-03-02T09:00:00'), ny)), '2026-03-02T14:00:00.000Z');
    assert.equal(iso(wallToUtc(wall('2026-03-09T09:00:00'), ny)), '2026-03-09T13:00:00.000Z');
    assert.equal(iso(wallToUtc(wall('2026-10-26T09:00:00'), ny)), '2026-10-26T13:00:00.000Z');
    assert.equal(iso(wallToUtc(wall('2026-11-02T09:00:00'), ny)), '2026-11-02T14:00:00.000Z');
    assert.equal(formatGraphDateTime(utcToWall(Date.parse('2026-03-09T13:00:00Z'), ny)), '2026-03-09T09:00:00.0000000');
  });

  it('moves a wall time skipped by spring-forward ahead by the gap, and takes the first of a repeated one', () => {
    const ny = 'America/New_York';
    assert.equal(iso(wallToUtc(wall('2026-03-08T02:30:00'), ny)), '2026-03-08T07:30:00.000Z'); // 03:30 EDT
    assert.equal(iso(wallToUtc(wall('2026-11-01T01:30:00'), ny)), '2026-11-01T05:30:00.000Z'); // 01:30 EDT, the first
  });

  it('converts in zones east of UTC and with half-hour offsets', () => {
    assert.equal(iso(wallToUtc(wall('2026-07-01T12:00:00'), 'Europe/Berlin')), '2026-07-01T10:00:00.000Z');
    assert.equal(iso(wallToUtc(wall('2026-01-15T12:00:00'), 'Asia/Kolkata')), '2026-01-15T06:30:00.000Z');
  });

  it('parses and formats Graph date-times', () => {
    assert.equal(formatGraphDateTime(wall('2017-08-14T21:00:00.0000000')), '2017-08-14T21:00:00.0000000');
    assert.equal(formatGraphDateTime(wall('2017-08-14T21:00')), '2017-08-14T21:00:00.0000000');
    assert.equal(parseGraphDateTime('2026-03-09T09:00:00-05:00')!.instant, Date.parse('2026-03-09T14:00:00Z'));
    assert.equal(parseGraphDateTime('2026-02-30T09:00:00'), undefined);
    assert.equal(parseGraphDateTime('yesterday'), undefined);
    assert.equal(formatTimestamp(Date.parse('2017-07-31T18:59:01.982Z'), true), '2017-07-31T18:59:01.9820000Z');
    assert.equal(formatTimestamp(Date.parse('2017-02-07T13:38:33.5Z'), false), '2017-02-07T13:38:33Z');
    assert.equal(formatDay(parseDay('2026-03-09')!), '2026-03-09');
    assert.equal(parseDay('2026-13-01'), undefined);
  });
});
