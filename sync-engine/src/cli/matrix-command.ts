/**
 * `sfo-compat matrix`: the article's scenario table computed end to end, every outcome from a real login
 * against a throwaway local org.
 */
import { Command } from 'commander';
import { EXIT } from './usage';
import { runMatrix } from '../matrix/runner';
import { formatMatrix } from '../matrix/format';

export function registerMatrixCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command('matrix')
    .description(
      "run every scenario of the article's table against throwaway local orgs and print what each product shows",
    )
    .option('--json', 'print an array of rows')
    .action(async (opts: { json?: boolean }) => {
      setCode(await matrixCommand(opts));
    });
}

export async function matrixCommand(opts: { json?: boolean }): Promise<number> {
  let rows;
  try {
    rows = await runMatrix();
  } catch (err) {
    process.stderr.write(`sfo-compat matrix: ${(err as Error).message}\n`);
    return EXIT.failure;
  }
  process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatMatrix(rows));
  return EXIT.ok;
}
