/** `npm run bench`: every benchmark in one run, printed as one table and written to bench/results.json. */
import { Figure, printTable, writeResults } from './figures';
import { orgBench } from './org-bench';
import { impactBench } from './impact-bench';

async function main(): Promise<void> {
  const figures: Figure[] = [];
  process.stdout.write('local org: logins and queries under autocannon...\n');
  figures.push(...(await orgBench()));
  process.stdout.write('impact report: 10,000 users...\n');
  figures.push(...(await impactBench()));
  printTable(figures);
  writeResults(figures);
  process.stdout.write('written to bench/results.json\n');
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
