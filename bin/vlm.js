#!/usr/bin/env node
// Runs the bundled CLI (dist/cli.js) when it is at least as new as the TypeScript sources,
// else the sources through tsx. So `npx vlm` works straight after `npm ci` in a clone, and
// a developer who edited engine/ never runs a stale bundle. An installed package (the npm
// tarball) has no sources and always runs dist/cli.js.
'use strict';
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bundled = join(root, 'dist', 'cli.js');
const sources = join(root, 'engine');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (!existsSync(bundled)) return false;
  if (!existsSync(sources)) return true; // installed package: only the bundle ships
  return statSync(bundled).mtimeMs >= newestMtime(sources);
}

let cli;
if (bundleIsFresh()) {
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
