/**
 * The add-in's pages built once for the whole test run (each browser test file needs them; webpack takes seconds),
 * offline, into dist/ as `npm start` serves them.
 */
import { buildPane } from '../../sync-engine/src/addin-site/build';

let built: Promise<void> | null = null;

/** Build dist/ the first time it is asked for in this process; later calls wait for the same build. */
export function paneBuilt(): Promise<void> {
  built ??= buildPane().catch((err: unknown) => {
    built = null;
    throw err;
  });
  return built;
}
