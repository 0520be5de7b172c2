// What every runner needs to know about one corpus run.
import type { CaseResult } from './judge';

export interface RunContext {
  /** The corpus folder (inputs and cases.json). */
  root: string;
  /** A scratch folder for per-process TMPDIRs and caches. */
  work: string;
  /** The cache folder's models/ holding the generated reference model. */
  modelsDir: string;
  /** The command that runs `vlm`. */
  vlm: string[];
  /** The longest a case may take before it counts as a hang. */
  caseTimeoutMs: number;
  cliParallel: number;
  /** A good image, asked about after each bad case to check the server still serves. */
  goodPng: string;
  progress(result: CaseResult): void;
}
