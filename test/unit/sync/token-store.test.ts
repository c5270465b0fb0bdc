/**
 * The stored sign-in: AES-256-GCM with a key outside the data dir. Round trip, a changed key, an altered file
 * (ciphertext, tag or owner fields), the files' permissions, and where the key lives.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  TOKEN_FILE,
  TokenStore,
  TokenStoreError,
  sameOwner,
  tokenKeyFile,
} from '../../../sync-engine/src/app/token-store';

const SIGN_IN = {
  loginUrl: 'https://acme.my.salesforce.com',
  clientId: '3MVG9-connected-app',
  username: 'ann@acme.example',
  refreshToken: '5Aep861-the-refresh-token-itself',
};
const unix = process.platform !== 'win32';

describe('token store', () => {
  let dir: string;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const store = (o: { env?: NodeJS.ProcessEnv } = {}) =>
    new TokenStore(dataDir, { env: o.env ?? env, now: () => new Date('2026-06-01T12:00:00.000Z') });
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (err) {
      assert.ok(err instanceof TokenStoreError, String(err));
      return err.code;
    }
    return 'no error';
  };
  const editFile = (change: (f: Record<string, string>) => void) => {
    const file = path.join(dataDir, TOKEN_FILE);
    const f = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    change(f);
    fs.writeFileSync(file, JSON.stringify(f));
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-token-store-'));
    dataDir = path.join(dir, 'data');
    env = { SFO_TOKEN_KEY_FILE: path.join(dir, 'config', 'sfo-compat', 'token.key') };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round trip: what is saved loads back; the file names the owner but never holds the token in clear', () => {
    const s = store();
    assert.equal(s.exists(), false);
    assert.equal(s.load(), null);
    s.save(SIGN_IN);
    assert.equal(s.exists(), true);
    assert.deepEqual(s.load(), SIGN_IN);
    assert.deepEqual(s.owner(), { loginUrl: SIGN_IN.loginUrl, clientId: SIGN_IN.clientId, username: SIGN_IN.username });
    const text = fs.readFileSync(s.file, 'utf8');
    assert.ok(!text.includes(SIGN_IN.refreshToken), 'no refresh token in clear');
    assert.ok(!text.includes(Buffer.from(SIGN_IN.refreshToken).toString('base64')), 'nor merely encoded');
    const f = JSON.parse(text);
    assert.deepEqual(Object.keys(f), [
      'format',
      'loginUrl',
      'clientId',
      'username',
      'savedAt',
      'cipher',
      'iv',
      'tag',
      'encryptedRefreshToken',
    ]);
    assert.equal(f.cipher, 'aes-256-gcm');
    assert.equal(f.savedAt, '2026-06-01T12:00:00.000Z');
    assert.equal(Buffer.from(f.iv, 'base64').length, 12);
    assert.equal(Buffer.from(f.tag, 'base64').length, 16);
    assert.deepEqual(fs.readdirSync(dataDir), [TOKEN_FILE], 'no temp file left behind');
  });

  it('a second save replaces the first with a fresh IV, under the same key', () => {
    const s = store();
    s.save(SIGN_IN);
    const key = fs.readFileSync(s.keyFile);
    const iv = JSON.parse(fs.readFileSync(s.file, 'utf8')).iv;
    s.save({ ...SIGN_IN, refreshToken: '5Aep861-the-next-one' });
    assert.equal(store().load()!.refreshToken, '5Aep861-the-next-one');
    assert.deepEqual(fs.readFileSync(s.keyFile), key);
    assert.notEqual(JSON.parse(fs.readFileSync(s.file, 'utf8')).iv, iv);
  });

  (unix ? it : it.skip)('permissions: token file 0600, key file 0600 in a 0700 folder, data dir made 0700', () => {
    const s = store();
    s.save(SIGN_IN);
    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    assert.equal(mode(s.file), 0o600);
    assert.equal(mode(s.keyFile), 0o600);
    assert.equal(mode(path.dirname(s.keyFile)), 0o700);
    assert.equal(mode(dataDir), 0o700);
    assert.equal(fs.statSync(s.keyFile).size, 32);
  });

  it('another key cannot decrypt it: TOKEN_UNDECRYPTABLE, telling to sign in again; so with the key file gone', () => {
    const s = store();
    s.save(SIGN_IN);
    fs.writeFileSync(s.keyFile, crypto.randomBytes(32), { mode: 0o600 });
    assert.equal(
      code(() => store().load()),
      'TOKEN_UNDECRYPTABLE',
    );
    assert.throws(
      () => store().load(),
      (err: TokenStoreError) => {
        assert.match(
          err.message,
          /cannot be used: it does not decrypt with the key in .*token\.key \(the key changed, or the file was altered\)\.$/,
        );
        assert.ok(!err.message.includes(SIGN_IN.refreshToken));
        assert.equal(err.signInAgainFixes, true);
        return true;
      },
    );
    fs.rmSync(s.keyFile);
    assert.equal(
      code(() => store().load()),
      'TOKEN_UNDECRYPTABLE',
    );
    // Signing in again makes a new key and works.
    s.save(SIGN_IN);
    assert.deepEqual(store().load(), SIGN_IN);
  });

  it('an altered file is refused: ciphertext, tag, or the owner fields beside them', () => {
    const flip = (b64: string) => {
      const b = Buffer.from(b64, 'base64');
      b[0] ^= 1;
      return b.toString('base64');
    };
    const cases: Array<(f: Record<string, string>) => void> = [
      (f) => (f.encryptedRefreshToken = flip(f.encryptedRefreshToken)),
      (f) => (f.tag = flip(f.tag)),
      (f) => (f.iv = flip(f.iv)),
      (f) => (f.username = 'mallory@acme.example'),
      (f) => (f.loginUrl = 'https://evil.example'),
    ];
    for (const change of cases) {
      store().save(SIGN_IN);
      editFile(change);
      assert.equal(
        code(() => store().load()),
        'TOKEN_UNDECRYPTABLE',
        change.toString(),
      );
    }
    fs.writeFileSync(path.join(dataDir, TOKEN_FILE), 'not json');
    assert.equal(
      code(() => store().load()),
      'TOKEN_FILE_DAMAGED',
    );
    editFileRaw(path.join(dataDir, TOKEN_FILE), { format: 'sfo-compat-token/1', cipher: 'aes-256-gcm' });
    assert.equal(
      code(() => store().load()),
      'TOKEN_FILE_DAMAGED',
    );
  });

  it('a key file of the wrong size is refused, and never replaced by a save', () => {
    fs.mkdirSync(path.dirname(env.SFO_TOKEN_KEY_FILE!), { recursive: true });
    fs.writeFileSync(env.SFO_TOKEN_KEY_FILE!, 'short', { mode: 0o600 });
    assert.equal(
      code(() => store().save(SIGN_IN)),
      'KEY_FILE_INVALID',
    );
    assert.equal(fs.readFileSync(env.SFO_TOKEN_KEY_FILE!, 'utf8'), 'short');
    assert.equal(store().exists(), false);
  });

  (unix ? it : it.skip)('a key file others can read is refused with the chmod that fixes it', () => {
    const s = store();
    s.save(SIGN_IN);
    fs.chmodSync(s.keyFile, 0o644);
    assert.equal(
      code(() => store().load()),
      'KEY_FILE_TOO_OPEN',
    );
    assert.throws(
      () => store().load(),
      (err: Error) => err.message.endsWith(`Run: chmod 600 ${s.keyFile}`),
    );
    fs.chmodSync(s.keyFile, 0o600);
    assert.deepEqual(store().load(), SIGN_IN);
  });

  it('the key never sits in the data dir', () => {
    const s = store({ env: { SFO_TOKEN_KEY_FILE: path.join(dataDir, 'token.key') } });
    assert.equal(
      code(() => s.save(SIGN_IN)),
      'KEY_IN_DATA_DIR',
    );
    assert.equal(fs.existsSync(path.join(dataDir, 'token.key')), false);
  });

  it('remove deletes the token file, not the key (other data dirs use it)', () => {
    const s = store();
    s.save(SIGN_IN);
    assert.equal(s.remove(), true);
    assert.equal(s.exists(), false);
    assert.equal(s.remove(), false);
    assert.ok(fs.existsSync(s.keyFile));
  });

  it('the key file: SFO_TOKEN_KEY_FILE, else $XDG_CONFIG_HOME/sfo-compat, else ~/.config/sfo-compat', () => {
    assert.equal(
      tokenKeyFile({ SFO_TOKEN_KEY_FILE: '/keys/k', XDG_CONFIG_HOME: '/xdg' }, '/home/ann'),
      path.resolve('/keys/k'),
    );
    assert.equal(tokenKeyFile({ XDG_CONFIG_HOME: '/xdg' }, '/home/ann'), path.join('/xdg', 'sfo-compat', 'token.key'));
    assert.equal(tokenKeyFile({}, '/home/ann'), path.join('/home/ann', '.config', 'sfo-compat', 'token.key'));
    assert.equal(
      tokenKeyFile({ XDG_CONFIG_HOME: 'relative' }, '/home/ann'),
      path.join('/home/ann', '.config', 'sfo-compat', 'token.key'),
      'a relative XDG_CONFIG_HOME is ignored',
    );
  });

  it('a token belongs to one org, app and user (username in any case)', () => {
    assert.ok(sameOwner(SIGN_IN, { ...SIGN_IN, username: 'Ann@Acme.Example', loginUrl: `${SIGN_IN.loginUrl}/` }));
    assert.ok(!sameOwner(SIGN_IN, { ...SIGN_IN, username: 'bob@acme.example' }));
    assert.ok(!sameOwner(SIGN_IN, { ...SIGN_IN, loginUrl: 'https://login.salesforce.com' }));
    assert.ok(!sameOwner(SIGN_IN, { ...SIGN_IN, clientId: 'another-app' }));
  });
});

function editFileRaw(file: string, content: unknown): void {
  fs.writeFileSync(file, JSON.stringify(content));
}
