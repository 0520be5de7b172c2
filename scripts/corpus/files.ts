// Files that are not media at all: FIFOs, folders named like media, symlink loops, dangling
// links, unreadable files, devices, and damaged files with hostile names. Made at generate
// time (a FIFO cannot be committed), under `dir`.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A file-system input: its path, the names an error may use for it, and what it is. */
export interface OddFile {
  id: string;
  path: string;
  names: string[];
  input: string;
  /** The phrases that say what is wrong with it (see CorpusCase.problems). */
  problems?: string[];
  /** True when reading it may legitimately work (an unreadable file, for root). */
  mayAnswer?: boolean;
}

const NOT_REGULAR = ['not a regular file', 'is a device', 'named pipe', 'fifo', 'special file'];
/** /dev paths: outside the folders the HTTP endpoint may read, or not regular files. */
const DEVICE = [...NOT_REGULAR, 'outside'];
const DIRECTORY = ['is a directory', 'not a regular file', 'not a file'];
const MISSING = ['does not exist', 'no such', 'not found', 'missing', 'dangling', 'broken link'];

const runsAsRoot = () => process.getuid?.() === 0;

/** Special files; `validPng` is a good image to hide behind modes and links. */
export function makeOddFiles(dir: string, validPng: Buffer): OddFile[] {
  mkdirSync(dir, { recursive: true });
  const at = (name: string) => join(dir, name);
  const made: OddFile[] = [];
  const add = (id: string, name: string, input: string, extra: Partial<OddFile> = {}) =>
    made.push({ id, path: at(name), names: [name], input, ...extra });

  if (spawnSync('mkfifo', [at('fifo.mp4')]).status === 0)
    add('fifo', 'fifo.mp4', 'a FIFO', { problems: NOT_REGULAR });
  mkdirSync(at('folder.mp4'));
  add('directory-mp4', 'folder.mp4', 'a directory named like a video', { problems: DIRECTORY });
  mkdirSync(at('folder.png'));
  add('directory-png', 'folder.png', 'a directory named like an image', { problems: DIRECTORY });
  symlinkSync('loop-b.png', at('loop-a.png'));
  symlinkSync('loop-a.png', at('loop-b.png'));
  add('symlink-loop', 'loop-a.png', 'a symlink loop', {
    problems: ['loop', 'too many symbolic links', 'too many levels'],
  });
  symlinkSync('gone.mp4', at('dangling.mp4'));
  add('dangling-symlink', 'dangling.mp4', 'a dangling symlink', {
    names: ['dangling.mp4', 'gone.mp4'],
    problems: MISSING,
  });
  writeFileSync(at('unreadable.png'), validPng);
  chmodSync(at('unreadable.png'), 0);
  add('unreadable', 'unreadable.png', 'a file with mode 000', {
    mayAnswer: runsAsRoot(),
    problems: ['permission', 'not readable', 'unreadable', 'access'],
  });
  made.push({
    id: 'dev-zero',
    path: '/dev/zero',
    names: ['/dev/zero', 'zero'],
    input: '/dev/zero',
    problems: DEVICE,
  });
  made.push({
    id: 'dev-null',
    path: '/dev/null',
    names: ['/dev/null', 'null'],
    input: '/dev/null',
    problems: [...DEVICE, 'empty'],
  });
  add('missing', 'missing.mp4', 'a file that does not exist', { problems: MISSING });
  writeFileSync(at('text.png'), 'This is a text file, not an image.\n');
  add('text-as-png', 'text.png', 'a text file named .png');
  writeFileSync(at('html.mp4'), '<!doctype html><title>404 Not Found</title>\n');
  add('html-as-mp4', 'html.mp4', 'an HTML error page saved as .mp4');
  return made;
}

/** Hostile names, each holding a truncated copy of a valid PNG (`damaged`). */
export function makeHostileNames(dir: string, damaged: Buffer): OddFile[] {
  mkdirSync(dir, { recursive: true });
  const names: [string, string][] = [
    ['terminal-escape', '\u001b[31mred\u001b[0m\u001b]0;title\u0007.png'],
    ['newline', 'line\nbreak.png'],
    ['carriage-return', 'over\rwrite.png'],
    ['long-name', `${'long-'.repeat(48)}end.png`],
    ['unicode', 'ünïcødé-视频-🎬.png'],
    ['leading-dash', '-leading-dash.png'],
    ['shell-quotes', 'quote\'"$(echo pwned)`x`.png'],
    ['bidi-override', 'evil\u202egnp.exe.png'],
    ['spaces', '  spaces  .png'],
  ];
  return names.map(([id, name]) => {
    writeFileSync(join(dir, name), damaged);
    return {
      id,
      path: join(dir, name),
      names: [name],
      input: `a truncated PNG named ${JSON.stringify(name)}`,
    };
  });
}
