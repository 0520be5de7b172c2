// Video frames are written the way the model family's processor writes them: SmolVLM2
// (model_type smolvlm) with transformers' SmolVLMProcessor video template ("Frame from
// MM:SS:" + one global image, "\n\n" before the text); Idefics3 keeps its "Frame at m:ss:" marker; still images stay plain images.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadModel, type VisionLanguageModel } from '../../../../engine/model';
import { openStream } from '../../../../engine/stream';
import { adaptModel } from '../../../../engine/stream/model-adapter';
import { smoothImage } from '../tiny-model';
import { REAL, variantFolder } from './helpers';

let smolFolder: Awaited<ReturnType<typeof variantFolder>>;
let idefics3Folder: Awaited<ReturnType<typeof variantFolder>>;
let smol: VisionLanguageModel;
let idefics3: VisionLanguageModel;

before(async () => {
  smolFolder = await variantFolder(['smolvlm']);
  idefics3Folder = await variantFolder([]);
  smol = await loadModel(smolFolder.dir, { provider: 'cpu' });
  idefics3 = await loadModel(idefics3Folder.dir, { provider: 'cpu' });
});

after(async () => {
  await Promise.all([smol?.dispose(), idefics3?.dispose()]);
  smolFolder?.cleanup();
  idefics3Folder?.cleanup();
});

async function frameText(model: VisionLanguageModel, timeSec: number): Promise<string> {
  const image = await model.imageProcessor.process(smoothImage(90, 60), {
    doImageSplitting: false,
  });
  return model.expandPrompt(model.videoPrompt.frame(timeSec), [image]);
}

/**
 * transformers' SmolVLMProcessor (processing_smolvlm.py) for a video: DEFAULT_VIDEO_INTRO,
 * then per frame FRAME_TIMESTAMP_MESSAGE ("\nFrame from {MM:SS}:") and
 * _prompt_single_image, then DEFAULT_MEDIA_OUTTRO. Written out from those constants (the
 * installed transformers.js has no video path to call).
 */
function processorVideoText(times: number[], durationText: string, seqLen: number): string {
  const words = ['zero', 'one', 'two', 'three'];
  const single = `<fake_token_around_image><global-img>${'<image>'.repeat(seqLen)}<fake_token_around_image>`;
  const mmss = (t: number) =>
    `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(Math.floor(t % 60)).padStart(2, '0')}`;
  return (
    `You are provided the following series of ${words[times.length]} frames from a ${durationText} [H:MM:SS] video.\n` +
    times.map((t) => `\nFrame from ${mmss(t)}:${single}`).join('') +
    '\n\n'
  );
}

test("SmolVLM2 frames are written as transformers' SmolVLMProcessor writes them", async () => {
  const times = [3.2, 75.4];
  const reference = processorVideoText(times, '0:01:20', smol.family.tokensPerTile);
  const intro = reference.slice(0, reference.indexOf('\n') + 1);
  const frames = (await Promise.all(times.map((t) => frameText(smol, t)))).join('');
  assert.equal(`${frames}${smol.videoPrompt.outro}`, reference.slice(intro.length));
  assert.match(frames, /\nFrame from 01:15:/);
  // The stream's intro is written before any frame exists: the same sentence without the count and length.
  assert.equal(
    smol.videoPrompt.intro,
    'You are provided the following series of frames from a video.\n',
  );
});

test('Idefics3 keeps its own frame marker and has no video intro', async () => {
  assert.match(
    await frameText(idefics3, 75.4),
    /^Frame at 1:15:<fake_token_around_image><global-img>/,
  );
  assert.equal(idefics3.videoPrompt.intro, '');
});

test('a SmolVLM2 stream encodes the intro into the sink and each frame with its time', async () => {
  const sinkTokens = async (model: VisionLanguageModel, still: boolean) =>
    (await adaptModel(model).embedPrefix(still)).length / model.spec.hiddenSize;
  const intro = smol.tokenizer.encode(smol.videoPrompt.intro, { addSpecialTokens: false }).length;
  assert.equal((await sinkTokens(smol, false)) - (await sinkTokens(smol, true)), intro);
  const stream = await openStream(join(REAL, 'dog-in-basket-fireplace.mp4'), {
    model: adaptModel(smol),
    recentBlocks: 1,
    memoryBudget: 1e9,
  });
  try {
    await stream.ready;
    const result = await stream.ask('What animal is there?', { maxTokens: 4 });
    assert.ok(result.cache.framesEncoded >= 2);
    assert.ok(result.answer.length > 0);
    const frameTokens = smol.tokenizer.encode(await frameText(smol, 0), {
      addSpecialTokens: false,
    }).length;
    assert.equal(stream.stats().recent.tokens, frameTokens, 'one block holds one frame as written');
  } finally {
    await stream.close();
  }
});
