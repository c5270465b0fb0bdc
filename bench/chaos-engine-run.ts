/**
 * One engine run as the user runs it, `node bin/sfo-compat.js sync --config FILE --once --json`, in a child
 * process the harness may SIGKILL at any moment; how it ended, read from its exit and its JSON.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type RunEnd =
  /** Exit 0, state idle. */
  | 'idle'
  /** The engine stopped the run itself (unreachable, rate limited, ...) and said so. */
  | 'stopped'
  /** It could not run or finish (exit 1 with an error code: DISK_FULL, INTERNAL, ...). */
  | 'failed'
  /** The harness killed it. */
  | 'killed'
  /** It ran past the harness's limit and was killed for it (a hang). */
  | 'timed-out';

export interface EngineOutcome {
  end: RunEnd;
  exitCode: number | null;
  /** The printed JSON, when there was one. */
  json: any;
  ms: number;
  /** Why it was killed, or its stop or error, in a few words. */
  note: string;
  /** Changes and writes left for the next run (from the report), or null without one. */
  pending: number | null;
  /** The error code of a run that could not finish (DISK_FULL, ...). */
  errorCode: string | null;
}

export interface EngineRunHandle {
  /** SIGKILL it now, saying why (ignored once it has ended). */
  kill(why: string): void;
  done: Promise<EngineOutcome>;
}

/** Start one run; its stdout and stderr go to `logFile` too. */
export function startEngineRun(
  repoRoot: string,
  configFile: string,
  logFile: string,
  timeoutMs: number,
): EngineRunHandle {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'bin', 'sfo-compat.js'), 'sync', '--config', configFile, '--once', '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b));
  child.stderr!.on('data', (b: Buffer) => (stderr += b));
  let killedFor: string | null = null;
  let timedOut = false;
  const kill = (why: string) => {
    if (killedFor !== null || child.exitCode !== null || child.signalCode !== null) return;
    killedFor = why;
    child.kill('SIGKILL');
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill(`still running after ${timeoutMs / 1000} s`);
  }, timeoutMs);
  const done = new Promise<EngineOutcome>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const ms = Date.now() - started;
      fs.appendFileSync(
        logFile,
        `--- ${new Date().toISOString()} exit ${code}${killedFor ? ` (killed: ${killedFor})` : ''}, ${ms} ms\n${stdout}${stderr ? `stderr:\n${stderr}` : ''}\n`,
      );
      let json: any;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      const pending = typeof json?.report?.pending === 'number' ? json.report.pending : null;
      const errorCode = typeof json?.error?.code === 'string' ? json.error.code : null;
      if (killedFor !== null) {
        resolve({
          end: timedOut ? 'timed-out' : 'killed',
          exitCode: code,
          json,
          ms,
          note: killedFor,
          pending,
          errorCode,
        });
      } else if (code === 0 && json?.state === 'idle') {
        resolve({
          end: 'idle',
          exitCode: code,
          json,
          ms,
          note: pending ? `${pending} pending` : 'done',
          pending,
          errorCode,
        });
      } else if (json?.state === 'stopped' && !json.error) {
        const stop = json.report?.stopped as { kind?: string } | null | undefined;
        resolve({
          end: 'stopped',
          exitCode: code,
          json,
          ms,
          note: `stopped${stop?.kind ? ` (${stop.kind})` : ''}: ${String(json.message ?? '').slice(0, 160)}`,
          pending,
          errorCode,
        });
      } else {
        const why = errorCode ?? (stderr.trim().split('\n').pop() || `exit code ${code}`);
        resolve({
          end: 'failed',
          exitCode: code,
          json,
          ms,
          note: `failed: ${why}: ${String(json?.message ?? '').slice(0, 160)}`,
          pending,
          errorCode,
        });
      }
    });
  });
  return { kill, done };
}
