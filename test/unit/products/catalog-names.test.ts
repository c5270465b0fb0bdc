/**
 * Each product is called by one name everywhere (issue 12, finding 12: "Mobile Publisher for iOS" in the spec and the
 * docs, "Mobile Publisher app for iOS" in what `login` and `impact` printed). The name is the spec's (ACCESS.md
 * section 4, where each product is written "Name (`id`)"), and the catalog that every output reads must say it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PRODUCTS } from '../../../sync-engine/src/products/catalog';
import { REPO_ROOT, SHARED } from '../../helpers/shared';

/** The "Name (`id`)" pairs of ACCESS.md section 4's table. */
function specNames(): Map<string, string> {
  const access = fs.readFileSync(path.join(SHARED, 'spec', 'ACCESS.md'), 'utf8');
  const section = access.slice(access.indexOf('## 4.'), access.indexOf('## 5.'));
  const names = new Map<string, string>();
  for (const m of section.matchAll(/(?:^\|\s*|,\s*)([A-Za-z][^|(`,]*?)\s+\(`([a-z-]+)`\)/gm)) names.set(m[2], m[1]);
  return names;
}

const capitalized = (s: string) => s[0].toUpperCase() + s.slice(1);

describe('product names: the spec names each product once', () => {
  const spec = specNames();

  it('the spec names every product of the catalog', () => {
    assert.deepEqual(
      PRODUCTS.map((p) => p.id).filter((id) => !spec.has(id)),
      [],
    );
  });

  it("the catalog's names are the spec's", () => {
    for (const p of PRODUCTS) assert.equal(p.name, capitalized(spec.get(p.id)!), p.id);
  });

  it('the docs and the demo seed use the same names', () => {
    const texts = ['docs/products.md', 'demo/org-seed.json'].map((f) =>
      fs.readFileSync(path.join(REPO_ROOT, f), 'utf8'),
    );
    for (const text of texts) assert.doesNotMatch(text, /Mobile Publisher app/);
    assert.match(texts[0], /\| `mobile-publisher-ios` \| Mobile Publisher for iOS \|/);
  });
});
