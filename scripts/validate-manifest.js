#!/usr/bin/env node
'use strict';
// `npm run validate`: checks manifest.xml (Outlook) and manifest-office.xml (Word and Excel) against the Office
// add-in manifest XSDs, offline.
//
// The XSDs live in ../shared/schemas/office-addin-manifest/ (beside the repo, never copied into it).
// Where that folder is missing, the script says how to validate online and exits 0 without validating:
// `office-addin-manifest validate` posts the manifest to Microsoft's service, so it cannot run here.
//
// Usage: node scripts/validate-manifest.js [MANIFEST...] [--schemas DIR]   (no MANIFEST: both of the repo's)
// Exit: 0 all valid (or not validated: no schemas), 1 one is invalid or the schemas could not be used.

const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.join(__dirname, '..');
const DEFAULT_MANIFEST = path.join(REPO_ROOT, 'manifest.xml');
const DEFAULT_MANIFESTS = [DEFAULT_MANIFEST, path.join(REPO_ROOT, 'manifest-office.xml')];
const DEFAULT_SCHEMA_DIR = path.join(REPO_ROOT, '..', 'shared', 'schemas', 'office-addin-manifest');
// The schema of <OfficeApp>; it imports the others by file name (schemaLocation="X.xsd").
const MAIN_SCHEMA = 'OfficeAppManifestV1_1.xsd';
const onlineCommand = (name) => `npx office-addin-manifest validate ${name}`;

/** Reads the XSDs of schemaDir: the main schema and every schema it imports, directly or not. */
function loadSchemas(schemaDir) {
  const byName = new Map();
  const pending = [MAIN_SCHEMA];
  while (pending.length > 0) {
    const name = pending.shift();
    if (byName.has(name)) continue;
    const file = path.join(schemaDir, name);
    if (!fs.existsSync(file)) {
      const importer = byName.size === 0 ? '' : ` (imported by ${[...byName.keys()].join(', ')})`;
      throw new Error(`schema ${name} is missing from ${schemaDir}${importer}`);
    }
    const contents = fs.readFileSync(file, 'utf8');
    byName.set(name, contents);
    // xmllint resolves schemaLocation against the importing file; every file sits in one flat
    // in-memory folder under its own name, so a relative schemaLocation maps to that name.
    for (const m of contents.matchAll(/<xs:(?:import|include)\b[^>]*\bschemaLocation="([^"]+)"/g)) {
      if (/^[a-z]+:/i.test(m[1]) || m[1].includes('/')) {
        throw new Error(`schema ${name} imports ${m[1]}, which is not a file beside it`);
      }
      pending.push(m[1]);
    }
  }
  const [[mainName, mainContents], ...rest] = byName;
  return {
    schema: { fileName: mainName, contents: mainContents },
    preload: rest.map(([fileName, contents]) => ({ fileName, contents })),
  };
}

/**
 * Validates the manifest at manifestPath against the XSDs in schemaDir.
 * Resolves to { valid, errors: [{ line, message, source? }] }: line is null where xmllint gave none;
 * source is the offending text that xmllint quotes after a parser error.
 */
async function validateManifest(manifestPath = DEFAULT_MANIFEST, schemaDir = DEFAULT_SCHEMA_DIR) {
  let validateXML;
  try {
    ({ validateXML } = require('xmllint-wasm'));
  } catch {
    // A devDependency: absent after `npm install --omit=dev`.
    throw new Error('xmllint-wasm is not installed: run `npm install` in the repo (it is a devDependency)');
  }
  const { schema, preload } = loadSchemas(schemaDir);
  const fileName = path.basename(manifestPath);
  const result = await validateXML({
    xml: [{ fileName, contents: fs.readFileSync(manifestPath, 'utf8') }],
    schema: [schema],
    preload,
  });
  const errors = [];
  for (const e of result.errors) {
    const previous = errors[errors.length - 1];
    // A parser error comes with the offending source line as an unlocated message: keep it with its error.
    if (!e.loc && previous) {
      previous.source = e.message.trim();
      continue;
    }
    errors.push({
      line: e.loc ? e.loc.lineNumber : null,
      message: e.message.replace(/^(?:element \S+: )?Schemas validity error : /, ''),
    });
  }
  return { valid: result.valid, errors };
}

function parseArgs(argv) {
  const manifests = [];
  let schemas = DEFAULT_SCHEMA_DIR;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--schemas' && i + 1 < argv.length) schemas = path.resolve(argv[++i]);
    else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}`);
    else manifests.push(path.resolve(argv[i]));
  }
  return { manifests: manifests.length > 0 ? manifests : DEFAULT_MANIFESTS, schemas };
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${err.message}\nusage: node scripts/validate-manifest.js [MANIFEST...] [--schemas DIR]`);
    return 2;
  }
  let code = 0;
  for (const manifest of args.manifests) code = Math.max(code, await validateOne(manifest, args.schemas));
  return code;
}

/** Validate one manifest and say so; 0 valid (or not validated), 1 not. */
async function validateOne(manifest, schemas) {
  const args = { manifest, schemas };
  const name = path.relative(process.cwd(), args.manifest) || args.manifest;
  if (!fs.existsSync(args.schemas)) {
    console.log(
      `${name} was NOT validated: the Office add-in manifest schemas are not at ${args.schemas}.\n` +
        `To validate online (Microsoft's validation service), run:\n  ${onlineCommand(name)}`,
    );
    return 0;
  }
  let result;
  try {
    result = await validateManifest(args.manifest, args.schemas);
  } catch (err) {
    console.error(`${name} could not be validated: ${err.message}`);
    return 1;
  }
  if (result.valid) {
    console.log(`${name} is valid against the Office add-in manifest schemas (offline)`);
    return 0;
  }
  console.error(`${name} is NOT valid against the Office add-in manifest schemas:`);
  for (const e of result.errors) {
    console.error(`${name}:${e.line ?? '?'}: ${e.message}`);
    if (e.source) console.error(`    ${e.source}`);
  }
  return 1;
}

module.exports = { validateManifest, DEFAULT_SCHEMA_DIR, DEFAULT_MANIFEST, DEFAULT_MANIFESTS };

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
