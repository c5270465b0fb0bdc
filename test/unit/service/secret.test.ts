/** The per-install secret: made once, 0600, kept across opens, rotated on demand, compared whatever its length. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServiceSecret, SECRET_FILE } from '../../../sync-engine/src/service/secret';

describe('service secret', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-secret-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const counting = () => {
    let n = 0;
    return (size: number) => Buffer.alloc(size, ++n);
  };

  it('is 32 random bytes as base64url in a 0600 file, the same on the next open', () => {
    const s = ServiceSecret.open(dir, counting());
    assert.equal(s.value, Buffer.alloc(32, 1).toString('base64url'));
    const file = path.join(dir, SECRET_FILE);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(ServiceSecret.open(dir, counting()).value, s.value);
  });

  it('a malformed file is replaced; a too-open one is made 0600', () => {
    const file = path.join(dir, SECRET_FILE);
    fs.writeFileSync(file, 'short\n', { mode: 0o644 });
    const s = ServiceSecret.open(dir, counting());
    assert.match(s.value, /^[A-Za-z0-9_-]{43}$/);
    fs.chmodSync(file, 0o644);
    ServiceSecret.open(dir);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('rotate makes the old one stale', () => {
    const s = ServiceSecret.open(dir, counting());
    const old = s.value;
    s.rotate();
    assert.notEqual(s.value, old);
    assert.equal(s.check(`Bearer ${s.value}`), null);
    assert.equal(s.check(`Bearer ${old}`)?.code, 'STALE_SECRET');
    assert.equal(fs.readFileSync(path.join(dir, SECRET_FILE), 'utf8').trim(), s.value);
  });

  it('checks the header: missing, another scheme, another length', () => {
    const s = ServiceSecret.open(dir);
    assert.equal(s.check(undefined)?.code, 'MISSING_SECRET');
    assert.equal(s.check(`Basic ${s.value}`)?.code, 'MISSING_SECRET');
    assert.equal(s.check('Bearer x')?.code, 'STALE_SECRET');
    assert.equal(s.check(`Bearer ${s.value}${s.value}`)?.code, 'STALE_SECRET');
    assert.equal(s.check(`bearer ${s.value}`), null);
  });
});
