#!/usr/bin/env node
// Runs the bundled CLI (dist/cli.js) when it is at least as new as the TypeScript sources,
// else the sources through tsx. So `npx vlm` works straight after `npm ci` in a clone, and
// a developer who edited engine/ never runs a stale bundle. An installed package (the npm
// tarball) has no sources and always runs dist/cli.js.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { bundleIsFresh } = require('./bundle-fresh');

const root = join(__dirname, '..');
const bundled = join(root, 'dist', 'cli.js');
const sources = join(root, 'engine');

let cli;
if (bundleIsFresh(root)) {
  cli = require(bundled);
} else if (!existsSync(sources)) {
  process.stderr.write(`vlm: ${bundled} is missing; reinstall the package\n`);
  process.exit(1);
} else {
  require('tsx/cjs');
  cli = require(join(root, 'engine', 'cli', 'main.ts'));
}
cli.main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`vlm: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
