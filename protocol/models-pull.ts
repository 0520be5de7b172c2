// The model catalog and model downloads (vlm/modelCatalog, vlm/pullModel): the models the
// editor offers to download, with their sizes, and the download itself, run by the server
// with work-done progress. A failed download answers
// VlmErrorCodes.ModelDownloadFailed. Kept beside protocol.ts so both sides import it the same way;
// the same rules apply (additive only, each type declared once).
import { RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { WorkDoneParams } from './protocol';

/** Weight precisions a catalog model is offered in; 'auto' lets the server choose. */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4';
export const MODEL_DTYPES: readonly (ModelDtype | 'auto')[] = ['auto', 'fp32', 'fp16', 'q8', 'q4'];

export interface CatalogModel {
  /** Hugging Face repository, e.g. 'HuggingFaceTB/SmolVLM2-256M-Video-Instruct'. */
  repo: string;
  title: string;
  trainedOnVideo: boolean;
  /** Download size in bytes per precision. */
  sizes: Partial<Record<ModelDtype, number>>;
}

export interface ModelCatalogResult {
  models: CatalogModel[];
  /** The repository `vlm model pull` fetches when none is named. */
  defaultRepo: string;
  /** False while only the generated reference model is available (no answers). */
  modelInstalled: boolean;
}

export interface PullModelParams extends WorkDoneParams {
  /** A Hugging Face repository, 'owner/name'. */
  repo: string;
  /** Branch, tag or commit (default: the repository's main branch). */
  revision?: string;
  /** Default 'auto'. */
  dtype?: ModelDtype | 'auto';
}

export interface PullModelResult {
  /** The model folder, ready for vlm/validateModel and vlm/selectModel. */
  dir: string;
  repo: string;
  revision: string;
  files: string[];
  bytes: number;
}

export const ModelCatalogRequest = new RequestType0<ModelCatalogResult, void>('vlm/modelCatalog');
/**
 * Downloads a catalog (or any Hugging Face) model into the cache; progress as work-done
 * progress (message: file and bytes; percentage of all bytes). Cancelling the request or
 * its progress stops the download. Not subject to requestTimeoutMs: downloads take minutes.
 */
export const PullModelRequest = new RequestType<PullModelParams, PullModelResult, void>(
  'vlm/pullModel',
);
