// The timeline of a recording: text tracks, typing, UI events and cuts, built from the
// OCR and frame-change work encoding already does, and searched for when-questions.
export * from './types';
export { buildTimeline } from './build';
export { TimelineRecorder, type RecordedFrame } from './recorder';
export { searchTimeline, clock, type TimelineHit } from './search';
export { questionIntent, type QuestionIntent, type Intent } from './intent';
export { fuseTimelineEvidence, type TimelineEventRef, type BlockAt } from './evidence';
export { formatTimeline } from './format';
