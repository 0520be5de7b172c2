// Models from the Hugging Face Hub: pull into the shared Hugging Face cache, find, list, remove.
export { MODEL_CATALOG, DEFAULT_MODEL_REPO, catalogEntry, type CatalogEntry } from './catalog';
export { pullModel, type PullOptions, type PullProgress, type PullResult } from './pull';
export { PULL_DTYPES, type PullDtype } from './dtype-files';
export { HubError, type HubErrorKind } from './errors';
export { looksLikeHubId, parseModelRef, formatModelRef, type ModelRef } from './model-ref';
export { hubCacheDir, hubSettings, offlineFromEnv, type HubSettings } from './settings';
export {
  findCachedModel,
  listPulledModels,
  removePulledModel,
  type CachedModel,
  type PulledModel,
} from './cache-layout';
export { installedDefaultModel, pullDefaultModel, type DefaultModelOutcome } from './default-model';
