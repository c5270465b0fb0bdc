/**
 * The Word glue (addin/office-docs/word/) driven through office-addin-mock objects (fake-word.ts): merge fields
 * as content controls, filling a document for one record while keeping its fields, and a merge making one
 * document per record with the template left as it was.
 */
import assert from 'node:assert/strict';
import type { OfficeQueryRequest, OfficeRow } from '../../../../sync-engine/src/service/contract';
import {
  fillDocument,
  insertMergeField,
  mailMerge,
  parseMergeTag,
  templateFields,
} from '../../../../addin/office-docs/word/merge-fields';
import { fillForRecord, findRecords, mergeAll } from '../../../../addin/office-docs/word/merge-records';
import { OfficeDocsApi } from '../../../../addin/office-docs/shared/office-docs-api';
import { FakeWord } from './fake-word';

const ADA: OfficeRow = { Id: '003A', FirstName: 'Ada', LastName: 'Lovelace', 'Account.Name': 'Analytical Engines' };
const ALAN: OfficeRow = { Id: '003B', FirstName: 'Alan', LastName: 'Turing', 'Account.Name': null };
const GRACE: OfficeRow = { Id: '003C', FirstName: 'Grace', LastName: 'Hopper', 'Account.Name': 'Navy' };

/** A letter: "Dear «FirstName» «LastName», of «Account.Name»." */
async function letter(word: FakeWord): Promise<void> {
  word.type('Dear ');
  await word.run((ctx) => insertMergeField(ctx, { object: 'Contact', name: 'FirstName', label: 'First Name' }));
  word.type(' ');
  await word.run((ctx) => insertMergeField(ctx, { object: 'Contact', name: 'LastName', label: 'Last Name' }));
  word.type(', of ');
  await word.run((ctx) =>
    insertMergeField(ctx, { object: 'Contact', name: 'Account.Name', label: 'Account: Account Name' }),
  );
  word.type('.');
}

function apiOver(records: OfficeRow[], queries: OfficeQueryRequest[] = []): OfficeDocsApi {
  return {
    objectFields: async () => ({ object: 'Contact', label: 'Contact', fields: [] }),
    mergeFields: async () => ({ object: 'Contact', label: 'Contact', fields: [] }),
    save: async () => ({ results: [], updated: 0, created: 0, failed: 0, stopped: null }),
    query: async (q) => {
      queries.push(q);
      const matched = 'ids' in q && q.ids ? records.filter((r) => q.ids!.includes(String(r.Id))) : records;
      return {
        object: 'Contact',
        fields: 'fields' in q ? q.fields : [],
        records: matched,
        totalSize: matched.length,
        complete: true,
      };
    },
  };
}

describe('addin: Word merge fields (office-addin-mock)', () => {
  let word: FakeWord;
  beforeEach(async () => {
    word = new FakeWord();
    await letter(word);
  });

  it('inserts each merge field as a tagged, titled content control showing «field»', () => {
    assert.equal(word.doc.text(), 'Dear «FirstName» «LastName», of «Account.Name».');
    assert.deepEqual(
      word.doc.controls().map((c) => [c.tag, c.title]),
      [
        ['sfo-merge:Contact:FirstName', 'First Name'],
        ['sfo-merge:Contact:LastName', 'Last Name'],
        ['sfo-merge:Contact:Account.Name', 'Account: Account Name'],
      ],
    );
  });

  it("reads the template's object and fields", async () => {
    assert.deepEqual(await word.run((ctx) => templateFields(ctx)), {
      object: 'Contact',
      fields: ['FirstName', 'LastName', 'Account.Name'],
    });
  });

  it('fills the document for a record and keeps its fields, so it fills again for another', async () => {
    assert.equal(await word.run((ctx) => fillDocument(ctx, ADA)), 3);
    assert.equal(word.doc.text(), 'Dear Ada Lovelace, of Analytical Engines.');
    assert.equal(word.doc.controls().length, 3, 'the fields are still there');
    await word.run((ctx) => fillDocument(ctx, ALAN));
    assert.equal(word.doc.text(), 'Dear Alan Turing, of .', 'an empty field shows nothing');
  });

  it('merges: one new document per record, opened, and the template unchanged', async () => {
    assert.equal(await word.run((ctx) => mailMerge(ctx, [ADA, ALAN, GRACE])), 3);
    assert.deepEqual(
      word.opened.map((d) => d.text()),
      ['Dear Ada Lovelace, of Analytical Engines.', 'Dear Alan Turing, of .', 'Dear Grace Hopper, of Navy.'],
    );
    assert.equal(word.doc.text(), 'Dear «FirstName» «LastName», of «Account.Name».');
    assert.equal(word.opened[2].controls().length, 3, 'each document keeps the fields too');
  });

  it("fills for a chosen record, reading only the template's fields by its id", async () => {
    const queries: OfficeQueryRequest[] = [];
    const api = apiOver([ADA, ALAN, GRACE], queries);
    await fillForRecord({ run: word.run, api }, '003C');
    assert.deepEqual(queries, [
      { object: 'Contact', fields: ['FirstName', 'LastName', 'Account.Name'], ids: ['003C'] },
    ]);
    assert.equal(word.doc.text(), 'Dear Grace Hopper, of Navy.');
  });

  it('merges every record a condition finds', async () => {
    const queries: OfficeQueryRequest[] = [];
    const merged = await mergeAll({ run: word.run, api: apiOver([ADA, GRACE], queries) }, "LastName LIKE 'H%'");
    assert.equal(merged.length, 2);
    assert.equal(word.opened.length, 2);
    assert.deepEqual(queries[0], {
      object: 'Contact',
      fields: ['FirstName', 'LastName', 'Account.Name'],
      where: "LastName LIKE 'H%'",
      limit: 200,
    });
  });

  it('finds records by name for the user to choose from', async () => {
    const api = apiOver([{ Id: '003A', Name: 'Ada Lovelace' }]);
    assert.deepEqual(await findRecords(api, 'Contact', ''), [{ id: '003A', name: 'Ada Lovelace' }]);
  });

  it('says so when a template has no merge fields, or mixes two objects', async () => {
    const empty = new FakeWord();
    empty.type('Hello');
    await assert.rejects(fillForRecord({ run: empty.run, api: apiOver([ADA]) }, '003A'), /no Salesforce merge fields/);
    await word.run((ctx) => insertMergeField(ctx, { object: 'Lead', name: 'Company', label: 'Company' }));
    await assert.rejects(
      word.run((ctx) => templateFields(ctx)),
      /mixes merge fields of Contact and Lead/,
    );
  });

  it('reads only its own tags', () => {
    assert.deepEqual(parseMergeTag('sfo-merge:Lead:ConvertedAccount.Name'), {
      object: 'Lead',
      name: 'ConvertedAccount.Name',
    });
    assert.equal(parseMergeTag('someone-else:FirstName'), null);
    assert.equal(parseMergeTag(null), null);
  });
});
