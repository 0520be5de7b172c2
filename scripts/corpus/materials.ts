// Writes every bad input the cases refer to into one folder: damaged media, bombs, odd files,
// hostile names and broken model folders, plus a few good inputs for "still serving" checks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBombs } from './bombs';
import { DAMAGES } from './damage';
import { makeHostileNames, makeOddFiles, type OddFile } from './files';
import { makeBrokenModels, type BrokenModel } from './models';
import { makeSeeds } from './seeds';

/** What an error about a decompression bomb says: its size is the problem. */
const BOMB_PROBLEMS = ['too large', 'too big', 'pixels', 'exceeds', 'larger than', 'dimensions'];

/** A damaged or hostile media file. */
export interface BadMedia extends OddFile {
  format: string;
  /** The damage done to the seed (see DAMAGES), or 'bomb'. */
  damage: string;
  /** The seed was a still image (so image-only entry points apply). */
  still: boolean;
}

export interface Materials {
  root: string;
  media: BadMedia[];
  bombs: BadMedia[];
  odd: OddFile[];
  hostile: OddFile[];
  models: BrokenModel[];
  good: { png: string; mp4: string; pngBase64: string; model: string };
}

/** Makes everything under `root`; `vlm` is the command (argv) that runs the CLI. */
export async function makeMaterials(root: string, vlm: string[]): Promise<Materials> {
  const dir = (name: string) => {
    mkdirSync(join(root, name), { recursive: true });
    return join(root, name);
  };
  const seeds = await makeSeeds(dir('scratch'));
  const media: BadMedia[] = [];
  for (const seed of seeds)
    for (const damage of DAMAGES) {
      const name = `${seed.format}-${damage.name}${seed.ext}`;
      const path = join(dir('media'), name);
      writeFileSync(path, damage.apply(seed.bytes, seed.format));
      media.push({
        id: `${seed.format}-${damage.name}`,
        path,
        names: [name],
        input: `${seed.format} file, ${damage.name}`,
        mayAnswer: damage.mayDecode,
        format: seed.format,
        damage: damage.name,
        still: !seed.video,
      });
    }
  const bombs = makeBombs(seeds).map(({ name, ext, bytes }) => {
    const path = join(dir('bombs'), `${name}${ext}`);
    writeFileSync(path, bytes);
    const still = !name.startsWith('animated') && ext !== '.avi';
    return {
      id: name,
      path,
      names: [`${name}${ext}`],
      input: `decompression bomb ${name}`,
      format: name,
      damage: 'bomb',
      still,
      problems: BOMB_PROBLEMS,
    };
  });
  const png = seeds.find((s) => s.format === 'png')!.bytes;
  const good = { png: join(dir('good'), 'good.png'), mp4: join(dir('good'), 'good.mp4') };
  writeFileSync(good.png, png);
  writeFileSync(good.mp4, seeds.find((s) => s.format === 'mp4')!.bytes);
  const model = join(dir('good'), 'reference-model');
  execFileSync(vlm[0], [...vlm.slice(1), 'model', 'generate', '--preset', 'tiny', '--out', model], {
    stdio: 'ignore',
  });
  return {
    root,
    media,
    bombs,
    odd: makeOddFiles(dir('odd'), png),
    hostile: makeHostileNames(dir('names'), png.subarray(0, 40)),
    models: makeBrokenModels(dir('models'), model),
    good: { ...good, pngBase64: png.toString('base64'), model },
  };
}
