/**
 * The docs cannot drift from the code (issue 12, finding 11): every relative link in README.md, ARCHITECTURE.md and
 * docs/ resolves to a file of the repository (and a heading, when it names one); every command the CLI defines has
 * its page in docs/commands/, named for it (`org set-api-enabled` -> org-set-api-enabled.md), and that page names
 * each option the command takes. The commands are read from the CLI's own definition (commander), not listed here.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { cliProgram } from '../../sync-engine/src/cli/main';
import { REPO_ROOT } from '../helpers/shared';

const DOCS = path.join(REPO_ROOT, 'docs');
const COMMAND_PAGES = path.join(DOCS, 'commands');

function markdownFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? markdownFiles(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : [],
    );
}

/** The pages whose links are checked. */
function pages(): string[] {
  return [path.join(REPO_ROOT, 'README.md'), path.join(REPO_ROOT, 'ARCHITECTURE.md'), ...markdownFiles(DOCS)];
}

/** Markdown links `[text](target)` outside code, with their line numbers. */
function links(markdown: string): Array<{ target: string; line: number }> {
  const out: Array<{ target: string; line: number }> = [];
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*```/.test(text)) fenced = !fenced;
    if (fenced) return;
    const prose = text.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ target: m[1], line: i + 1 });
  });
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Every command that runs something (not the `org` and `mailbox` groups), with its words: ['org', 'serve']. */
function leafCommands(cmd: Command, words: string[] = []): Array<{ words: string[]; command: Command }> {
  const subs = cmd.commands.filter((c) => c.name() !== 'help');
  if (subs.length === 0) return words.length ? [{ words, command: cmd }] : [];
  return subs.flatMap((c) => leafCommands(c, [...words, c.name()]));
}

describe('docs: links resolve, and every command and option has its page', () => {
  const commands = leafCommands(cliProgram(() => undefined));

  it('the CLI defines the commands the docs are read against', () => {
    // A guard on the walk itself: were it to find nothing, the checks below would pass on no pages.
    const names = commands.map((c) => c.words.join(' '));
    for (const name of ['org serve', 'org set-api-enabled', 'mailbox serve', 'sync', 'status', 'service', 'demo'])
      assert.ok(names.includes(name), `${name} not found among ${names.join(', ')}`);
  });

  it('every relative link in README.md, ARCHITECTURE.md and docs/ names a file of the repository', () => {
    const broken: string[] = [];
    for (const file of pages()) {
      for (const { target, line } of links(fs.readFileSync(file, 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        const [rawPath, anchor] = target.split('#');
        const where = `${path.relative(REPO_ROOT, file)}:${line}: ${target}`;
        const resolved = rawPath ? path.resolve(path.dirname(file), decodeURIComponent(rawPath)) : file;
        if (path.relative(REPO_ROOT, resolved).startsWith('..')) {
          broken.push(`${where} (outside the repository)`);
          continue;
        }
        if (!fs.existsSync(resolved)) {
          broken.push(`${where} (no such file)`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchors(resolved).has(anchor))
          broken.push(`${where} (no heading #${anchor} in ${path.relative(REPO_ROOT, resolved)})`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it('every command has its page in docs/commands/, and every page there is a command', () => {
    const expected = commands.map((c) => `${c.words.join('-')}.md`).sort();
    const present = fs.existsSync(COMMAND_PAGES) ? fs.readdirSync(COMMAND_PAGES).filter((f) => f.endsWith('.md')) : [];
    assert.deepEqual(
      expected.filter((f) => !present.includes(f)),
      [],
      'commands without a page',
    );
    assert.deepEqual(present.filter((f) => !expected.includes(f)).sort(), [], 'pages without a command');
  });

  it("each command's page is titled with the command and names every option it takes", () => {
    const missing: string[] = [];
    for (const { words, command } of commands) {
      const page = path.join(COMMAND_PAGES, `${words.join('-')}.md`);
      if (!fs.existsSync(page)) {
        missing.push(`${words.join(' ')}: no page`);
        continue;
      }
      const text = fs.readFileSync(page, 'utf8');
      const title = text.split('\n')[0];
      if (!title.startsWith('# ') || !title.includes(`sfo-compat ${words.join(' ')}`))
        missing.push(`${words.join(' ')}: the first line is not a title naming "sfo-compat ${words.join(' ')}"`);
      for (const option of command.options) {
        const flag = option.long ?? option.short!;
        if (!new RegExp(`${flag}(?![\\w-])`).test(text)) missing.push(`${words.join(' ')}: ${flag} is not on its page`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('README links each command page from its Commands table', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const missing = commands
      .map((c) => `docs/commands/${c.words.join('-')}.md`)
      .filter((page) => !readme.includes(`](${page})`));
    assert.deepEqual(missing, []);
  });
});
