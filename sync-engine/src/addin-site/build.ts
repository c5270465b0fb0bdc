/**
 * The pane's build (webpack, addin/ -> dist/) with office.js and the files it loads copied from @microsoft/office-js,
 * so a run without the internet never needs Microsoft's CDN. Built only when dist/ is missing, is the CDN variant, or is older
 * than a source file.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The repository root (build/sync-engine/src/addin-site -> ../../../..). */
export const REPO_DIR = path.resolve(__dirname, '..', '..', '..', '..');
export const DIST_DIR = path.join(REPO_DIR, 'dist');

/** Files a complete offline build has beside office.js (a build from an older configuration lacks them). */
const BUILT_FILES = [
  'o15apptofilemappingtable.js',
  'outlook-web-16.01.js',
  path.join('en-us', 'outlook_strings.js'),
  'fluent-theme.css',
];

/** Why dist/ needs building, or null when it is up to date. */
export function staleReason(repo = REPO_DIR): string | null {
  const dist = path.join(repo, 'dist');
  const built = path.join(dist, 'taskpane.html');
  if (!fs.existsSync(built)) return 'dist/ is not built';
  if (!fs.existsSync(path.join(dist, 'office.js'))) return 'dist/ loads office.js from the CDN';
  for (const file of BUILT_FILES) if (!fs.existsSync(path.join(dist, file))) return `dist/ has no ${file}`;
  const builtAt = fs.statSync(built).mtimeMs;
  const newer = newestFile([
    path.join(repo, 'addin'),
    path.join(repo, 'scripts', 'addin-build'),
    path.join(repo, 'webpack.config.js'),
  ]);
  return newer && newer.mtimeMs > builtAt ? `${path.relative(repo, newer.file)} changed` : null;
}

function newestFile(paths: string[]): { file: string; mtimeMs: number } | null {
  let newest: { file: string; mtimeMs: number } | null = null;
  const visit = (p: string) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
    else if (!newest || st.mtimeMs > newest.mtimeMs) newest = { file: p, mtimeMs: st.mtimeMs };
  };
  for (const p of paths) if (fs.existsSync(p)) visit(p);
  return newest;
}

/** Build dist/ with office.js served locally (webpack's development mode: quicker, readable). */
export async function buildPane(repo = REPO_DIR): Promise<void> {
  let webpack: typeof import('webpack');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    webpack = require('webpack') as typeof import('webpack');
  } catch {
    throw new Error(
      'webpack is not installed, so the add-in pane cannot be built: run `npm install` (with dev dependencies), then start again',
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const makeConfig = require(path.join(repo, 'webpack.config.js')) as (
    env: object,
    argv: object,
  ) => import('webpack').Configuration;
  const compiler = webpack(makeConfig({ offline: true }, { mode: 'development' }));
  await new Promise<void>((resolve, reject) =>
    compiler.run((err, stats) => {
      compiler.close(() => undefined);
      if (err) reject(err);
      else if (stats?.hasErrors()) reject(new Error(stats.toString('errors-only')));
      else resolve();
    }),
  );
}

/** Build dist/ when it is stale; returns why it was built, or null. */
export async function ensurePaneBuilt(repo = REPO_DIR): Promise<string | null> {
  const reason = staleReason(repo);
  if (reason) await buildPane(repo);
  return reason;
}
