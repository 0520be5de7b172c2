// The video prompt of families without a video template of their own (Idefics3, and
// Qwen2-VL's streamed frames): each frame is its time, then one image.
import { formatTime } from '../../util/time-format';
import type { VideoPrompt } from './types';

/** "Frame at 0:12:" followed by the family's image placeholder, per frame. */
export function frameAtTime(imagePlaceholder: string): VideoPrompt {
  return {
    intro: '',
    frame: (timeSec) => `Frame at ${formatTime(timeSec)}:${imagePlaceholder}`,
    outro: '\n',
  };
}
