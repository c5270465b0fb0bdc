/**
 * A Salesforce-side edit keeps what only Outlook holds (issue 11, finding 10): an update to Outlook sends only the
 * properties whose values changed, so an event's html body (its links), `tentative`, a `confidential` or `personal`
 * sensitivity and a contact's CRLF notes survive an edit of another field in Salesforce. Links in html bodies reach
 * Salesforce with their URLs, as "text (URL)".
 */
import assert from 'node:assert/strict';
import { SyncWorld, assertQuiet, dayFromToday, startSyncWorld } from '../../helpers/sync';

const D = (n: number) => `${dayFromToday(n)}T15:00:00`;
const AGENDA_HTML =
  '<html><head><style>p{margin:0}</style></head><body><p>See <a href="https://intranet.example/agenda?q=1&amp;r=2">the agenda</a> and ' +
  '<a href="https://intranet.example/">https://intranet.example/</a></p><p>Mail <a href="mailto:ops@example.com">ops@example.com</a></p></body></html>';
const NOTES = 'Met at the fair\r\nLikes tea\r\n';

describe('sync engine: an edit in Salesforce keeps what only Outlook holds', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  const olEvent = async (subject: string) => (await w.list('/me/events?$top=50')).find((e) => e.subject === subject);
  const sfEvent = async (subject: string) =>
    (
      await w.query(
        `SELECT Id, Subject, Location, Description, ShowAs, IsPrivate FROM Event WHERE Subject = '${subject}'`,
      )
    )[0];

  before(async () => {
    w = await startSyncWorld({
      keepSeedContact: false,
      config: {
        objects: {
          contacts: { direction: 'both', winner: 'salesforce' },
          events: { direction: 'both', winner: 'salesforce' },
          tasks: { direction: 'none' },
        },
      },
      mailbox: {
        contacts: [
          {
            givenName: 'Nora',
            surname: 'Notes',
            emailAddresses: [{ address: 'nora@fidelity.example' }],
            jobTitle: 'Buyer',
            personalNotes: NOTES,
          },
        ],
        events: [
          {
            subject: 'Planning',
            body: { contentType: 'html', content: AGENDA_HTML },
            showAs: 'tentative',
            sensitivity: 'confidential',
            start: { dateTime: D(3), timeZone: 'UTC' },
            end: { dateTime: D(3).replace('T15', 'T16'), timeZone: 'UTC' },
          },
          {
            subject: 'Dentist',
            body: { contentType: 'text', content: 'Bring the card\r\nRoom 2' },
            showAs: 'workingElsewhere',
            sensitivity: 'personal',
            start: { dateTime: D(4), timeZone: 'UTC' },
            end: { dateTime: D(4).replace('T15', 'T16'), timeZone: 'UTC' },
          },
        ],
      },
    });
    const { report } = await w.run();
    assert.deepEqual(report.errors, []);
    assertQuiet((await w.run()).report, 'the run after the first');
  });
  after(async () => w?.close());

  it('links in an html body reach Salesforce with their URLs', async () => {
    const sf = await sfEvent('Planning');
    assert.equal(
      sf.Description,
      'See the agenda (https://intranet.example/agenda?q=1&r=2) and https://intranet.example/\nMail ops@example.com',
    );
  });

  it('a Salesforce edit of another field leaves the html body, tentative, confidential, personal and CRLF notes as they were', async () => {
    const [planning, dentist] = [await sfEvent('Planning'), await sfEvent('Dentist')];
    assert.equal((await w.sf.patch(`/sobjects/Event/${planning.Id}`, { Location: 'Room 7' })).status, 204);
    assert.equal((await w.sf.patch(`/sobjects/Event/${dentist.Id}`, { Location: 'Clinic' })).status, 204);
    const [nora] = await w.query("SELECT Id FROM Contact WHERE LastName = 'Notes'");
    assert.equal((await w.sf.patch(`/sobjects/Contact/${nora.Id}`, { Title: 'Head buyer' })).status, 204);

    const { report } = await w.run();
    assert.deepEqual([report.counts.outlook.events.updated, report.counts.outlook.contacts.updated], [2, 1]);
    const p = await olEvent('Planning');
    assert.equal(p.location.displayName, 'Room 7');
    assert.deepEqual(
      [p.body.contentType, p.body.content, p.showAs, p.sensitivity],
      ['html', AGENDA_HTML, 'tentative', 'confidential'],
    );
    const d = await olEvent('Dentist');
    assert.equal(d.location.displayName, 'Clinic');
    assert.deepEqual(
      [d.body.contentType, d.body.content, d.showAs, d.sensitivity],
      ['text', 'Bring the card\r\nRoom 2', 'workingElsewhere', 'personal'],
    );
    const c = (await w.list('/me/contacts')).find((x) => x.surname === 'Notes');
    assert.deepEqual([c.jobTitle, c.personalNotes], ['Head buyer', NOTES]);
    assertQuiet((await w.run()).report, 'the run after');
  });

  it('what Salesforce changes is written: ShowAs, IsPrivate and Description reach Outlook', async () => {
    const planning = await sfEvent('Planning');
    assert.equal(
      (
        await w.sf.patch(`/sobjects/Event/${planning.Id}`, {
          ShowAs: 'Free',
          IsPrivate: true,
          Description: 'New agenda',
        })
      ).status,
      204,
    );
    await w.run();
    const p = await olEvent('Planning');
    assert.deepEqual([p.showAs, p.sensitivity, p.body.content], ['free', 'private', 'New agenda']);
    assertQuiet((await w.run()).report, 'the run after');
  });
});
