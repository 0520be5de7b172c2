// The engine session: the one API every entry point calls (see session.ts).
export {
  EngineSession,
  type OpenOptions,
  type SessionSettings,
  type SessionSource,
} from './session';
export {
  SessionStream,
  type AnswerCoverage,
  type SessionAnswer,
  type SessionAskOptions,
  type SessionEvidence,
} from './stream';
export {
  DEFAULT_MODEL_ID,
  REFERENCE_MODEL_IDS,
  ModelChoiceError,
  defaultModelId,
  isReferenceModelId,
  type LoadedModel,
} from './models';
export { SESSION_DEFAULTS, SESSION_LIMITS } from './defaults';
export {
  checkImagePixels,
  checkInputFile,
  checkMediaFile,
  checkQuestion,
  openInputFile,
  type InputFile,
} from './validate';
export { SCREEN_TEXT_MODES, screenTextMode, type ScreenTextMode } from './screen-text-choice';
export { summarizeAnswer, type AnswerSummary } from './summary';
export { EVIDENCE_REASONS, evidenceReason, type EvidenceReason } from './evidence-reason';
