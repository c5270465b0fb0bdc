/** Where a `$batch` came in, passed to the requests it runs (batch.ts), for the links they write (paging.ts). */
import crypto from 'node:crypto';

/**
 * How a request run inside a batch knows the batch's origin (a request run in-process or injected has no TLS socket of its own):
 * a header only this process can write, since only it knows the secret.
 */
export const BATCH_ORIGIN_HEADER = 'x-local-mailbox-batch-origin';
export const BATCH_ORIGIN_SECRET = crypto.randomBytes(16).toString('hex');
