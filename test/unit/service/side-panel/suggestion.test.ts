/** "Create contact" / "Create lead" prefilled from the display name and the address's domain (side-panel/suggestion.ts). */
import assert from 'node:assert/strict';
import { companyOfDomain, suggestPerson } from '../../../../sync-engine/src/service/side-panel/suggestion';
import { soslEscape } from '../../../../sync-engine/src/service/side-panel/people-lookup';

describe('service/side-panel: suggestions and the search term', () => {
  it('the company is the domain name before its suffix; none for webmail', () => {
    assert.equal(companyOfDomain('navy.example'), 'Navy');
    assert.equal(companyOfDomain('mail.acme-tools.co.uk'), 'Acme Tools');
    assert.equal(companyOfDomain('difference-engines.co.uk'), 'Difference Engines');
    assert.equal(companyOfDomain('Gmail.com'), null);
    assert.equal(companyOfDomain('localhost'), null);
  });

  it('names from "First Last", "Last, First", one word, or the address itself', () => {
    assert.deepEqual(suggestPerson('grace@navy.example', 'Grace Brewster Hopper'), {
      firstName: 'Grace Brewster',
      lastName: 'Hopper',
      company: 'Navy',
    });
    assert.deepEqual(suggestPerson('g@navy.example', 'Hopper, Grace'), {
      firstName: 'Grace',
      lastName: 'Hopper',
      company: 'Navy',
    });
    assert.deepEqual(suggestPerson('g@gmail.com', 'Grace'), { firstName: null, lastName: 'Grace', company: null });
    assert.deepEqual(suggestPerson('alan.turing@bletchley.example', null), {
      firstName: 'Alan',
      lastName: 'Turing',
      company: 'Bletchley',
    });
    assert.deepEqual(suggestPerson('kj@nasa.example', 'kj@nasa.example'), {
      firstName: null,
      lastName: 'Kj',
      company: 'Nasa',
    });
  });

  it("SOSL's reserved characters are escaped in an address", () => {
    assert.equal(soslEscape("o'neil+news-x@a.example"), "o\\'neil\\+news\\-x@a.example");
    assert.equal(soslEscape('a{b}(c)*?@x.example'), 'a\\{b\\}\\(c\\)\\*\\?@x.example');
  });
});
