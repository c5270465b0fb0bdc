/**
 * The add-in's pages built once for the whole test run (each browser test file needs them; webpack takes seconds),
 * offline, into dist/ as `npm start` serves them.
 */
import { ensurePaneBuilt } from '../../sync-engine/src/addin-site/build';

let built: Promise<void> | null = null;

/**
 * Build dist/ the first time it is asked for in this process, unless it is up to date (the run's global setup built
 * it); later calls wait for the same build.
 */
export function paneBuilt(): Promise<void> {
  built ??= ensurePaneBuilt().then(
    () => undefined,
    (err: unknown) => {
      built = null;
      throw err;
    },
  );
  return built;
}
