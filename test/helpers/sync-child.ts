/**
 * `node build/test/helpers/sync-child.js CONFIG`: one sync run from a config file, printed as JSON the way
 * `sfo-compat sync --config FILE --once --json` prints it (state, message, report, requests), exit code 0 when
 * idle and 5 when stopped. It loads the engine alone, not the CLI's other commands (the org and mailbox servers),
 * so a test that starts the engine dozens of times (and kills it) spends its time syncing, not starting up.
 * SYNC_CHILD_CLOCK_OFFSET_MS shifts the engine's clock by that much from the system's (a test that moves its servers'
 * clock by hand gives the engine the same time).
 */
import { readSyncConfig } from '../../sync-engine/src/app/config';
import { SyncEngine } from '../../sync-engine/src/app/engine';

async function main(file: string): Promise<number> {
  const offsetMs = Number(process.env.SYNC_CHILD_CLOCK_OFFSET_MS ?? 0);
  const engine = new SyncEngine(readSyncConfig(file), offsetMs ? { now: () => new Date(Date.now() + offsetMs) } : {});
  try {
    const run = await engine.runOnce();
    const report = run.result?.report ?? null;
    process.stdout.write(
      `${JSON.stringify({
        state: run.status.state === 'stopped' ? 'stopped' : 'idle',
        message: run.status.state === 'stopped' ? run.status.message : null,
        report,
        requests: report?.requests ?? { salesforce: 0, outlook: 0 },
      })}\n`,
    );
    return run.status.state === 'stopped' ? 5 : 0;
  } finally {
    engine.close();
  }
}

main(process.argv[2]).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
