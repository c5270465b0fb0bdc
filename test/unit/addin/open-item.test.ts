/**
 * The side panel's Office glue (addin/office/open-item.ts): the people of a message (from, to, cc) and of a meeting
 * (organizer, required and optional attendees) without the user's own address, the item's key, what Add Email and
 * Add meeting send, and the ItemChanged registration, guarded as office.js behaves outside Outlook.
 */
/// <reference types="office-js" />
import assert from 'node:assert/strict';
import { onItemChanged, readItemToAdd, readOpenItem } from '../../../addin/office/open-item';

const body = (text: string) => ({
  getAsync: (_c: string, cb: (r: unknown) => void) => cb({ status: 'succeeded', value: text }),
});
const ann = { emailAddress: 'Ann@Test.example', displayName: 'Ann' };
const grace = { emailAddress: 'grace@navy.example', displayName: 'Grace Hopper' };
const ada = { emailAddress: 'ada@engines.example', displayName: '' };

const message = {
  itemType: 'message',
  internetMessageId: '<m-1@navy.example>',
  subject: 'COBOL',
  from: grace,
  to: [ann, ada],
  cc: [{ emailAddress: 'kj@nasa.example', displayName: 'Katherine Johnson' }],
  dateTimeCreated: new Date(Date.UTC(2026, 2, 5, 14, 30)),
  body: body('Hello'),
} as unknown as Office.Item;

const meeting = {
  itemType: 'appointment',
  itemId: 'AAMk-1',
  subject: 'Review',
  organizer: grace,
  requiredAttendees: [ann],
  optionalAttendees: [ada],
  start: new Date(Date.UTC(2026, 2, 10, 15)),
  end: new Date(Date.UTC(2026, 2, 10, 16)),
  location: 'Room 4',
  body: body('Agenda'),
} as unknown as Office.Item;

describe('addin/office/open-item', () => {
  it("a message's people: from, to and cc with their roles, the user's own address (any case) left out", () => {
    const item = readOpenItem(message, 'ann@test.example');
    assert.deepEqual(item, {
      kind: 'email',
      key: '<m-1@navy.example>',
      subject: 'COBOL',
      people: [
        { address: 'grace@navy.example', name: 'Grace Hopper', role: 'from' },
        { address: 'ada@engines.example', name: null, role: 'to' },
        { address: 'kj@nasa.example', name: 'Katherine Johnson', role: 'cc' },
      ],
    });
  });

  it("a meeting's people: organizer, required and optional attendees; its key is the item id", () => {
    const item = readOpenItem(meeting, 'ann@test.example');
    assert.equal(item?.kind, 'meeting');
    assert.equal(item?.key, 'AAMk-1');
    assert.deepEqual(
      item?.people.map((p) => [p.address, p.role]),
      [
        ['grace@navy.example', 'organizer'],
        ['ada@engines.example', 'optional'],
      ],
    );
  });

  it('no item, or a message without an Internet message id (a draft), shows nothing', () => {
    assert.equal(readOpenItem(null, null), null);
    assert.equal(readOpenItem({ ...message, internetMessageId: '' } as unknown as Office.Item, null), null);
  });

  it('Add meeting sends its times, location and attendees; Add Email its date and addresses', async () => {
    const m = await readItemToAdd(meeting, readOpenItem(meeting, null)!);
    assert.equal(m.kind, 'meeting');
    assert.equal(Date.parse(m.start), Date.UTC(2026, 2, 10, 15));
    assert.equal(Date.parse(m.end!), Date.UTC(2026, 2, 10, 16));
    assert.deepEqual(
      [m.location, m.from?.address, m.to.length, m.cc[0].address, m.body],
      ['Room 4', 'grace@navy.example', 1, 'ada@engines.example', 'Agenda'],
    );
    const e = await readItemToAdd(message, readOpenItem(message, null)!);
    assert.deepEqual([e.kind, e.itemKey, e.end, e.to.length, e.cc.length], ['email', '<m-1@navy.example>', null, 2, 1]);
    assert.equal(Date.parse(e.start), Date.UTC(2026, 2, 5, 14, 30));
  });

  it('ItemChanged is registered only where Outlook offers it', async () => {
    const g = globalThis as { Office?: unknown };
    const saved = g.Office;
    try {
      delete g.Office;
      assert.equal(await onItemChanged({} as Office.Mailbox, () => {}), false, 'no office.js');
      g.Office = { EventType: { ItemChanged: 'olkItemSelectedChanged' } };
      assert.equal(await onItemChanged(null, () => {}), false, 'outside Outlook: no mailbox');
      assert.equal(await onItemChanged({} as Office.Mailbox, () => {}), false, 'an Outlook without addHandlerAsync');
      const registered: string[] = [];
      const mailbox = {
        addHandlerAsync: (type: string, _h: unknown, cb: (r: unknown) => void) => {
          registered.push(type);
          cb({ status: 'succeeded' });
        },
      } as unknown as Office.Mailbox;
      assert.equal(await onItemChanged(mailbox, () => {}), true);
      assert.deepEqual(registered, ['olkItemSelectedChanged']);
    } finally {
      if (saved === undefined) delete g.Office;
      else g.Office = saved;
    }
  });
});
