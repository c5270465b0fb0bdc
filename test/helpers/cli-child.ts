/**
 * A long-running `sfo-compat` child (a server, a sign-in waiting for the user) whose output a test reads as it
 * comes: wait for a line, then act (open the printed page), then wait for the exit.
 */
import path from 'node:path';
import { ChildProcess, spawn } from 'node:child_process';
import { REPO_ROOT } from './shared';

export interface CliChild {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stdout (waiting for it), rejects after `timeoutMs` or on exit. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** The exit code. */
  exited(timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv): CliChild {
  const proc = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'sfo-compat.js'), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let code: number | null = null;
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());
  proc.stdout!.on('data', (c: Buffer) => {
    out += c.toString('utf8');
    changed();
  });
  proc.stderr!.on('data', (c: Buffer) => {
    err += c.toString('utf8');
    changed();
  });
  proc.on('exit', (c, signal) => {
    code = c ?? (signal ? 128 : 1);
    changed();
  });
  const until = <T>(check: () => T | null, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const done = (f: () => void) => {
        clearTimeout(timer);
        listeners.delete(onChange);
        f();
      };
      const onChange = () => {
        const v = check();
        if (v !== null) done(() => resolve(v));
        else if (code !== null && what !== 'exit')
          done(() => reject(new Error(`exited ${code} before ${what}\nstdout: ${out}\nstderr: ${err}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`timed out waiting for ${what}\nstdout: ${out}\nstderr: ${err}`))),
        timeoutMs,
      );
      listeners.add(onChange);
      onChange();
    });
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    waitFor: (re, timeoutMs = 30_000) => until(() => re.exec(out), timeoutMs, String(re)),
    exited: (timeoutMs = 60_000) => until(() => code, timeoutMs, 'exit'),
    async stop() {
      if (code !== null) return;
      proc.kill('SIGTERM');
      await until(() => code, 10_000, 'exit').catch(() => proc.kill('SIGKILL'));
    },
  };
}
