/**
 * The per-install secret the pane presents as `Authorization: Bearer <secret>`: 32 random bytes, base64url,
 * kept in `<dataDir>/service-secret` (0600). The pane gets it only from a successful sign-in; signing out or a
 * different user signing in rotates it, so an older copy is stale.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ServiceError, serviceErrors } from './errors';

export const SECRET_FILE = 'service-secret';
const SECRET_BYTES = 32;
const SECRET_FORM = /^[A-Za-z0-9_-]{43}$/;

export type RandomBytes = (n: number) => Buffer;

export class ServiceSecret {
  private constructor(
    readonly file: string,
    private current: string,
    private readonly random: RandomBytes,
  ) {}

  /** Read the install's secret, or make one (also when the file is unreadable or malformed). */
  static open(dataDir: string, random: RandomBytes = crypto.randomBytes): ServiceSecret {
    const file = path.join(dataDir, SECRET_FILE);
    let value: string | undefined;
    try {
      value = fs.readFileSync(file, 'utf8').trim();
    } catch {
      value = undefined;
    }
    const secret = new ServiceSecret(file, value ?? '', random);
    if (!value || !SECRET_FORM.test(value)) secret.rotate();
    else fs.chmodSync(file, 0o600);
    return secret;
  }

  get value(): string {
    return this.current;
  }

  /** Replace the secret (written to a 0600 temp file, then renamed over the old one). */
  rotate(): string {
    const next = this.random(SECRET_BYTES).toString('base64url');
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${next}\n`, { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, this.file);
    this.current = next;
    return next;
  }

  /** Whether a presented secret is the current one, in constant time (digests make the lengths equal). */
  matches(presented: string): boolean {
    const digest = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest();
    return crypto.timingSafeEqual(digest(presented), digest(this.current));
  }

  /** The error for an Authorization header that does not carry the current secret, or null when it does. */
  check(authorization: string | undefined): ServiceError | null {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) return serviceErrors.missingSecret();
    return this.matches(m[1]) ? null : serviceErrors.staleSecret();
  }
}
