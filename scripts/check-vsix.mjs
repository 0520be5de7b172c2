// Checks packaged .vsix files: each one's manifest TargetPlatform is its target; every native
// binary inside has the target's format and architecture, read from its header
// (scripts/vsix/native.mjs), and every binary the extension needs is there; no file belongs to
// another platform; every @rpath library a Mach-O file loads is inside; the size is within the
// target's budget. Prints, per .vsix, its size, what takes the space, and each native file
// with its verified format.
//   node scripts/check-vsix.mjs [--json] [--dir DIR] [FILE.vsix ... | --all]
// --all (the default without files) checks the .vsix of every supported target in DIR (.).
// Exit 1 when a problem is found or a .vsix is missing.
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';
import { NATIVE_NAME, describe, nativeFormat } from './vsix/native.mjs';
import { PLATFORM_NAMES, TARGETS, vsixName } from './vsix/targets.mjs';

/** Bytes read from the start of each entry: headers and Mach-O load commands fit. */
const HEAD_BYTES = 256 * 1024;

/** Where the space goes, by the first pattern an entry's path matches. */
const GROUPS = [
  ['onnxruntime', /node_modules\/onnxruntime-/],
  ['ffmpeg', /node_modules\/@ffmpeg-installer\//],
  ['sharp + libvips', /node_modules\/(sharp|@img|detect-libc|semver)\//],
  ['OCR models', /node_modules\/@gutenye\//],
  ['extension code', /^extension\/dist\//],
  ['other', /./],
];

/**
 * Every file of a zip with the first HEAD_BYTES of its content.
 * @param {string} file
 * @returns {Promise<{ name: string, size: number, compressed: number, mode: number,
 *   head: Buffer }[]>}
 */
export function readEntries(file) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (openError, zip) => {
      if (openError) return reject(openError);
      const entries = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks = [];
          let length = 0;
          let done = false;
          const finish = () => {
            if (done) return;
            done = true;
            entries.push({
              name: entry.fileName,
              size: entry.uncompressedSize,
              compressed: entry.compressedSize,
              mode: (entry.externalFileAttributes >>> 16) & 0o777,
              head: Buffer.concat(chunks, length),
            });
            zip.readEntry();
          };
          stream.on('data', (chunk) => {
            chunks.push(chunk);
            length += chunk.length;
            if (length >= HEAD_BYTES) {
              stream.destroy();
              finish();
            }
          });
          stream.on('end', finish);
          stream.on('error', (error) => (done ? undefined : reject(error)));
        });
      });
      zip.readEntry();
    });
  });
}

/** Unpacks the `extension/` folder of a .vsix into `dir`, keeping the files' modes. */
export function extractVsix(file, dir) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (openError, zip) => {
      if (openError) return reject(openError);
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (entry) => {
        const rel = entry.fileName.replace(/^extension\//, '');
        if (rel === entry.fileName || entry.fileName.endsWith('/')) return zip.readEntry();
        const to = join(dir, ...rel.split('/'));
        if (!to.startsWith(join(dir, '/'))) return reject(new Error(`bad entry ${entry.fileName}`));
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          mkdirSync(dirname(to), { recursive: true });
          const mode = (entry.externalFileAttributes >>> 16) & 0o777;
          stream
            .pipe(createWriteStream(to, { mode: mode || 0o644 }))
            .on('error', reject)
            .on('finish', () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  });
}

/** The target a .vsix file name names: vlm-stream-<target>-<version>.vsix. */
export function targetFromName(file) {
  return Object.keys(TARGETS).find((t) => basename(file).includes(`-${t}-`));
}

/** Paths that name another platform than `target`, e.g. @img/sharp-win32-x64/ in linux-x64. */
function foreignPlatform(path, target) {
  const { os, arch } = TARGETS[target];
  const napi = /napi-v6\/([^/]+)\/([^/]+)\//.exec(path);
  if (napi && (napi[1] !== os || napi[2] !== arch)) return `${napi[1]}-${napi[2]}`;
  return PLATFORM_NAMES.find(
    (p) => p !== target && (path.includes(`-${p}/`) || path.includes(`/${p}/`)),
  );
}

/**
 * Checks one .vsix. Returns its report: target, bytes, groups (where the space goes),
 * natives (each with its verified format), problems (empty when it passes).
 */
export async function checkVsix(file, target = targetFromName(file)) {
  const problems = [];
  if (!target || !TARGETS[target])
    return { file, target, bytes: 0, groups: [], natives: [], problems: [`unknown target`] };
  const spec = TARGETS[target];
  const entries = await readEntries(file);
  const bytes = statSync(file).size;

  const manifest = entries.find((e) => e.name === 'extension.vsixmanifest');
  const declared = manifest && /TargetPlatform="([^"]+)"/.exec(manifest.head.toString('utf8'));
  if (!declared) problems.push('extension.vsixmanifest has no TargetPlatform');
  else if (declared[1] !== target)
    problems.push(`extension.vsixmanifest TargetPlatform is ${declared[1]}, not ${target}`);

  const natives = [];
  for (const entry of entries) {
    const foreign = foreignPlatform(entry.name, target);
    if (foreign) problems.push(`${entry.name}: a ${foreign} file in the ${target} package`);
    const native = nativeFormat(entry.head);
    if (!native) {
      if (NATIVE_NAME.test(entry.name))
        problems.push(`${entry.name}: named like a native binary but no ELF/Mach-O/PE header`);
      continue;
    }
    const verified = describe(native);
    natives.push({ name: entry.name, size: entry.size, mode: entry.mode, verified, native });
    const fits = native.fat
      ? native.archs.includes(spec.binary.split(' ')[1])
      : verified === spec.binary;
    if (!fits) problems.push(`${entry.name}: ${verified}, expected ${spec.binary}`);
  }

  // What must be there: onnxruntime's binding, sharp's binding and libvips, ffmpeg.
  const has = (re) => natives.some((n) => re.test(n.name));
  const needed = [
    [
      `onnxruntime binding`,
      /onnxruntime-node\/bin\/napi-v6\/[^/]+\/[^/]+\/onnxruntime_binding\.node$/,
    ],
    ['sharp binding', /@img\/sharp-[^/]+\/lib\/sharp-[^/]+\.node$/],
    ['libvips', /(libvips-cpp\.|libvips-42\.dll|libvips-cpp-)/],
  ];
  if (spec.ffmpeg) needed.push(['ffmpeg', /@ffmpeg-installer\/[^/]+\/ffmpeg(\.exe)?$/]);
  for (const [what, re] of needed) if (!has(re)) problems.push(`no ${what} in the package`);
  if (!spec.ffmpeg && entries.some((e) => e.name.includes('@ffmpeg-installer/')))
    problems.push('@ffmpeg-installer is packaged for a target it has no binary for');
  for (const n of natives)
    if (spec.os !== 'win32' && n.name.endsWith('/ffmpeg') && (n.mode & 0o111) === 0)
      problems.push(`${n.name}: not executable (mode ${n.mode.toString(8)})`);

  // Mach-O: every @rpath/ and @loader_path/ library resolves, through the file's LC_RPATH
  // entries, to a file inside the package.
  const names = new Set(entries.map((e) => e.name));
  for (const n of natives) {
    if (n.native.truncated)
      problems.push(`${n.name}: Mach-O load commands reach past the first ${HEAD_BYTES} bytes`);
    const here = posix.dirname(n.name);
    const rpaths = (n.native.rpaths ?? []).map((r) => r.replace(/^@loader_path/, here));
    for (const lib of n.native.loads ?? []) {
      const candidates = lib.startsWith('@rpath/')
        ? rpaths.map((r) => posix.join(r, lib.slice('@rpath/'.length)))
        : lib.startsWith('@loader_path/')
          ? [posix.join(here, lib.slice('@loader_path/'.length))]
          : [];
      if (lib.startsWith('@') && !candidates.some((c) => names.has(c)))
        problems.push(`${n.name} loads ${lib}, which is not in the package`);
    }
  }

  if (bytes > spec.budgetMiB * 2 ** 20)
    problems.push(`${(bytes / 2 ** 20).toFixed(1)} MiB is over the ${spec.budgetMiB} MiB budget`);

  const groupOf = (name) => GROUPS.find(([, re]) => re.test(name))[0];
  const groups = GROUPS.map(([group]) => {
    const inGroup = entries.filter((e) => groupOf(e.name) === group);
    return {
      group,
      compressed: inGroup.reduce((sum, e) => sum + e.compressed, 0),
      size: inGroup.reduce((sum, e) => sum + e.size, 0),
    };
  }).filter((g) => g.size > 0);
  return {
    file,
    target,
    bytes,
    budgetMiB: spec.budgetMiB,
    groups,
    natives,
    entries: entries.length,
    problems,
  };
}

const mib = (n) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** The report as text: size and budget, where the space goes, each native file. */
export function formatReport(r) {
  const lines = [
    `${basename(r.file)}: ${r.target}, ${mib(r.bytes)} (budget ${r.budgetMiB} MiB), ${r.entries} files, ${r.problems.length ? 'FAILED' : 'ok'}`,
  ];
  for (const g of [...r.groups].sort((a, b) => b.compressed - a.compressed))
    lines.push(
      `  ${mib(g.compressed).padStart(9)} packed  ${mib(g.size).padStart(9)} unpacked  ${g.group}`,
    );
  for (const n of r.natives)
    lines.push(`  native  ${n.verified.padEnd(14)} ${mib(n.size).padStart(9)}  ${n.name}`);
  for (const p of r.problems) lines.push(`  PROBLEM ${p}`);
  return lines.join('\n');
}

async function main() {
  const { values, positionals } = parseArgs({
    options: {
      json: { type: 'boolean' },
      all: { type: 'boolean' },
      dir: { type: 'string', default: '.' },
    },
    allowPositionals: true,
  });
  const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
  const files = positionals.length
    ? positionals
    : Object.keys(TARGETS).map((t) => join(values.dir, vsixName(t, manifest)));
  const reports = [];
  for (const file of files) {
    if (!existsSync(file)) {
      reports.push({
        file,
        target: targetFromName(file),
        problems: ['missing; run npm run package -- --all'],
      });
      continue;
    }
    reports.push(await checkVsix(file));
  }
  if (values.json)
    console.log(JSON.stringify(reports, (k, v) => (k === 'head' ? undefined : v), 2));
  else
    for (const r of reports)
      console.log(r.bytes ? formatReport(r) : `${r.file}: ${r.problems.join('; ')}`);
  process.exit(reports.some((r) => r.problems.length) ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  main().catch((error) => {
    console.error(`check-vsix: ${error.stack ?? error}`);
    process.exit(1);
  });
