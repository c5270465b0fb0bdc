/**
 * The mappers on their own: each canonical record written to a side and read back as that side answers reads
 * back equal (echo detection hashes it, so anything else would ping-pong), and the conversions that matter:
 * UTC instants, all-day dates with Graph's exclusive end and Salesforce's last day, html bodies, To Do due dates.
 */
import assert from 'node:assert/strict';
import { fromOutlook, toOutlook, htmlToText } from '../../../sync-engine/src/sync/mappers/outlook-records';
import { fromSalesforce, toSalesforce } from '../../../sync-engine/src/sync/mappers/salesforce-records';
import { cleanText, contentHash, matchKeys } from '../../../sync-engine/src/sync/canonical';
import { SyncObject } from '../../../sync-engine/src/sync/objects';
import { Canonical, CanonicalContact, CanonicalEvent, CanonicalTask } from '../../../sync-engine/src/sync/types';

type Obj = Record<string, any>;

/** What the local org (and Salesforce) answers for values written: '' as null, datetimes with +0000, dates as given. */
function asSalesforceAnswers(values: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === '' || v === undefined) out[k] = null;
    else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v))
      out[k] = new Date(v).toISOString().replace('Z', '+0000');
    else out[k] = v;
  }
  return out;
}

/** What Graph answers with `Prefer: outlook.timezone="UTC"`: dateTime with seven fractional digits, no zone suffix. */
function asGraphAnswers(values: Obj): Obj {
  const fix = (t: Obj | null | undefined) =>
    t ? { dateTime: t.dateTime.replace(/(\.\d+)?$/, '').replace(/^(.{19}).*$/, '$1.0000000'), timeZone: 'UTC' } : t;
  return {
    ...values,
    ...(values.start ? { start: fix(values.start), end: fix(values.end) } : {}),
    ...('dueDateTime' in values ? { dueDateTime: fix(values.dueDateTime) } : {}),
  };
}

const contact: CanonicalContact = {
  firstName: 'Grace',
  lastName: 'Hopper',
  email: 'grace@navy.example',
  phone: '+1 555 0100',
  mobilePhone: null,
  company: 'US Navy',
  title: 'Rear Admiral',
  department: null,
  street: '1 Main St\nSuite 2',
  city: 'Arlington',
  state: null,
  postalCode: null,
  country: 'USA',
  notes: 'Met at\nthe conference',
};
const timed: CanonicalEvent = {
  subject: 'Weekly sync',
  location: 'Room 4',
  start: '2027-03-03T14:00:00.000Z',
  end: '2027-03-03T14:30:00.000Z',
  isAllDay: false,
  notes: 'Agenda',
  showAs: 'oof',
  isPrivate: true,
};
const allDay: CanonicalEvent = {
  ...timed,
  subject: 'Offsite',
  location: null,
  start: '2027-01-20',
  end: '2027-01-22',
  isAllDay: true,
  notes: null,
  showAs: 'free',
  isPrivate: false,
};
const oneDay: CanonicalEvent = { ...allDay, start: '2027-01-20', end: '2027-01-21' };
const tasks: CanonicalTask[] = (['notStarted', 'inProgress', 'completed', 'waitingOnOthers', 'deferred'] as const).map(
  (status, i) => ({
    subject: `Task ${status}`,
    dueDate: i % 2 ? null : '2027-01-05',
    status,
    priority: (['low', 'normal', 'high'] as const)[i % 3],
    notes: i % 2 ? 'Notes' : null,
  }),
);

const roundTrips: Array<[SyncObject, string, Canonical]> = [
  ['contacts', 'a contact', contact],
  [
    'contacts',
    'a contact with only a last name',
    {
      ...contact,
      firstName: null,
      email: null,
      phone: null,
      company: null,
      title: null,
      street: null,
      city: null,
      country: null,
      notes: null,
    },
  ],
  ['events', 'a timed event', timed],
  [
    'events',
    'a timed event without subject, location or notes',
    { ...timed, subject: null, location: null, notes: null, showAs: 'busy', isPrivate: false },
  ],
  ['events', 'an all-day event of two days', allDay],
  ['events', 'an all-day event of one day', oneDay],
  ...tasks.map((t): [SyncObject, string, Canonical] => ['tasks', `a task ${t.status}, ${t.priority}`, t]),
];

describe('sync/mappers: a record written to a side reads back equal (no ping-pong)', () => {
  for (const [object, what, data] of roundTrips) {
    it(`${what}, through Salesforce`, () => {
      const back = fromSalesforce(object, asSalesforceAnswers(toSalesforce(object, data)));
      assert.deepEqual(back, data);
      assert.equal(contentHash(back), contentHash(data));
    });
    it(`${what}, through Outlook`, () => {
      const back = fromOutlook(object, asGraphAnswers(toOutlook(object, data)));
      assert.deepEqual(back, data);
    });
  }

  it('a contact written with an empty business address reads back with nulls, not empty strings', () => {
    const written = toOutlook('contacts', { ...contact, street: null, city: null, country: null });
    assert.deepEqual(written.businessAddress, { street: '', city: '', state: '', postalCode: '', countryOrRegion: '' });
    const back = fromOutlook('contacts', written) as CanonicalContact;
    assert.deepEqual([back.street, back.city, back.country], [null, null, null]);
  });
});

describe('sync/mappers: events', () => {
  it('Graph UTC dateTimes become ISO instants, and go back without an offset in UTC', () => {
    const e = fromOutlook('events', {
      subject: 'x',
      start: { dateTime: '2027-03-17T13:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2027-03-17T13:30:00.0000000', timeZone: 'UTC' },
    }) as CanonicalEvent;
    assert.deepEqual([e.start, e.end, e.isAllDay], ['2027-03-17T13:00:00.000Z', '2027-03-17T13:30:00.000Z', false]);
    assert.deepEqual(toOutlook('events', e).start, { dateTime: '2027-03-17T13:00:00.000', timeZone: 'UTC' });
  });

  it('Salesforce datetimes with +0000 become ISO instants', () => {
    const e = fromSalesforce('events', {
      Subject: 'x',
      StartDateTime: '2027-03-03T14:00:00.000+0000',
      EndDateTime: '2027-03-03T14:30:00.000+0000',
      IsAllDayEvent: false,
    }) as CanonicalEvent;
    assert.deepEqual([e.start, e.end], ['2027-03-03T14:00:00.000Z', '2027-03-03T14:30:00.000Z']);
  });

  it('an all-day event: Graph dates with an exclusive end <-> Salesforce ActivityDate and the last day', () => {
    assert.deepEqual(toSalesforce('events', allDay), {
      Subject: 'Offsite',
      Location: null,
      Description: null,
      ShowAs: 'Free',
      IsPrivate: false,
      IsAllDayEvent: true,
      ActivityDate: '2027-01-20',
      StartDateTime: '2027-01-20T00:00:00.000Z',
      EndDateTime: '2027-01-21T00:00:00.000Z',
    });
    assert.deepEqual(toOutlook('events', allDay).end, { dateTime: '2027-01-22T00:00:00.0000000', timeZone: 'UTC' });
    assert.equal(
      (toSalesforce('events', oneDay) as Obj).EndDateTime,
      '2027-01-20T00:00:00.000Z',
      'a one-day event ends the day it starts',
    );
    const fromSf = fromSalesforce('events', {
      Subject: 'Conference',
      IsAllDayEvent: true,
      ActivityDate: '2027-02-01',
      StartDateTime: '2027-02-01T00:00:00.000+0000',
      EndDateTime: '2027-02-02T00:00:00.000+0000',
    }) as CanonicalEvent;
    assert.deepEqual([fromSf.start, fromSf.end], ['2027-02-01', '2027-02-03']);
  });

  it('an all-day event Graph shows at another midnight still has its dates', () => {
    const e = fromOutlook('events', {
      isAllDay: true,
      start: { dateTime: '2027-01-20T05:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2027-01-22T05:00:00.0000000', timeZone: 'UTC' },
    }) as CanonicalEvent;
    assert.deepEqual([e.start, e.end], ['2027-01-20', '2027-01-22']);
  });

  // Regression: a timed event was written with ActivityDate null; the org derives it from StartDateTime.
  it('a timed event leaves ActivityDate to the org', () => {
    assert.equal('ActivityDate' in toSalesforce('events', timed), false);
  });

  it("Outlook's html bodies reach Salesforce as the text a reader sees", () => {
    const graphHtml =
      '<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n<style type="text/css">p { margin: 0 }</style>\r\n</head>\r\n<body>\r\n<div>Agenda:&nbsp;<b>budget</b> &amp; plans<br>\r\nBring &quot;slides&quot; &#8211; &#x263A;</div>\r\n<p>Second   paragraph</p><!-- a comment -->\r\n</body>\r\n</html>\r\n';
    const e = fromOutlook('events', {
      start: { dateTime: '2027-01-01T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2027-01-01T11:00:00', timeZone: 'UTC' },
      body: { contentType: 'html', content: graphHtml },
    }) as CanonicalEvent;
    assert.equal(e.notes, 'Agenda: budget & plans\nBring "slides" \u2013 \u263A\nSecond paragraph');
    assert.equal(htmlToText(''), '');
    assert.equal(htmlToText('<p></p>'), '');
  });

  it('a link in an html body keeps its address after its text, unless the text is the address', () => {
    assert.equal(
      htmlToText('<p>See <a href="https://x.example/a?b=1&amp;c=2" target="_blank">the <b>plan</b></a>.</p>'),
      'See the plan (https://x.example/a?b=1&c=2).',
    );
    assert.equal(htmlToText("<a href='https://x.example/'>https://x.example</a>"), 'https://x.example');
    assert.equal(
      htmlToText('<a href="mailto:ops@x.example">ops@x.example</a> or <a href="mailto:ops@x.example">Ops</a>'),
      'ops@x.example or Ops (ops@x.example)',
    );
    assert.equal(
      htmlToText('<a href="#top">Top</a> <a href="javascript:void(0)">Menu</a> <a name="x">Anchor</a>'),
      'Top Menu Anchor',
    );
    assert.equal(htmlToText('<a href=https://x.example/p><img src="logo.png"></a>'), 'https://x.example/p');
    assert.equal(
      htmlToText('<a href="https://x.example/?q=&amp;lt;">odd</a>'),
      'odd (https://x.example/?q=&lt;)',
      'references in the address are decoded once',
    );
  });

  it('text bodies keep their lines; CRLF and surrounding blanks do not make a difference', () => {
    const read = (content: string) =>
      (
        fromOutlook('events', {
          start: { dateTime: '2027-01-01T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2027-01-01T11:00:00', timeZone: 'UTC' },
          body: { contentType: 'text', content },
        }) as CanonicalEvent
      ).notes;
    assert.equal(read('one\r\ntwo\n'), 'one\ntwo');
    assert.equal(read('   '), null);
    assert.equal(
      (
        fromSalesforce('events', {
          StartDateTime: '2027-01-01T10:00:00.000+0000',
          EndDateTime: '2027-01-01T11:00:00.000+0000',
          Description: 'one\r\ntwo ',
        }) as CanonicalEvent
      ).notes,
      'one\ntwo',
    );
  });

  it('showAs: tentative and working elsewhere are busy to Salesforce', () => {
    const read = (showAs: string) =>
      (
        fromOutlook('events', {
          showAs,
          start: { dateTime: '2027-01-01T10:00:00', timeZone: 'UTC' },
          end: { dateTime: '2027-01-01T11:00:00', timeZone: 'UTC' },
        }) as CanonicalEvent
      ).showAs;
    assert.deepEqual(['busy', 'free', 'oof', 'tentative', 'workingElsewhere', 'unknown'].map(read), [
      'busy',
      'free',
      'oof',
      'busy',
      'busy',
      'busy',
    ]);
  });
});

describe('sync/mappers: tasks and contacts', () => {
  const due = (dateTime: string) =>
    (fromOutlook('tasks', { title: 't', dueDateTime: { dateTime, timeZone: 'UTC' } }) as CanonicalTask).dueDate;

  it("a To Do due date set at midnight in the user's zone keeps its day (To Do answers in UTC)", () => {
    assert.equal(due('2027-01-05T00:00:00.0000000'), '2027-01-05', 'UTC');
    assert.equal(due('2027-01-05T05:00:00.0000000'), '2027-01-05', 'New York');
    assert.equal(due('2027-01-04T15:00:00.0000000'), '2027-01-05', 'Tokyo');
    assert.equal(due('2027-01-04T12:00:00.0000000'), '2027-01-05', 'Auckland, standard time');
    assert.equal(due('2027-01-05T11:00:00.0000000'), '2027-01-05', 'Pago Pago');
  });

  it('Salesforce task picklists map both ways', () => {
    assert.deepEqual(toSalesforce('tasks', tasks[3]), {
      Subject: 'Task waitingOnOthers',
      ActivityDate: null,
      Status: 'Waiting on someone else',
      Priority: 'Low',
      Description: 'Notes',
    });
    const t = fromSalesforce('tasks', {
      Subject: 'x',
      Status: 'Deferred',
      Priority: 'High',
      ActivityDate: '2027-02-02',
    }) as CanonicalTask;
    assert.deepEqual([t.status, t.priority, t.dueDate], ['deferred', 'high', '2027-02-02']);
    const unknown = fromSalesforce('tasks', {
      Subject: 'x',
      Status: 'Custom status',
      Priority: 'Urgent',
    }) as CanonicalTask;
    assert.deepEqual([unknown.status, unknown.priority], ['notStarted', 'normal']);
  });

  it('contacts: blanks are no value on either side; the first email and business phone map', () => {
    const c = fromOutlook('contacts', {
      givenName: '  ',
      surname: 'Hopper',
      emailAddresses: [{ address: 'grace@navy.example' }, { address: 'second@navy.example' }],
      businessPhones: ['1', '2'],
    }) as CanonicalContact;
    assert.deepEqual([c.firstName, c.email, c.phone], [null, 'grace@navy.example', '1']);
    assert.equal(
      (fromSalesforce('contacts', { LastName: 'Hopper', FirstName: ' ' }) as CanonicalContact).firstName,
      null,
    );
  });

  it('cleanText: CRLF as LF, trimmed, empty as null; anything but a string is null', () => {
    assert.deepEqual([cleanText(' a\r\nb '), cleanText(''), cleanText(null), cleanText(3)], ['a\nb', null, null, null]);
  });
});

describe('sync/canonical', () => {
  it('contentHash: the same content hashes alike whatever the key order; undefined counts as null', () => {
    const reordered = Object.fromEntries(Object.entries(contact).reverse()) as unknown as CanonicalContact;
    assert.equal(contentHash(reordered), contentHash(contact));
    assert.equal(contentHash({ ...contact, state: undefined } as unknown as CanonicalContact), contentHash(contact));
    assert.notEqual(contentHash({ ...contact, title: 'Commodore' }), contentHash(contact));
  });

  it('matchKeys: contacts by email then name and company; events by subject and start; tasks by subject and due date', () => {
    assert.deepEqual(matchKeys('contacts', { ...contact, email: ' Grace@Navy.EXAMPLE ' }), [
      'email:grace@navy.example',
      'name:grace|hopper|us navy',
    ]);
    assert.deepEqual(matchKeys('contacts', { ...contact, email: null, lastName: null }), []);
    assert.deepEqual(matchKeys('events', timed), ['event:weekly sync|2027-03-03T14:00:00.000Z']);
    assert.deepEqual(matchKeys('events', allDay), ['event:offsite|2027-01-20']);
    assert.deepEqual(matchKeys('tasks', tasks[0]), ['task:task notstarted|2027-01-05']);
  });
});
