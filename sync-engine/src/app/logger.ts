/** The engine's log: winston to `<dataDir>/sync.log` (0600), with secrets redacted from every line. */
import path from 'node:path';
import { privateDir, privateFile } from '../common/private-files';
import winston from 'winston';

/** Mask what looks like a secret: session ids, bearer tokens, passwords in key=value or JSON form. */
export function redact(text: string): string {
  return text
    .replace(/\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g, '[session id]')
    .replace(/(Bearer|OAuth)\s+[A-Za-z0-9._~+/!=-]+/gi, '$1 [redacted]')
    .replace(
      /("?(?:password|passwd|pw|token|access_token|refresh_token|client_secret|sessionId)"?\s*[:=]\s*)"?[^"&\s,}]+"?/gi,
      '$1[redacted]',
    );
}

export function createSyncLogger(dataDir: string): winston.Logger {
  privateDir(dataDir);
  const file = path.join(dataDir, 'sync.log');
  privateFile(file);
  return winston.createLogger({
    level: 'info',
    format: winston.format.combine(
      winston.format((info) => ({ ...info, message: redact(String(info.message)) }))(),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports: [new winston.transports.File({ filename: file })],
  });
}
