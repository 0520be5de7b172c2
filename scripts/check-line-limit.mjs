// `npm run check:lines`: a TypeScript source file under engine/, server/, client/ or
// protocol/ has at most 400 lines, unless one of its first 5 lines gives the reason it
// stays one file:
//   // long-file: <reason>
// A file that carries the line but is back under the limit fails too, so the line goes
// when the file is split.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LIMIT = 400;
const HEAD = 5;
const folders = ['engine', 'server', 'client', 'protocol'];
const marker = /^\/\/ long-file: \S/;

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const problems = [];
for (const file of folders.flatMap(tsFiles).sort()) {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const marked = lines.slice(0, HEAD).some((line) => marker.test(line));
  if (lines.length > LIMIT && !marked)
    problems.push(
      `${file}: ${lines.length} lines (limit ${LIMIT}): split it, or give the reason in its first ${HEAD} lines as '// long-file: <reason>'`,
    );
  else if (lines.length <= LIMIT && marked)
    problems.push(
      `${file}: ${lines.length} lines, within the limit of ${LIMIT}: remove its '// long-file:' line`,
    );
}
for (const problem of problems) console.error(problem);
if (problems.length) process.exit(1);
console.log(
  `check:lines: every source file in ${folders.join(', ')} is within ${LIMIT} lines or says why not`,
);
