/**
 * The Salesforce CLI against the local org (issue 15), kept out of `npm test` (it installs sf): `npm run compat:sf`.
 * sf 2.138.0 (the last to run on Node 20) is installed once from its own npm-shrinkwrap.json into
 * `~/.cache/sfo-compat/sf-cli-2.138.0` (`npm pack`, unpack, `npm install --omit=dev --ignore-scripts`), then run
 * unchanged: `org login access-token` (the token in SF_ACCESS_TOKEN, never argv), `org login jwt` (a certificate
 * made with openssl, its key 0600 in a 0700 directory), `org display`, `data query` (with rows and `--all-rows`),
 * `data create/update/delete record`, `sobject describe`, `data import tree`, `data import bulk`, `data export
 * bulk`. Needs `openssl` and the npm registry on first run.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { LocalOrg } from '../../sync-engine/src/local-org';
import { privateDir, privateFile } from '../../sync-engine/src/common/private-files';
import { startTestOrg, sessionFor, testSeed } from '../helpers/org';

const SF_VERSION = '2.138.0';
const run = promisify(execFile);

/** sf's `bin/run.js`, installed into the cache on first use. */
function installSf(): string {
  const cache = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'sfo-compat');
  const dir = path.join(cache, `sf-cli-${SF_VERSION}`);
  const bin = path.join(dir, 'package', 'bin', 'run.js');
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('npm', ['pack', `@salesforce/cli@${SF_VERSION}`], { cwd: dir, stdio: 'ignore' });
  execFileSync('tar', ['xzf', `salesforce-cli-${SF_VERSION}.tgz`], { cwd: dir });
  // Its shrinkwrap pins every dependency: an unpinned install of this version crashes in undici.
  execFileSync('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: path.join(dir, 'package'),
    stdio: 'ignore',
  });
  return bin;
}

describe('compat: the Salesforce CLI (sf 2.138.0) against the local org', function () {
  this.timeout(600_000);
  let org: LocalOrg;
  let sfBin: string;
  let work: string;
  let env: NodeJS.ProcessEnv;

  /** Run sf with `--json` and answer its `result`; a non-zero exit fails with sf's message. */
  async function sf(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Record<string, unknown>> {
    try {
      const { stdout } = await run(process.execPath, [sfBin, ...args, '--json'], {
        cwd: work,
        env: { ...env, ...extraEnv },
        maxBuffer: 64 * 1024 * 1024,
      });
      return (JSON.parse(stdout) as { result: Record<string, unknown> }).result;
    } catch (err) {
      const out = (err as { stdout?: string }).stdout ?? '';
      throw new Error(`sf ${args.join(' ')} failed: ${out.slice(0, 2000) || (err as Error).message}`, { cause: err });
    }
  }

  before(async () => {
    sfBin = installSf();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-compat-'));
    privateDir(work);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        path.join(work, 'jwt.key'),
        '-out',
        path.join(work, 'jwt.crt'),
        '-days',
        '1',
        '-subj',
        '/CN=sfo-compat sf compat',
      ],
      { stdio: 'ignore' },
    );
    privateFile(path.join(work, 'jwt.key'));
    const seed = testSeed();
    seed.connectedApps!.push({
      name: 'sf JWT',
      clientId: 'sf-jwt-client',
      allowlisted: false,
      certificate: fs.readFileSync(path.join(work, 'jwt.crt'), 'utf8'),
    });
    org = await startTestOrg(seed);
    fs.mkdirSync(path.join(work, 'home'));
    env = {
      PATH: process.env.PATH,
      HOME: path.join(work, 'home'),
      SF_DISABLE_TELEMETRY: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      SF_DISABLE_DNS_CHECK: 'true',
    };
  });
  after(async () => {
    await org?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('org login access-token (a trailing slash on the url) and org display', async () => {
    const token = sessionFor(org, 'admin@test.example');
    await sf(['org', 'login', 'access-token', '--instance-url', `${org.url}/`, '--no-prompt', '--alias', 'admin'], {
      SF_ACCESS_TOKEN: token,
    });
    const shown = await sf(['org', 'display', '--target-org', 'admin']);
    assert.equal(shown.username, 'admin@test.example');
  });

  it('org login jwt with a certificate in the seed', async () => {
    const res = await sf([
      'org',
      'login',
      'jwt',
      '--client-id',
      'sf-jwt-client',
      '--jwt-key-file',
      path.join(work, 'jwt.key'),
      '--username',
      'ann@test.example',
      '--instance-url',
      org.url,
      '--alias',
      'ann',
    ]);
    assert.equal(res.username, 'ann@test.example');
    assert.equal((await sf(['org', 'display', '--target-org', 'ann'])).username, 'ann@test.example');
  });

  it('data create, update and delete record; data query with rows and --all-rows; sobject describe', async () => {
    const created = await sf(['data', 'create', 'record', '-o', 'ann', '-s', 'Contact', '-v', 'LastName=Compat']);
    const id = created.id as string;
    await sf(['data', 'update', 'record', '-o', 'ann', '-s', 'Contact', '-i', id, '-v', 'Title=Tested']);
    const q = await sf([
      'data',
      'query',
      '-o',
      'ann',
      '-q',
      `SELECT Id, Title, Owner.Name FROM Contact WHERE Id = '${id}'`,
    ]);
    assert.equal((q.records as Array<{ Title: string }>)[0].Title, 'Tested');
    await sf(['data', 'delete', 'record', '-o', 'ann', '-s', 'Contact', '-i', id]);
    const all = await sf([
      'data',
      'query',
      '-o',
      'ann',
      '--all-rows',
      '-q',
      `SELECT Id, IsDeleted FROM Contact WHERE Id = '${id}'`,
    ]);
    assert.equal((all.records as Array<{ IsDeleted: boolean }>)[0].IsDeleted, true);
    const describe = await sf(['sobject', 'describe', '-o', 'ann', '-s', 'Contact']);
    assert.equal(describe.name, 'Contact');
  });

  it('data import tree (composite/tree), data import bulk and data export bulk (Bulk API 2.0)', async () => {
    fs.writeFileSync(
      path.join(work, 'Account.json'),
      JSON.stringify({
        records: [
          {
            attributes: { type: 'Account', referenceId: 'AccRef1' },
            Name: 'Compat Tree',
            Contacts: { records: [{ attributes: { type: 'Contact', referenceId: 'ConRef1' }, LastName: 'Leafy' }] },
          },
        ],
      }),
    );
    await sf(['data', 'import', 'tree', '-o', 'ann', '--files', path.join(work, 'Account.json')]);
    fs.writeFileSync(path.join(work, 'in.csv'), 'FirstName,LastName\nSam,Bulked\nTia,Bulked\n');
    const imported = await sf([
      'data',
      'import',
      'bulk',
      '-o',
      'ann',
      '-s',
      'Contact',
      '--file',
      'in.csv',
      '--wait',
      '1',
    ]);
    assert.equal(imported.processedRecords, 2);
    await sf([
      'data',
      'export',
      'bulk',
      '-o',
      'ann',
      '--query',
      "SELECT FirstName, LastName, Account.Name FROM Contact WHERE LastName IN ('Bulked', 'Leafy') ORDER BY LastName, FirstName",
      '--output-file',
      'out.csv',
      '--result-format',
      'csv',
      '--wait',
      '1',
    ]);
    assert.equal(
      fs.readFileSync(path.join(work, 'out.csv'), 'utf8'),
      // sf writes the org's CSV as it comes: a null is an empty, unquoted field.
      '"FirstName","LastName","Account.Name"\n"Sam","Bulked",\n"Tia","Bulked",\n,"Leafy","Compat Tree"\n',
    );
  });
});
