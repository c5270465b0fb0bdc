/**
 * A self-signed certificate for serving the mailbox over https (`--tls`): the Graph JS client follows
 * links and sends its token only over https (WIRE.md 0.2). No certificate package is installed, and Node
 * cannot make an X.509 certificate by itself, so the `openssl` command makes one (EC P-256, for localhost,
 * 127.0.0.1 and ::1). It is kept beside the data and reused on the next start.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { privateDir, privateFile } from '../common/private-files';

export interface TlsMaterial {
  key: string;
  cert: string;
  certPath: string;
  keyPath: string;
}

export class TlsError extends Error {}

/** The certificate in `dir` (cert.pem, key.pem), made first when it is not there. */
export function selfSignedCertificate(dir: string): TlsMaterial {
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  privateDir(dir);
  if (!fs.existsSync(certPath) || !fs.existsSync(keyPath)) {
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          keyPath,
          '-out',
          certPath,
          '-days',
          '825',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:0:0:0:0:0:0:0:1',
        ],
        { stdio: 'pipe' },
      );
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
      if (e.code === 'ENOENT')
        throw new TlsError('--tls needs the openssl command on PATH to make a self-signed certificate');
      throw new TlsError(`openssl could not make a certificate: ${e.stderr?.toString().trim() || e.message}`);
    }
  }
  privateFile(keyPath);
  privateFile(certPath);
  return { key: fs.readFileSync(keyPath, 'utf8'), cert: fs.readFileSync(certPath, 'utf8'), certPath, keyPath };
}
