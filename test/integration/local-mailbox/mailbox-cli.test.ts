/** `sfo-compat mailbox serve`: what it prints, and a bad seed stopping it with exit 2 and one line per problem. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mailboxServeCommand } from '../../../sync-engine/src/cli/mailbox-command';
import { main } from '../../../sync-engine/src/cli/main';
import { DEMO_MAILBOX_SEED, testMailboxSeed } from '../../helpers/mailbox';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

describe('sfo-compat mailbox serve', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-mailbox-cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves the demo seed and prints the URL and the users, never a token', async () => {
    const c = capture();
    let url = '';
    const code = await mailboxServeCommand(
      { seed: DEMO_MAILBOX_SEED, port: '0', data: path.join(dir, 'data') },
      c.io,
      async () => {
        url = /Graph base URL: (\S+)/.exec(c.out.join(''))![1];
        const res = await fetch(`${url}/me`, { headers: { Authorization: 'Bearer demo-mailbox-token-ann' } });
        assert.equal(((await res.json()) as any).mail, 'ann@demo.example');
      },
    );
    assert.equal(code, 0);
    const text = c.out.join('');
    assert.match(text, /^Seeded local mailbox in /);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1\.0$/);
    assert.match(text, /ann@demo\.example {2}\(Ann Demo, time zone America\/New_York\)/);
    assert.match(text, /_admin\/throttle/);
    assert.ok(!text.includes('demo-mailbox-token-ann'), 'the token is not printed');
    assert.match(
      text,
      /Microsoft identity platform: authority http:\/\/127\.0\.0\.1:\d+\/5d0c5a4e-3f2b-4c1d-9e8f-7a6b5c4d3e2f .*start with --tls/,
    );
    assert.match(
      text,
      /app sfo-compat \(demo\): clientId 8f4b2c1d-6e5a-4b3c-9d2e-1f0a9b8c7d6e, redirect URIs http:\/\/localhost/,
    );
    assert.ok(!text.includes('Demo-Ann-1'), 'the password is not printed');
  });

  it('stops on a bad seed with exit 2 and one line per problem', async () => {
    const seed = testMailboxSeed();
    seed.mailboxes[0].events![2].start = { dateTime: '2026-03-04T15:00:00', timeZone: 'Mars/Base' };
    seed.mailboxes[0].user = 'nobody';
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify(seed));
    const c = capture();
    const code = await mailboxServeCommand({ seed: file, port: '0', data: path.join(dir, 'data') }, c.io, async () =>
      assert.fail('must not serve'),
    );
    assert.equal(code, 2);
    assert.equal(
      c.err.join(''),
      `${file}: the mailbox seed has 2 problems:\n` +
        '  - mailboxes[0].user: required, an email address (got "nobody")\n' +
        '  - mailboxes[0].events[2].start.timeZone: unknown time zone "Mars/Base"\n',
    );
  });

  it('is wired into the CLI (a bad --port is a usage error)', async () => {
    const errs: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => {
      errs.push(String(s));
      return true;
    }) as typeof process.stderr.write;
    try {
      assert.equal(
        await main([
          'mailbox',
          'serve',
          '--seed',
          DEMO_MAILBOX_SEED,
          '--port',
          'eighty',
          '--data',
          path.join(dir, 'd'),
        ]),
        2,
      );
    } finally {
      process.stderr.write = write;
    }
    assert.match(errs.join(''), /--port: "eighty" is not a port number/);
  });
});
