/** The side panel's cache (service/side-panel/people-cache.ts), on an injected clock: per user and item, 5 minutes. */
import assert from 'node:assert/strict';
import { CachedPeople, PeopleCache } from '../../../../sync-engine/src/service/side-panel/people-cache';

const answer = (n: number): CachedPeople => ({
  people: [{ address: `p${n}@x.example`, name: null, roles: ['from'], records: [], suggestion: null }],
  sharesActivities: false,
});

describe('service/side-panel: the people cache', () => {
  let now = 0;
  const cache = () => new PeopleCache(() => now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it("an item's answer is kept per user, whatever the order or case of its addresses", () => {
    const c = cache();
    c.put('ann', '<m1>', ['A@x.example', 'b@x.example', 'a@x.example'], answer(1));
    assert.deepEqual(c.get('ann', '<m1>', ['b@x.example', 'a@X.example']), answer(1));
    assert.equal(c.get('bob', '<m1>', ['a@x.example', 'b@x.example']), undefined, "another user's");
    assert.equal(c.get('ann', '<m1>', ['a@x.example']), undefined, 'other people: another answer');
  });

  it('an answer older than 5 minutes is gone; clear() empties it all', () => {
    const c = cache();
    c.put('ann', '<m1>', ['a@x.example'], answer(1));
    now += 5 * 60_000;
    assert.ok(c.get('ann', '<m1>', ['a@x.example']));
    now += 1;
    assert.equal(c.get('ann', '<m1>', ['a@x.example']), undefined);
    c.put('ann', '<m2>', ['a@x.example'], answer(2));
    c.clear();
    assert.equal(c.get('ann', '<m2>', ['a@x.example']), undefined);
  });

  it('keeps the last 200 items, dropping the oldest', () => {
    const c = cache();
    for (let i = 0; i < 201; i++) c.put('ann', `<m${i}>`, ['a@x.example'], answer(i));
    assert.equal(c.get('ann', '<m0>', ['a@x.example']), undefined);
    assert.deepEqual(c.get('ann', '<m1>', ['a@x.example']), answer(1));
    assert.deepEqual(c.get('ann', '<m200>', ['a@x.example']), answer(200));
  });
});
