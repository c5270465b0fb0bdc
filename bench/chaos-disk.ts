/**
 * A disk the harness can fill: a small tmpfs mounted for the engine's data dir, filled to the last byte with a
 * ballast file at the planned moment and emptied again afterwards. The engine then meets a real full disk
 * (ENOSPC from the kernel, SQLITE_FULL from SQLite), not an imitation. Writes into space a file already holds
 * still succeed, as on any full disk, so a full disk does not always stop a run.
 *
 * Mounting needs root (CAP_SYS_ADMIN). Without it there is no honest full disk to give the engine: the disk is
 * reported unavailable with the reason, and the harness skips that fault kind and says so.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface FillableDisk {
  /** Where the engine's data dir goes (on the small disk when it is available). */
  dataDir: string;
  available: boolean;
  /** Why it is not available. */
  reason: string | null;
  /** Whether the ballast fills it now. */
  readonly full: boolean;
  /** Fill it: write ballast until the kernel says ENOSPC. Returns the bytes written. */
  fill(): number;
  /** Take the ballast away. */
  free(): void;
  /** Unmount (best effort; the mount point is left empty). */
  close(): void;
}

const MiB = 1024 * 1024;

/** Mount a `sizeMb` tmpfs at `mountPoint` (created), or report why it cannot be done here. */
export function openFillableDisk(mountPoint: string, sizeMb: number, wanted = true): FillableDisk {
  fs.mkdirSync(mountPoint, { recursive: true, mode: 0o700 });
  const dataDir = path.join(mountPoint, 'state');
  const ballast = path.join(mountPoint, 'ballast');
  let reason: string | null = null;
  if (!wanted) reason = 'switched off for this run';
  else if (process.platform !== 'linux') reason = `a size-limited tmpfs needs Linux (this is ${process.platform})`;
  else if (process.getuid?.() !== 0)
    reason = 'mounting a size-limited tmpfs needs root (CAP_SYS_ADMIN); run as root to include it';
  else {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'chaos-state', mountPoint], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (err) {
      reason = `mount -t tmpfs failed: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim()}`;
    }
  }
  const available = reason === null;
  let full = false;
  return {
    dataDir,
    available,
    reason,
    get full() {
      return full;
    },
    fill() {
      if (!available) return 0;
      const fd = fs.openSync(ballast, 'a');
      let written = 0;
      try {
        // Big blocks first, then ever smaller ones, down to a page: nothing the engine could still get.
        for (const size of [MiB, 64 * 1024, 4096, 512]) {
          const block = Buffer.alloc(size, 0x5a);
          for (;;) {
            try {
              written += fs.writeSync(fd, block);
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw err;
            }
          }
        }
      } finally {
        fs.closeSync(fd);
      }
      full = true;
      return written;
    },
    free() {
      fs.rmSync(ballast, { force: true });
      full = false;
    },
    close() {
      fs.rmSync(ballast, { force: true });
      full = false;
      if (!available) return;
      try {
        execFileSync('umount', [mountPoint], { stdio: 'ignore' });
      } catch {
        // Still busy (a process that outlived the harness): detach it now, the kernel frees it when unused.
        try {
          execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
        } catch {
          // Nothing more to do here; the mount point names itself in `mount`.
        }
      }
    },
  };
}
