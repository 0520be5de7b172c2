#!/usr/bin/env node
// Runs the bundled CLI when it has been built (npm run bundle), else the TypeScript
// sources through tsx, so `npx vlm` works straight after `npm ci` in a clone.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundled = join(__dirname, '..', 'dist', 'cli.js');
let cli;
if (existsSync(bundled)) {
  cli = require(bundled);
} else {
  require('tsx/cjs');
  cli = require(join(__dirname, '..', 'engine', 'cli', 'main.ts'));
}
cli.main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`vlm: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
