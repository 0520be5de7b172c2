// Incremental screenshots for agents: a session re-reads only the text crops that changed
// since its last screenshots, and its analysis equals a fresh one (docs/screen-text.md,
// "Incremental screenshots (sessions)").
export {
  analyzeInSession,
  LARGE_CHANGE_SHARE,
  type FullAnalysisReason,
  type SessionAnalysis,
  type SessionReport,
} from './analyze';
export { deleteSession, loadSession, saveSession, sessionsDir } from './disk';
export { firstDifference, sameAnalysis } from './equality';
export {
  checkSessionName,
  DEFAULT_SCREEN_SESSION_LIMITS,
  ScreenSessions,
  SessionNameError,
  type ScreenSessionLimits,
} from './store';
