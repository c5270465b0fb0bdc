#!/usr/bin/env node
'use strict';
// The CLI is compiled by `npm ci` (the prepare script) into build/.
const path = require('path');
const fs = require('fs');
const entry = path.join(__dirname, '..', 'build', 'sync-engine', 'src', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(
    'sfo-compat is not built yet: run `npm ci` (or `npm run build`) in ' + path.join(__dirname, '..') + '\n',
  );
  process.exit(1);
}
require(entry)
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(String(err && err.message ? err.message : err) + '\n');
      process.exitCode = 1;
    },
  );
