/** `npm run bench`: every benchmark in one run, printed as one table and written to bench/results.json. */
import { Figure, printTable, writeResults } from './figures';
import { orgBench } from './org-bench';
import { impactBench } from './impact-bench';
import { syncBench } from './sync-bench';
import { mailboxBench } from './mailbox-bench';
import { sidePanelBench } from './side-panel-bench';

async function main(): Promise<void> {
  const figures: Figure[] = [];
  process.stdout.write('local org: logins and queries under autocannon...\n');
  figures.push(...(await orgBench()));
  process.stdout.write('impact report: 10,000 users...\n');
  figures.push(...(await impactBench()));
  process.stdout.write('local mailbox: 20,000 contacts, whole-calendar and widest windows...\n');
  figures.push(...(await mailboxBench()));
  process.stdout.write(
    'sync engine: 10,000 contacts + 5,000 events + 5,000 tasks each way, an idle run, 100,000 contacts...\n',
  );
  figures.push(...(await syncBench()));
  process.stdout.write('side panel: 20 item changes in Chromium with the Office stand-in, on the demo org...\n');
  figures.push(...(await sidePanelBench()));
  printTable(figures);
  writeResults(figures);
  process.stdout.write('written to bench/results.json\n');
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
