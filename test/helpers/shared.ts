/** Paths into ../shared (reference material beside the repo; tests may read it, the product must not). */
import path from 'node:path';
import fs from 'node:fs';

/** The repo root, whether tests run from source or from build/. */
export const REPO_ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    if (path.dirname(dir) === dir)
      throw new Error(`no package.json above ${__dirname}: run the tests inside the repository`);
    dir = path.dirname(dir);
  }
  return dir;
})();

export const SHARED = path.join(REPO_ROOT, '..', 'shared');

/** The exact texts of spec/messages.json by key. */
export function sharedMessages(): Record<string, string> {
  const raw = JSON.parse(fs.readFileSync(path.join(SHARED, 'spec', 'messages.json'), 'utf8')) as {
    messages: Record<string, { text: string }>;
  };
  return Object.fromEntries(Object.entries(raw.messages).map(([k, v]) => [k, v.text]));
}

/** A message's exact text from spec/messages.json, with `{placeholders}` filled in. */
export function specText(key: string, values: Record<string, string> = {}): string {
  const text = sharedMessages()[key];
  if (text === undefined) throw new Error(`no message "${key}" in spec/messages.json`);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
