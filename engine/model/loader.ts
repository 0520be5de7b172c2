// loadModel: open a model folder and hand back a ready VisionLanguageModel, or fail
// with every problem found (nothing stays open on failure).
import { VisionLanguageModel } from './model';
import { openModelFolder, type LoadOptions } from './open';

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    super(`model folder ${dir} cannot be used:\n  ${problems.join('\n  ')}`);
  }
}

export async function loadModel(
  dir: string,
  options: LoadOptions = {},
): Promise<VisionLanguageModel> {
  const { report, model } = await openModelFolder(dir, options);
  if (!model) throw new ModelLoadError(dir, report.problems);
  const loaded = new VisionLanguageModel(model, options);
  try {
    await loaded.checkRepositioning();
  } catch (error) {
    await loaded.dispose();
    throw error;
  }
  return loaded;
}
