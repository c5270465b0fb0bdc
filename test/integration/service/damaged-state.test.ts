/**
 * A damaged per-user state file with no good copy (issue 10, finding 6): sign-in still works (it answered 500 to
 * every sign-in before), the status names the file and what to do, sync now is refused with the same text, and
 * "Start over" from the pane syncs again from the links still readable in it: nothing duplicated, nothing
 * deleted since copied back, the damaged file kept.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { damageLinksIndexPage } from '../../helpers/state-damage';
import { userKeyOf } from '../../../sync-engine/src/service/account';
import { startServiceWorld, ServiceWorld } from '../../helpers/service';
import { ANN } from '../../helpers/mailbox';

describe('service: a damaged sync state with no good copy', function () {
  this.timeout(60_000);
  let w: ServiceWorld;
  let secret: string;
  let stateDir: string;
  const call = (method: string, urlPath: string) => w.call(method, urlPath, { secret });
  const outlookContacts = async () =>
    (
      (await fetch(`${w.mailbox.url}/v1.0/me/contacts?$top=100`, {
        headers: { authorization: `Bearer ${ANN.token}` },
      }).then((r) => r.json())) as { value: Array<{ id: string; surname: string }> }
    ).value;

  before(async () => {
    w = await startServiceWorld();
    secret = await w.signInAnn();
    stateDir = path.join(w.dataDir, 'users', userKeyOf(w.org.url, 'ann@test.example'));
    const first = await call('POST', '/api/sync-now');
    assert.equal(first.body.state, 'idle', first.text);
  });
  after(async () => {
    await w?.close();
  });

  it('sign-in answers 200 and the status names the damaged file and "Start over"; sync now is refused with the same text', async () => {
    // One contact deleted in Outlook since the last run, then the state file's index page damaged and no good copy.
    const [gone] = (await outlookContacts()).filter((c) => c.surname !== 'Hopper');
    assert.equal(
      (
        await fetch(`${w.mailbox.url}/v1.0/me/contacts/${gone.id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${ANN.token}` },
        })
      ).status,
      204,
    );
    await w.restart();
    const file = path.join(stateDir, 'state.sqlite');
    damageLinksIndexPage(file);
    fs.rmSync(path.join(stateDir, 'state.last-good.sqlite'));

    const again = await w.call('POST', '/api/sign-in', {
      body: {
        orgUrl: w.org.url,
        product: 'salesforce-for-outlook',
        username: 'ann@test.example',
        password: 'Ann-pass-1',
      },
    });
    assert.equal(again.status, 200, again.text);
    secret = again.body.secret;
    const status = (await call('GET', '/api/status')).body;
    assert.equal(status.state, 'stopped');
    assert.equal(status.stopReason, 'stateUnusable');
    assert.ok(status.message.includes(`The sync state file ${file} is damaged`), status.message);
    assert.match(status.message, /select "Start over" in the add-in/);
    const now = await call('POST', '/api/sync-now');
    assert.equal(now.status, 409);
    assert.deepEqual(now.body.error, { code: 'STATE_UNUSABLE', message: status.message });
  });

  it('"Start over" syncs again from the links still readable: nothing duplicated, the contact deleted since stays deleted', async () => {
    const before = (await outlookContacts()).length;
    const res = await call('POST', '/api/start-over');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.state, 'idle', res.text);
    assert.equal(res.body.stopReason, null);
    assert.deepEqual(
      res.body.counts.outlook.contacts,
      { created: 0, updated: 0, deleted: 0 },
      'nothing copied back to Outlook',
    );
    assert.deepEqual(res.body.counts.salesforce.contacts.created, 0, 'nothing duplicated in Salesforce');
    assert.equal((await outlookContacts()).length, before);
    assert.ok(
      fs.readdirSync(stateDir).some((n) => /^state\.sqlite\.set-aside-/.test(n)),
      'the damaged file is kept',
    );
    // Sound again: nothing to start over from.
    const twice = await call('POST', '/api/start-over');
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'NOTHING_TO_START_OVER');
  });
});
