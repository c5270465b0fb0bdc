/** Password hashes and lockout (issue 10, finding 7): Node's default scrypt cost, older hashes kept usable and upgraded. */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { OrgStore } from '../../../sync-engine/src/local-org/store';
import {
  Credentials,
  MAX_INVALID_ATTEMPTS,
  PASSWORD_COST,
  hashPassword,
  scryptCostOf,
  verifyPassword,
} from '../../../sync-engine/src/local-org/credentials';

/** A hash as the previous version stored it: `scrypt$1024$salt$hash` (N=1024, r=8, p=1). */
function legacyHash(password: string): string {
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 });
  return `scrypt$1024$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Node's own default scrypt cost, read from what it computes, not from our constant. */
function nodeDefaultN(): number {
  const salt = Buffer.alloc(16);
  const byDefault = crypto.scryptSync('x', salt, 32);
  for (const N of [1024, 2048, 4096, 8192, 16384, 32768])
    if (crypto.scryptSync('x', salt, 32, { N }).equals(byDefault)) return N;
  throw new Error("Node's default scrypt N is not a power of two up to 32768");
}

describe('local-org/credentials', function () {
  this.timeout(20_000);
  let store: OrgStore;
  let credentials: Credentials;
  const storedHash = (userId: string) =>
    (
      store.db.prepare(`SELECT password_hash FROM credentials WHERE user_id = ?`).get(userId) as {
        password_hash: string;
      }
    ).password_hash;

  beforeEach(() => {
    store = new OrgStore(':memory:');
    credentials = new Credentials(store);
  });
  afterEach(() => store.close());

  it("hashes at Node's default scrypt cost or stronger, the parameters stored with the hash", async () => {
    const hash = await hashPassword('Ann-pass-1');
    const cost = scryptCostOf(hash)!;
    assert.ok(cost.N >= nodeDefaultN(), `N=${cost.N} is below Node's default ${nodeDefaultN()}`);
    assert.deepEqual(cost, PASSWORD_COST);
    assert.match(hash, /^scrypt\$n=\d+,r=\d+,p=\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.equal(await verifyPassword('Ann-pass-1', hash), true);
    assert.equal(await verifyPassword('Ann-pass-2', hash), false);
  });

  it('still accepts a password hashed by the previous version (N=1024), and stores it again at the current cost', async () => {
    store.db
      .prepare(`INSERT INTO credentials (user_id, password_hash) VALUES (?, ?)`)
      .run('005A', legacyHash('Old-pass-1'));
    assert.equal(await credentials.check('005A', 'Wrong-pass'), 'invalid-password');
    assert.deepEqual(scryptCostOf(storedHash('005A')), { N: 1024, r: 8, p: 1 }, 'a failed login leaves the hash alone');
    assert.equal(await credentials.check('005A', 'Old-pass-1'), 'ok');
    assert.deepEqual(scryptCostOf(storedHash('005A')), PASSWORD_COST);
    assert.equal(await credentials.check('005A', 'Old-pass-1'), 'ok');
    assert.equal(await credentials.check('005A', 'Wrong-pass'), 'invalid-password');
  });

  it('counts failures that run at the same time: ten at once lock the user out', async () => {
    await credentials.setPassword('005B', 'Bob-pass-1');
    const attempts = await Promise.all(
      Array.from({ length: MAX_INVALID_ATTEMPTS }, () => credentials.check('005B', 'Wrong-pass')),
    );
    assert.equal(attempts.filter((a) => a === 'locked-out').length, 1);
    assert.equal(await credentials.check('005B', 'Bob-pass-1'), 'locked-out');
  });

  it('refuses what is not a hash it wrote', async () => {
    store.db.prepare(`INSERT INTO credentials (user_id, password_hash) VALUES (?, ?)`).run('005C', 'md5$abc');
    assert.equal(await credentials.check('005C', 'abc'), 'invalid-password');
    assert.equal(scryptCostOf('md5$abc'), undefined);
  });
});
