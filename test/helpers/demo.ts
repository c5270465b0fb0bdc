/** `sfo-compat demo` (what `npm start` runs) through the built CLI, on free ports, as a newcomer starts it. */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './shared';

export interface RunningDemo {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects when the demo exits first or after `ms`. */
  waitFor(pattern: RegExp, what: string, ms?: number): Promise<RegExpExecArray>;
}

export function startDemo(data: string): RunningDemo {
  const ports = ['--port', '--mailbox-port', '--service-port', '--addin-port'].flatMap((p) => [p, '0']);
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin', 'sfo-compat.js'), 'demo', ...ports, '--data', data],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The key of kept sign-ins (ann's mailbox) beside the data, never in the home folder of whoever runs the tests.
      env: { ...process.env, SFO_TOKEN_KEY_FILE: path.join(data, 'keys', 'token.key') },
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const waitFor = (pattern: RegExp, what: string, ms = 100_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(out);
        if (!m) return;
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(m);
      };
      const timer = setTimeout(() => reject(new Error(`${what}: not within ${ms / 1000} s\n${out}`)), ms);
      child.stdout!.on('data', check);
      child.once('exit', (code) => reject(new Error(`the demo exited early (${code}) before ${what}\n${out}`)));
      check();
    });
  return { child, output: () => out, waitFor };
}
