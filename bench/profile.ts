/**
 * A CPU profile of part of a bench child's life, on request over IPC (node:inspector in the child itself):
 *   { profile: 'start' }           -> { profiling: true }
 *   { profile: 'stop', file: F }   -> { profiled: F } (a .cpuprofile for Chrome DevTools or `node --cpu-prof` tools)
 * Used by sync-bench when SYNC_BENCH_PROFILE_DIR is set, around each initial run only: `--cpu-prof` profiles the
 * whole process, seeding and the later runs included.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector';

export function answerProfileRequests(): void {
  let session: Session | null = null;
  const post = <T>(method: string): Promise<T> =>
    new Promise((resolve, reject) =>
      session!.post(method, (err, result) => (err ? reject(err) : resolve(result as T))),
    );
  process.on('message', (msg: { profile?: 'start' | 'stop'; file?: string }) => {
    if (msg.profile === 'start') {
      session = new Session();
      session.connect();
      void post('Profiler.enable')
        .then(() => post('Profiler.start'))
        .then(() => process.send!({ profiling: true }));
    } else if (msg.profile === 'stop' && session && msg.file) {
      const file = msg.file;
      void post<{ profile: object }>('Profiler.stop').then(({ profile }) => {
        fs.writeFileSync(file, JSON.stringify(profile));
        session!.disconnect();
        session = null;
        process.send!({ profiled: file });
      });
    }
  });
}
