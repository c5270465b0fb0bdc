/**
 * The local org and the local mailbox as the user runs them (`sfo-compat org serve`, `sfo-compat mailbox serve`),
 * each in its own process on a fixed loopback port and a data dir on disk, so the harness can kill one (SIGKILL,
 * as a crash) and start it again on the same data, behind the same proxy.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type ServerName = 'org' | 'mailbox';

export interface ServerSpec {
  name: ServerName;
  /** The CLI's arguments after `sfo-compat`. */
  args: string[];
  /** A line of its stdout that says it listens. */
  ready: RegExp;
  /** Where its stdout and stderr go, appended across restarts. */
  logFile: string;
  repoRoot: string;
  /** How long a start may take (the first one seeds). */
  startTimeoutMs?: number;
}

export class ServerProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** Starts so far, the first included. */
  starts = 0;

  constructor(readonly spec: ServerSpec) {}

  get name(): ServerName {
    return this.spec.name;
  }

  get up(): boolean {
    return this.child !== null;
  }

  /** Start it and resolve once it listens; rejects with its output when it ends or stalls first. */
  async start(): Promise<void> {
    if (this.child) return;
    const log = fs.openSync(this.spec.logFile, 'a');
    fs.writeSync(log, `--- start ${this.starts + 1} at ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, [path.join(this.spec.repoRoot, 'bin', 'sfo-compat.js'), ...this.spec.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts += 1;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let output = '';
    child.stderr!.on('data', (b: Buffer) => fs.writeSync(log, b));
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    // After 'close' no more output comes: the log can be closed.
    child.once('close', (code, signal) => {
      fs.writeSync(log, `--- ended: ${signal ?? `exit code ${code}`}\n`);
      fs.closeSync(log);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(`no "ready" line in ${(this.spec.startTimeoutMs ?? 120_000) / 1000} s`),
        this.spec.startTimeoutMs ?? 120_000,
      );
      const fail = (why: string) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.kill('SIGKILL');
        reject(
          new Error(`the ${this.name} did not start: ${why}; its log: ${this.spec.logFile}\n${output.slice(-2000)}`),
        );
      };
      const onExit = (code: number | null, signal: string | null) =>
        fail(`it ended (${signal ?? `exit code ${code}`})`);
      let ready = false;
      child.stdout!.on('data', (b: Buffer) => {
        fs.writeSync(log, b);
        if (ready) return;
        output += b.toString();
        if (this.spec.ready.test(output)) {
          ready = true;
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve();
        }
      });
      child.once('exit', onExit);
    });
  }

  /** SIGKILL, as a crash: no chance to close anything. Resolves once the process is gone. */
  async kill(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (the server closes its store), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (!this.child) return;
    const child = this.child;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
