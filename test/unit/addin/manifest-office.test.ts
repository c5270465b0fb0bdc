/**
 * manifest-office.xml, the Word and Excel add-in (Connect for Office): what it declares, and that it is valid against
 * the Office add-in manifest XSDs offline (the same check `npm run validate` runs on both manifests).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { REPO_ROOT, SHARED } from '../../helpers/shared';

const MANIFEST = path.join(REPO_ROOT, 'manifest-office.xml');
const OUTLOOK_MANIFEST = path.join(REPO_ROOT, 'manifest.xml');
const SCHEMA_DIR = path.join(SHARED, 'schemas', 'office-addin-manifest');
const VALIDATE_SCRIPT = path.join(REPO_ROOT, 'scripts', 'validate-manifest.js');
const SERVER = 'https://localhost:3000';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain script of the repo, loaded by path
const { validateManifest } = require(VALIDATE_SCRIPT) as {
  validateManifest: (
    manifestPath: string,
    schemaDir: string,
  ) => Promise<{ valid: boolean; errors: Array<{ line: number | null; message: string }> }>;
};

type XmlNode = { [key: string]: unknown };
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => ['Host', 'AppDomain', 'Set'].includes(name),
});
const read = (file: string): XmlNode => (parser.parse(fs.readFileSync(file, 'utf8')) as XmlNode).OfficeApp as XmlNode;
const attr = (node: unknown, name: string): string => String((node as XmlNode)[`@${name}`]);

describe('addin/manifest-office.xml (Word and Excel)', () => {
  it('is a TaskPaneApp for Document and Workbook, opening office-docs.html, with its own Id', () => {
    const app = read(MANIFEST);
    assert.equal(attr(app, 'type'), 'TaskPaneApp');
    assert.match(String(app.Id), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(String(app.Id), String(read(OUTLOOK_MANIFEST).Id), "not the Outlook add-in's Id");
    assert.deepEqual(
      ((app.Hosts as XmlNode).Host as XmlNode[]).map((h) => attr(h, 'Name')),
      ['Document', 'Workbook'],
    );
    assert.equal(attr((app.DefaultSettings as XmlNode).SourceLocation, 'DefaultValue'), `${SERVER}/office-docs.html`);
    assert.equal(app.Permissions, 'ReadWriteDocument');
    assert.deepEqual((app.AppDomains as XmlNode).AppDomain, [
      SERVER,
      'https://login.salesforce.com',
      'https://test.salesforce.com',
    ]);
  });

  it('every icon it names is in addin/assets', () => {
    const app = read(MANIFEST);
    for (const el of ['IconUrl', 'HighResolutionIconUrl']) {
      const url = attr(app[el], 'DefaultValue');
      assert.ok(url.startsWith(`${SERVER}/assets/`), url);
      assert.ok(
        fs.existsSync(path.join(REPO_ROOT, 'addin', url.slice(SERVER.length + 1))),
        `${url} is not in addin/assets`,
      );
    }
  });

  it("office-addin-manifest info (Microsoft's own reader, offline) reads it as a TaskPaneApp for both hosts", async () => {
    const bin = path.join(REPO_ROOT, 'node_modules', 'office-addin-manifest', 'cli.js');
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [bin, 'info', MANIFEST], { timeout: 30_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, stdout, stderr }),
      ),
    );
    assert.equal(r.code, 0, r.stderr);
    const field = (name: string) => new RegExp(`^\\s*${name}: (.*)$`, 'm').exec(r.stdout)?.[1];
    assert.equal(field('Type'), 'TaskPaneApp');
    assert.equal(field('Hosts'), 'Document, Workbook');
    assert.equal(field('Permissions'), 'ReadWriteDocument');
  });

  describe('against the XSDs, offline', () => {
    before(() => assert.ok(fs.existsSync(SCHEMA_DIR), `the manifest schemas are not at ${SCHEMA_DIR}`));

    it('is valid', async () => {
      const result = await validateManifest(MANIFEST, SCHEMA_DIR);
      assert.deepEqual(result.errors, []);
      assert.equal(result.valid, true);
    });

    it('a copy with a host TaskPaneApp does not take (Mailbox) is invalid, and the error names its line', async () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sfo-manifest-office-'));
      try {
        const xml = fs.readFileSync(MANIFEST, 'utf8');
        const broken = xml.replace(
          '<Permissions>ReadWriteDocument</Permissions>',
          '<Permissions>ReadItem</Permissions>',
        );
        assert.notEqual(broken, xml);
        const copy = path.join(tmp, 'bad.xml');
        fs.writeFileSync(copy, broken);
        const result = await validateManifest(copy, SCHEMA_DIR);
        assert.equal(result.valid, false);
        assert.equal(result.errors[0].line, broken.slice(0, broken.indexOf('<Permissions>')).split('\n').length);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  });
});
