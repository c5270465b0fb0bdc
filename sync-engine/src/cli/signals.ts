/** Waiting for the user to stop a long-running command (Ctrl+C, or a service manager's SIGTERM). */

/** Resolve on SIGINT or SIGTERM. */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
