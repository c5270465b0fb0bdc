import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { REPO_ROOT, SHARED } from '../../helpers/shared';

const MANIFEST = path.join(REPO_ROOT, 'manifest.xml');
const SCHEMA_DIR = path.join(SHARED, 'schemas', 'office-addin-manifest');
const VALIDATE_SCRIPT = path.join(REPO_ROOT, 'scripts', 'validate-manifest.js');
const ASSETS = path.join(REPO_ROOT, 'addin', 'assets');
const SERVER = 'https://localhost:3000';

interface ValidationError {
  line: number | null;
  message: string;
  source?: string;
}
interface ValidationResult {
  valid: boolean;
  errors: ValidationError[];
}
// The script `npm run validate` runs, used here as a library so the test and the command agree.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain script of the repo, loaded by path
const { validateManifest } = require(VALIDATE_SCRIPT) as {
  validateManifest: (manifestPath: string, schemaDir: string) => Promise<ValidationResult>;
};

type XmlNode = { [key: string]: unknown };

// Elements that may repeat are always arrays, so a lookup never depends on how many there are today.
const REPEATED = new Set([
  'Set',
  'AppDomain',
  'Host',
  'ExtensionPoint',
  'OfficeTab',
  'CustomTab',
  'Group',
  'Control',
  'Image',
  'Url',
  'String',
]);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true, // xsi:type -> @type, bt:Image -> Image
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => REPEATED.has(name),
});

function child(node: XmlNode, name: string): XmlNode {
  const value = node[name];
  assert.ok(value !== undefined && !Array.isArray(value), `expected one <${name}> in ${Object.keys(node).join(', ')}`);
  return value as XmlNode;
}

function children(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  return value === undefined ? [] : (value as XmlNode[]);
}

function attr(node: XmlNode, name: string): string {
  const value = node[`@${name}`];
  assert.equal(typeof value, 'string', `expected attribute ${name}`);
  return value as string;
}

function text(node: XmlNode, name: string): string | undefined {
  const value = node[name];
  return value === undefined ? undefined : String(value);
}

function readManifest(): XmlNode {
  return child(parser.parse(fs.readFileSync(MANIFEST, 'utf8')) as XmlNode, 'OfficeApp');
}

/** The VersionOverrides 1.0 block and the 1.1 block nested in it. */
function versionOverrides(app: XmlNode): { v1_0: XmlNode; v1_1: XmlNode } {
  const v1_0 = child(app, 'VersionOverrides');
  const v1_1 = child(v1_0, 'VersionOverrides');
  assert.equal(attr(v1_0, 'type'), 'VersionOverridesV1_0');
  assert.equal(attr(v1_1, 'type'), 'VersionOverridesV1_1');
  return { v1_0, v1_1 };
}

type ResourceKind = 'Images' | 'Urls' | 'ShortStrings' | 'LongStrings';

/** The resources of one VersionOverrides block, by kind and id. */
function resourcesOf(vo: XmlNode): Record<ResourceKind, Map<string, string>> {
  const resources = child(vo, 'Resources');
  const table = (kind: ResourceKind, element: string): Map<string, string> => {
    const entries = children(child(resources, kind), element).map(
      (e) => [attr(e, 'id'), attr(e, 'DefaultValue')] as const,
    );
    const map = new Map(entries);
    assert.equal(map.size, entries.length, `duplicate id in ${kind}`);
    return map;
  };
  return {
    Images: table('Images', 'Image'),
    Urls: table('Urls', 'Url'),
    ShortStrings: table('ShortStrings', 'String'),
    LongStrings: table('LongStrings', 'String'),
  };
}

interface Button {
  id: string;
  label: string;
  supertip: { title: string; description: string };
  icons: Record<string, string>;
  action: string;
  url: string;
  supportsPinning: string | undefined;
}

/** The controls on the message read surface of one VersionOverrides block, with their resources resolved. */
function messageReadButtons(vo: XmlNode, surface = 'MessageReadCommandSurface'): Button[] {
  const res = resourcesOf(vo);
  const resolve = (kind: ResourceKind, node: XmlNode): string => {
    const value = res[kind].get(attr(node, 'resid'));
    assert.ok(value !== undefined, `resid ${attr(node, 'resid')} is not defined in ${kind}`);
    return value;
  };
  const [host, ...otherHosts] = children(child(vo, 'Hosts'), 'Host');
  assert.equal(otherHosts.length, 0);
  assert.equal(attr(host, 'type'), 'MailHost');
  const surfaces = children(child(host, 'DesktopFormFactor'), 'ExtensionPoint').filter(
    (e) => attr(e, 'type') === surface,
  );
  assert.equal(surfaces.length, 1, `one ${surface}`);
  const groups = children(surfaces[0], 'OfficeTab').flatMap((tab) => children(tab, 'Group'));
  return groups.flatMap((group) =>
    children(group, 'Control').map((control): Button => {
      assert.equal(attr(control, 'type'), 'Button');
      const action = child(control, 'Action');
      const supertip = child(control, 'Supertip');
      return {
        id: attr(control, 'id'),
        label: resolve('ShortStrings', child(control, 'Label')),
        supertip: {
          title: resolve('ShortStrings', child(supertip, 'Title')),
          description: resolve('LongStrings', child(supertip, 'Description')),
        },
        icons: Object.fromEntries(
          children(child(control, 'Icon'), 'Image').map((image) => [attr(image, 'size'), resolve('Images', image)]),
        ),
        action: attr(action, 'type'),
        url: resolve('Urls', child(action, 'SourceLocation')),
        supportsPinning: text(action, 'SupportsPinning'),
      };
    }),
  );
}

/** Every node under `node` (itself included), depth first. */
function* walk(node: unknown): Generator<XmlNode> {
  if (Array.isArray(node)) for (const item of node) yield* walk(item);
  else if (node !== null && typeof node === 'object') {
    yield node as XmlNode;
    for (const value of Object.values(node)) yield* walk(value);
  }
}

/** The line (1-based) of the first occurrence of `needle` in `xml`. */
function lineOf(xml: string, needle: string): number {
  const at = xml.indexOf(needle);
  assert.ok(at >= 0, `${needle} not found`);
  return xml.slice(0, at).split('\n').length;
}

function runValidate(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [VALIDATE_SCRIPT, ...args], { cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('addin/manifest.xml', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-manifest-'));
  });
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('what it declares', () => {
    it('is a MailApp for the Mailbox host with a fixed Id, DisplayName sfo-compat and ReadItem permission', () => {
      const app = readManifest();
      assert.equal(attr(app, 'type'), 'MailApp');
      assert.match(String(app.Id), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(attr(child(app, 'DisplayName'), 'DefaultValue'), 'sfo-compat');
      assert.ok(String(app.ProviderName).length > 0);
      assert.ok(attr(child(app, 'Description'), 'DefaultValue').length > 0);
      assert.deepEqual(
        children(child(app, 'Hosts'), 'Host').map((h) => attr(h, 'Name')),
        ['Mailbox'],
      );
      assert.equal(app.Permissions, 'ReadItem');
      const rule = child(app, 'Rule');
      assert.deepEqual([attr(rule, 'type'), attr(rule, 'Mode')], ['RuleCollection', 'Or']);
      // A received message, and a meeting the user attends (the side panel's two kinds of item).
      assert.deepEqual(
        children(rule, 'Rule').map((r) => [attr(r, 'type'), attr(r, 'ItemType'), attr(r, 'FormType')]),
        [
          ['ItemIs', 'Message', 'Read'],
          ['ItemIs', 'Appointment', 'Read'],
        ],
      );
      const form = child(child(app, 'FormSettings'), 'Form');
      assert.equal(attr(form, 'type'), 'ItemRead');
      assert.equal(
        attr(child(child(form, 'DesktopSettings'), 'SourceLocation'), 'DefaultValue'),
        `${SERVER}/taskpane.html`,
      );
      assert.ok(attr(child(app, 'SupportUrl'), 'DefaultValue').startsWith('https://'));
    });

    it("office-addin-manifest info (Microsoft's own reader, offline) reads the same Id, type, host, permission and URLs", async () => {
      const app = readManifest();
      const bin = path.join(REPO_ROOT, 'node_modules', 'office-addin-manifest', 'cli.js');
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [bin, 'info', MANIFEST], { timeout: 30_000 }, (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
      });
      assert.equal(r.code, 0, r.stderr);
      const field = (name: string) => new RegExp(`^\\s*${name}: (.*)$`, 'm').exec(r.stdout)?.[1];
      assert.equal(field('Id'), String(app.Id));
      assert.equal(field('Name'), 'sfo-compat');
      assert.equal(field('Type'), 'MailApp');
      assert.equal(field('Hosts'), 'Mailbox');
      assert.equal(field('Permissions'), 'ReadItem');
      assert.equal(field('Icon Url'), `${SERVER}/assets/icon-64.png`);
      assert.equal(field('Support Url'), attr(child(app, 'SupportUrl'), 'DefaultValue'));
    });

    it('asks for Mailbox 1.5 (a pinnable task pane), and every Requirements in it agrees', () => {
      const app = readManifest();
      const sets = children(child(child(app, 'Requirements'), 'Sets'), 'Set');
      assert.deepEqual(
        sets.map((s) => [attr(s, 'Name'), attr(s, 'MinVersion')]),
        [['Mailbox', '1.5']],
      );
      const { v1_0, v1_1 } = versionOverrides(app);
      for (const vo of [v1_0, v1_1]) {
        const voSets = child(child(vo, 'Requirements'), 'Sets');
        const mailbox = children(voSets, 'Set').map((s) => [
          attr(s, 'Name'),
          (s['@MinVersion'] as string | undefined) ?? attr(voSets, 'DefaultMinVersion'),
        ]);
        assert.deepEqual(mailbox, [['Mailbox', '1.5']]);
      }
    });

    it('puts two buttons on the message read surface: Open sfo-compat (pinnable) and Add Email to Salesforce', () => {
      const buttons = messageReadButtons(versionOverrides(readManifest()).v1_1);
      assert.deepEqual(
        buttons.map((b) => [b.label, b.action, b.url, b.supportsPinning]),
        [
          ['Open sfo-compat', 'ShowTaskpane', `${SERVER}/taskpane.html`, 'true'],
          ['Add Email to Salesforce', 'ShowTaskpane', `${SERVER}/taskpane.html?action=add-email`, undefined],
        ],
      );
      for (const b of buttons) {
        assert.equal(b.supertip.title, b.label);
        assert.ok(b.supertip.description.length > 0);
        assert.deepEqual(Object.keys(b.icons).sort(), ['16', '32', '80']);
      }
    });

    it('puts Open sfo-compat (pinnable) on a meeting the user attends, for the side panel', () => {
      const buttons = messageReadButtons(versionOverrides(readManifest()).v1_1, 'AppointmentAttendeeCommandSurface');
      assert.deepEqual(
        buttons.map((b) => [b.label, b.action, b.url, b.supportsPinning]),
        [['Open sfo-compat', 'ShowTaskpane', `${SERVER}/taskpane.html`, 'true']],
      );
    });

    it('VersionOverrides 1.0 carries the same buttons and resources, without SupportsPinning', () => {
      const { v1_0, v1_1 } = versionOverrides(readManifest());
      for (const surface of ['MessageReadCommandSurface', 'AppointmentAttendeeCommandSurface']) {
        const unpinned = messageReadButtons(v1_1, surface).map((b) => ({ ...b, supportsPinning: undefined }));
        assert.deepEqual(messageReadButtons(v1_0, surface), unpinned, surface);
      }
      assert.deepEqual(resourcesOf(v1_0), resourcesOf(v1_1));
      for (const vo of [v1_0, v1_1]) {
        const functionFile = child(child(children(child(vo, 'Hosts'), 'Host')[0], 'DesktopFormFactor'), 'FunctionFile');
        assert.equal(resourcesOf(vo).Urls.get(attr(functionFile, 'resid')), `${SERVER}/commands.html`);
      }
    });

    it('every resid it references is defined in its block, and every resource is used', () => {
      const { v1_0, v1_1 } = versionOverrides(readManifest());
      for (const vo of [v1_0, v1_1]) {
        const res = resourcesOf(vo);
        const defined = new Set(Object.values(res).flatMap((m) => [...m.keys()]));
        // The nested 1.1 block has its own resources: look at this block's Hosts only.
        const referenced = new Set(
          [...walk(child(vo, 'Hosts'))].map((n) => n['@resid']).filter((r): r is string => typeof r === 'string'),
        );
        for (const resid of referenced)
          assert.ok(defined.has(resid), `resid ${resid} is not defined in ${attr(vo, 'type')}`);
        for (const id of defined) assert.ok(referenced.has(id), `resource ${id} of ${attr(vo, 'type')} is never used`);
      }
    });

    it('every URL is https, and AppDomains are the dev server and the Salesforce login hosts', () => {
      const app = readManifest();
      const values = [...walk(app)].flatMap((n) =>
        Object.entries(n)
          .filter(([k, v]) => typeof v === 'string' && !k.startsWith('@xmlns'))
          .map(([, v]) => v as string),
      );
      const urls = values.filter((v) => /^[a-z][a-z0-9+.-]*:\/\//i.test(v));
      assert.ok(urls.length >= 10, `found only ${urls.length} URLs`);
      for (const url of urls) assert.ok(url.startsWith('https://'), `${url} is not https`);
      assert.deepEqual(children(child(app, 'AppDomains'), 'AppDomain').map(String), [
        SERVER,
        'https://login.salesforce.com',
        'https://test.salesforce.com',
      ]);
    });

    it('every icon it names is a PNG in addin/assets of the size it claims', () => {
      const app = readManifest();
      const icon = (url: string): { width: number; height: number } => {
        const m = /^https:\/\/localhost:3000\/assets\/(icon-\d+\.png)$/.exec(url);
        assert.ok(m, `${url} is not an icon in /assets/`);
        const png = fs.readFileSync(path.join(ASSETS, m[1]));
        assert.deepEqual(
          [...png.subarray(0, 8)],
          [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
          `${m[1]} is not a PNG`,
        );
        assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
        return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
      };
      assert.deepEqual(icon(attr(child(app, 'IconUrl'), 'DefaultValue')), { width: 64, height: 64 });
      assert.deepEqual(icon(attr(child(app, 'HighResolutionIconUrl'), 'DefaultValue')), { width: 128, height: 128 });
      for (const button of messageReadButtons(versionOverrides(app).v1_1)) {
        for (const [size, url] of Object.entries(button.icons))
          assert.deepEqual(icon(url), { width: Number(size), height: Number(size) });
      }
    });

    it('the schemas are not copied into the repo', () => {
      const skip = new Set(['node_modules', 'build', '.git']);
      const xsds: string[] = [];
      const visit = (dir: string): void => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          if (entry.isDirectory() && !skip.has(entry.name)) visit(path.join(dir, entry.name));
          else if (entry.isFile() && entry.name.toLowerCase().endsWith('.xsd'))
            xsds.push(path.relative(REPO_ROOT, path.join(dir, entry.name)));
        }
      };
      visit(REPO_ROOT);
      assert.deepEqual(xsds, []);
    });
  });

  describe('against the XSDs in ../shared/schemas/office-addin-manifest (offline)', () => {
    before(() => {
      // Tests may read ../shared (the reference beside the repo); without it this suite fails rather than skips.
      assert.ok(fs.existsSync(SCHEMA_DIR), `the manifest schemas are not at ${SCHEMA_DIR}`);
    });

    it('is valid', async () => {
      const result = await validateManifest(MANIFEST, SCHEMA_DIR);
      assert.deepEqual(result.errors, []);
      assert.equal(result.valid, true);
    });

    it('a copy with SupportsPinning in VersionOverrides 1.0 is invalid, and the error names its line', async () => {
      const xml = fs.readFileSync(MANIFEST, 'utf8');
      const open10 = '<SourceLocation resid="Taskpane.Url"/>\n                  </Action>'; // the 1.0 block's indentation
      const broken = xml.replace(
        open10,
        '<SourceLocation resid="Taskpane.Url"/>\n<SupportsPinning>true</SupportsPinning>\n                  </Action>',
      );
      assert.notEqual(broken, xml);
      const copy = path.join(tmp, 'pinning-in-1.0.xml');
      fs.writeFileSync(copy, broken);
      const result = await validateManifest(copy, SCHEMA_DIR);
      assert.equal(result.valid, false);
      assert.deepEqual(
        result.errors.map((e) => e.line),
        [lineOf(broken, '<SupportsPinning>true</SupportsPinning>\n                  </Action>')],
      );
      assert.match(
        result.errors[0].message,
        /\{http:\/\/schemas\.microsoft\.com\/office\/mailappversionoverrides\}SupportsPinning'.*not expected/,
      );
    });

    it('a copy with a mistyped element is invalid, and the error names its line', async () => {
      const xml = fs.readFileSync(MANIFEST, 'utf8');
      const broken = xml.replace('<Permissions>ReadItem</Permissions>', '<Permission>ReadItem</Permission>');
      const copy = path.join(tmp, 'mistyped.xml');
      fs.writeFileSync(copy, broken);
      const result = await validateManifest(copy, SCHEMA_DIR);
      assert.equal(result.valid, false);
      assert.equal(result.errors[0].line, lineOf(broken, '<Permission>'));
      assert.match(result.errors[0].message, /Permission'.*not expected/);
    });

    it('npm run validate: prints the offline verdict, or each error with its line and exits 1', async () => {
      const ok = await runValidate([], REPO_ROOT);
      assert.deepEqual(
        [ok.code, ok.stdout.trim(), ok.stderr],
        [
          0,
          'manifest.xml is valid against the Office add-in manifest schemas (offline)\n' +
            'manifest-office.xml is valid against the Office add-in manifest schemas (offline)',
          '',
        ],
      );

      const xml = fs.readFileSync(MANIFEST, 'utf8');
      const broken = xml.replace('</AppDomains>', '</AppDomain>');
      fs.writeFileSync(path.join(tmp, 'malformed.xml'), broken);
      const bad = await runValidate(['malformed.xml'], tmp);
      assert.equal(bad.code, 1);
      assert.match(
        bad.stderr,
        new RegExp(
          `^malformed\\.xml:${lineOf(xml, '</AppDomains>')}: parser error : Opening and ending tag mismatch`,
          'm',
        ),
      );
    });
  });

  it('npm run validate without the schemas says it did not validate and how to validate online', async () => {
    const r = await runValidate(['--schemas', path.join(tmp, 'no-such-folder')], REPO_ROOT);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^manifest\.xml was NOT validated: /);
    assert.match(r.stdout, /npx office-addin-manifest validate manifest\.xml/);
  });
});
