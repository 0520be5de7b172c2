// Checks the values read from the settings against SETTINGS. A bad value is replaced by
// its default and reported with the key, the value and the rule it broke, so a typo in
// settings.json gives a clear message instead of a server that fails later.
import { SETTINGS, type SettingDefinition } from './definitions';

export interface VlmSettings {
  modelPath: string;
  executionProvider: 'auto' | 'cpu' | 'cuda' | 'webgpu';
  modelDtype: 'auto' | 'fp32' | 'fp16' | 'q8' | 'q4';
  threads: number;
  budget: {
    sinkTokens: number;
    recentBlocks: number;
    topK: number;
    maxContextTokens: number;
  };
  limits: {
    memoryBudgetMb: number;
    concurrentJobs: number;
    queueLength: number;
    requestTimeoutMs: number;
    maxStreams: number;
  };
  statsIntervalMs: number;
  sampling: { fps: number };
  gate: { threshold: number };
  screenText: { enabled: 'auto' | 'on' | 'off' };
  cacheDir: string;
  cache: { diskBudgetMB: number };
  ffmpegPath: string;
  server: { transport: 'local' | 'remote'; host: string; port: number; token: string };
  models: { downloadBaseUrl: string };
  remote: { baseUrl: string; model: string };
  trace: { server: 'off' | 'messages' | 'verbose' };
}

export interface SettingProblem {
  key: string;
  message: string;
}

export interface ValidatedSettings {
  settings: VlmSettings;
  problems: SettingProblem[];
}

/** Reads one setting by its full key ("vlm.threads"); undefined means not set. */
export type SettingReader = (key: string) => unknown;

export function validateSettings(read: SettingReader): ValidatedSettings {
  const problems: SettingProblem[] = [];
  const tree: Record<string, unknown> = {};
  for (const def of SETTINGS) {
    const raw = legacyValue(def.key, read(def.key));
    const problem = raw === undefined || raw === null ? undefined : checkValue(def, raw);
    if (problem) problems.push({ key: def.key, message: problem });
    const value = raw === undefined || raw === null || problem ? def.default : raw;
    setPath(tree, def.key.split('.').slice(1), typeof value === 'string' ? value.trim() : value);
  }
  const settings = tree as unknown as VlmSettings;
  problems.push(...crossFieldProblems(settings));
  return { settings, problems };
}

/** vlm.screenText.enabled was true/false before auto: false still means off, true on. */
function legacyValue(key: string, raw: unknown): unknown {
  if (key === 'vlm.screenText.enabled' && typeof raw === 'boolean') return raw ? 'on' : 'off';
  return raw;
}

/** Why a value breaks its definition, or undefined when it is fine. */
export function checkValue(def: SettingDefinition, value: unknown): string | undefined {
  const shown = JSON.stringify(value);
  if (def.type === 'string') {
    if (typeof value !== 'string') return `${def.key} must be a string, got ${shown}`;
    if (def.enum && !def.enum.includes(value)) {
      return `${def.key} is ${shown}; it must be one of ${def.enum.join(', ')}`;
    }
    if (def.format === 'uri' && value.trim() !== '' && !isHttpUrl(value.trim())) {
      return `${def.key} is ${shown}; it must be an http:// or https:// URL`;
    }
    return undefined;
  }
  if (def.type === 'boolean') {
    return typeof value === 'boolean'
      ? undefined
      : `${def.key} must be true or false, got ${shown}`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return `${def.key} must be a number, got ${shown}`;
  }
  if (def.type === 'integer' && !Number.isInteger(value)) {
    return `${def.key} must be a whole number, got ${shown}`;
  }
  if (def.minimum !== undefined && value < def.minimum) {
    return `${def.key} is ${value}; the minimum is ${def.minimum}`;
  }
  if (def.maximum !== undefined && value > def.maximum) {
    return `${def.key} is ${value}; the maximum is ${def.maximum}`;
  }
  return undefined;
}

function crossFieldProblems(s: VlmSettings): SettingProblem[] {
  const problems: SettingProblem[] = [];
  if (s.budget.maxContextTokens > 0 && s.budget.sinkTokens >= s.budget.maxContextTokens) {
    problems.push({
      key: 'vlm.budget.sinkTokens',
      message: `vlm.budget.sinkTokens (${s.budget.sinkTokens}) must be smaller than vlm.budget.maxContextTokens (${s.budget.maxContextTokens})`,
    });
  }
  return problems;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function setPath(tree: Record<string, unknown>, path: string[], value: unknown): void {
  let node = tree;
  for (const part of path.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/**
 * The `vlm` section as the server reads it (protocol VlmSettings plus the engine budgets):
 * validated values only, and empty strings left out so the server applies its own defaults.
 */
export function toServerSettings(s: VlmSettings): Record<string, unknown> {
  const drop = (value: string) => (value === '' ? undefined : value);
  return {
    modelPath: drop(s.modelPath),
    executionProvider: s.executionProvider,
    modelDtype: s.modelDtype,
    cacheDir: drop(s.cacheDir),
    ffmpegPath: drop(s.ffmpegPath),
    threads: s.threads,
    limits: { ...s.limits },
    statsIntervalMs: s.statsIntervalMs,
    budget: { ...s.budget },
    sampling: { ...s.sampling },
    gate: { ...s.gate },
    screenText: { ...s.screenText },
    cache: { ...s.cache },
    remote: { baseUrl: drop(s.remote.baseUrl), model: drop(s.remote.model) },
  };
}
