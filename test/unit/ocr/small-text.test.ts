// When the detector's downscale shrinks 1x text too far, the screenshot is detected again at
// full size (engine/ocr/detection.ts, SmallTextRule). These cases pin which screenshots
// pay for the second pass: 1x text on large screens does, HiDPI text and small images do not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_DETECTION_OPTIONS,
  smallTextSide,
  type DetectedBox,
  type SmallTextRule,
} from '../../../engine/ocr/detection';

const rule = DEFAULT_DETECTION_OPTIONS.smallText as SmallTextRule;
const maxSide = DEFAULT_DETECTION_OPTIONS.maxSide;

/** Detected boxes of the given heights, in image pixels. */
function boxes(...heights: number[]): DetectedBox[] {
  return heights.map((h, i) => ({ box: { x: 10, y: 30 * i, w: 100, h }, score: 0.9 }));
}

test('1x text on a 1920x1080 screenshot is detected again at full size', () => {
  const side = smallTextSide({ width: 1920, height: 1080 }, boxes(20, 22, 24, 40), maxSide, rule);
  assert.equal(side, 1920);
});

test('the second pass is capped at the rule longer side', () => {
  const side = smallTextSide({ width: 3840, height: 2160 }, boxes(20, 22, 24), maxSide, rule);
  assert.equal(side, rule.maxSide);
});

test('HiDPI text keeps the first pass: it is tall in the image though small after the downscale', () => {
  // 2724 px wide at 2x: boxes about 44 px tall, 15.5 px at the detector's scale.
  assert.equal(
    smallTextSide({ width: 2724, height: 1810 }, boxes(40, 44, 46), maxSide, rule),
    undefined,
  );
});

test('text the downscale leaves tall enough keeps the first pass', () => {
  // 1130 px wide: 24 px boxes come out 20 px tall at 960.
  assert.equal(
    smallTextSide({ width: 1130, height: 821 }, boxes(22, 24, 26), maxSide, rule),
    undefined,
  );
});

test('screenshots within the first pass size, and screenshots without text, are not detected again', () => {
  assert.equal(smallTextSide({ width: 824, height: 650 }, boxes(10, 12), maxSide, rule), undefined);
  assert.equal(smallTextSide({ width: 1920, height: 1080 }, [], maxSide, rule), undefined);
});
