// Whether the bundled CLI (dist/cli.js) is at least as new as every TypeScript source under
// engine/. The launcher runs the bundle only then, and the test of the bundled CLI runs only
// then, so both read staleness the same way.
'use strict';
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** `root`: the package or checkout root, holding dist/ and (in a checkout) engine/. */
function bundleIsFresh(root) {
  const bundled = join(root, 'dist', 'cli.js');
  const sources = join(root, 'engine');
  if (!existsSync(bundled)) return false;
  if (!existsSync(sources)) return true; // installed package: only the bundle ships
  return statSync(bundled).mtimeMs >= newestMtime(sources);
}

module.exports = { bundleIsFresh };
