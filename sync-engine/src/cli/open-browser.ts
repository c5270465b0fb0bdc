/**
 * Opening a URL in the user's browser, as a convenience beside printing it: only when a person is at a terminal
 * and the system has a known opener (`open` on macOS, `start` on Windows, `xdg-open` on a desktop elsewhere).
 * It never fails the command: when nothing opens, the printed URL is the way.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface OpenerHost {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Whether a person is at a terminal (stdout is a TTY). */
  isTTY: boolean;
  /** Whether an executable of that name is on the PATH. */
  onPath: (name: string) => boolean;
}

export interface Opener {
  command: string;
  args: string[];
  windowsVerbatimArguments?: boolean;
}

/** The command that opens `url`, or null when none should be tried. */
export function browserOpener(url: string, host: OpenerHost): Opener | null {
  if (!host.isTTY) return null;
  switch (host.platform) {
    case 'darwin':
      return host.onPath('open') ? { command: 'open', args: [url] } : null;
    case 'win32':
      // `start` is cmd's own; the quotes keep cmd from reading the URL's `&`s, and "" is the window title.
      return { command: 'cmd.exe', args: ['/d', '/s', '/c', `start "" "${url}"`], windowsVerbatimArguments: true };
    default:
      // Without a display, xdg-open would start a text browser in this very terminal (over ssh, say).
      if (!host.env.DISPLAY && !host.env.WAYLAND_DISPLAY) return null;
      return host.onPath('xdg-open') ? { command: 'xdg-open', args: [url] } : null;
  }
}

/** This process's host. */
export function currentHost(): OpenerHost {
  return {
    platform: process.platform,
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    onPath: (name) => onPath(name, process.env),
  };
}

/** Try to open `url`; whether an opener was started (not whether a browser showed it). */
export function openInBrowser(url: string, host: OpenerHost = currentHost()): boolean {
  const opener = browserOpener(url, host);
  if (!opener) return false;
  try {
    const child = spawn(opener.command, opener.args, {
      stdio: 'ignore',
      detached: true,
      windowsVerbatimArguments: opener.windowsVerbatimArguments,
    });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}
