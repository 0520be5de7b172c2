// Lists the model folders under the models directory: a folder counts as a model when it
// has config.json. Plain Node, so the quick pick's content is unit-tested.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { directorySize } from './size';

export interface InstalledModel {
  /** Folder name, e.g. "HuggingFaceTB--SmolVLM-256M-Instruct". */
  name: string;
  dir: string;
  /** config.json's model_type, when present (e.g. "idefics3"). */
  modelType?: string;
  bytes: number;
}

export function listInstalledModels(modelsDir: string): InstalledModel[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => join(modelsDir, e.name))
    .filter((dir) => existsSync(join(dir, 'config.json')))
    .map((dir) => ({
      name: dir.slice(modelsDir.length + 1),
      dir,
      modelType: readModelType(join(dir, 'config.json')),
      bytes: directorySize(dir),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function readModelType(configPath: string): string | undefined {
  try {
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { model_type?: unknown };
    return typeof config.model_type === 'string' ? config.model_type : undefined;
  } catch {
    return undefined;
  }
}
