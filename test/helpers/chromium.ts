/** Debian's Chromium, as the browser tests and the pane's bench drive it (never a downloaded browser). */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags that work on this machine and keep Chromium off the network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
