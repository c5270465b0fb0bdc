/**
 * A failure on Salesforce's side at sign-in is not a credentials problem (issue 10, seen by `npm run chaos`): the
 * org answers the SOAP login with a fault, status 500, as Salesforce does. UNKNOWN_EXCEPTION and SERVER_UNAVAILABLE
 * may pass: the run pauses as for an org that cannot be reached ("The next run tries again"); INVALID_LOGIN, with
 * the same status, is still a refused sign-in.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { startSyncWorld, ANN_TOKEN, SyncWorld } from '../../helpers/sync';
import { notice } from '../../../sync-engine/src/products/notices';

function soapFault(code: string, text: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault>' +
    `<faultcode>sf:${code}</faultcode><faultstring>${code}: ${text}</faultstring>` +
    '</soapenv:Fault></soapenv:Body></soapenv:Envelope>'
  );
}

describe('sync engine: a server error at sign-in pauses the run; it does not blame the credentials', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  let server: http.Server;
  let answer = { code: '', text: '' };

  before(async () => {
    w = await startSyncWorld({});
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(500, { 'content-type': 'text/xml; charset=utf-8' });
        res.end(soapFault(answer.code, answer.text));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    w.reconfigure({
      mailbox: { url: w.mailbox.url, token: ANN_TOKEN },
      org: { loginUrl: `http://127.0.0.1:${port}`, username: 'ann@test.example', password: 'Ann-pass-1' },
    });
  });
  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await w?.close();
  });

  for (const code of ['UNKNOWN_EXCEPTION', 'SERVER_UNAVAILABLE']) {
    it(`${code} (status 500): paused as unreachable, the next run tries again`, async () => {
      answer = { code, text: 'An unexpected error occurred. Please include this ErrorId if you contact support.' };
      const run = await w.engine.runOnce();
      assert.equal(run.status.state, 'stopped');
      const reason = `${code}: ${answer.text}`;
      assert.deepEqual(run.status.stopReason, { kind: 'unreachable', side: 'salesforce', message: reason });
      assert.equal(run.status.message, notice('sync.unreachable', { side: 'Salesforce', reason }));
    });
  }

  it('INVALID_LOGIN with the same status is still a refused sign-in', async () => {
    answer = { code: 'INVALID_LOGIN', text: 'Invalid username, password, security token; or user locked out.' };
    const run = await w.engine.runOnce();
    assert.equal(run.status.state, 'stopped');
    assert.equal(run.status.stopReason?.kind, 'authFailed');
  });
});
