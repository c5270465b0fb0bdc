/**
 * Once before the whole run (mocha's global fixture; in parallel mode, in the main process before any worker
 * starts): the add-in's pages, built afresh as `npm start` serves them, so no two workers build them at once and
 * each browser test file finds them up to date.
 */
import { buildPane } from '../sync-engine/src/addin-site/build';

export async function mochaGlobalSetup(): Promise<void> {
  await buildPane();
}
