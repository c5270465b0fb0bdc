/**
 * The development certificate for https://localhost, from office-addin-dev-certs, when it is installed and
 * trusted on this machine. It is never installed from here: that asks to trust a new root authority, which is
 * the user's decision (`npx office-addin-dev-certs install`).
 */
import fs from 'node:fs';

export type DevCert = { ok: true; cert: Buffer; key: Buffer } | { ok: false; why: string };

export function devCertificate(): DevCert {
  let verifyCertificates: () => boolean;
  let paths: { localhostCertificatePath: string; localhostKeyPath: string };
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    verifyCertificates = (require('office-addin-dev-certs') as { verifyCertificates(): boolean }).verifyCertificates;
    paths = require('office-addin-dev-certs/lib/defaults') as typeof paths;
    /* eslint-enable @typescript-eslint/no-require-imports */
  } catch {
    return { ok: false, why: 'office-addin-dev-certs is not installed' };
  }
  const { localhostCertificatePath: certFile, localhostKeyPath: keyFile } = paths;
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) return { ok: false, why: 'no development certificate yet' };
  let trusted: boolean;
  try {
    trusted = verifyCertificates();
  } catch {
    trusted = false;
  }
  if (!trusted) return { ok: false, why: 'the development certificate is not trusted on this machine, or it expired' };
  return { ok: true, cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
}
