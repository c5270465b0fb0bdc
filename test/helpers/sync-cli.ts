/** The built `sfo-compat` CLI in a child process, run asynchronously so this process's org and mailbox can answer it. */
import path from 'node:path';
import { execFile } from 'node:child_process';
import { REPO_ROOT } from './shared';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON value, or undefined when it is not exactly that. */
  json: any;
}

export function runCli(args: string[], timeoutMs = 30_000, env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'sfo-compat.js'), ...args],
      { timeout: timeoutMs, env },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        let json: unknown;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
        // Node's deprecation notices from dependencies are not the CLI's output.
        resolve({
          code,
          stdout,
          stderr: stderr.replace(/^.*FSTDEP.*\n|^\(Use `node --trace-warnings.*\n/gm, ''),
          json,
        });
      },
    );
  });
}
