// The one place the server calls the engine. It runs inside the engine worker
// (worker.ts); every method takes plain params and a CallContext and returns plain data
// (protocol types), or throws an EngineError with a documented code.
import type { EngineFacade } from '../engine-host/types';
import { configure } from './config';
import { describeMedia, requirePath } from './media';
import { analyzeImage, onScreenText } from './ocr';
import { listModels, selectModel, validateModel } from './models';
import { modelCatalog, pullCatalogModel } from './pull';
import { streamTimeline } from './timeline';
import {
  askStream,
  closeAllStreams,
  closeVideoStream,
  listOpenStreams,
  openVideoStream,
  searchStreamText,
  stopEncoding,
  streamCacheStats,
} from './streams';

export const engineFacade: EngineFacade = {
  async configure(settings) {
    configure(settings);
  },

  async capabilities() {
    return ['ingest', 'ocr', 'model', 'stream'];
  },

  async analyzeScreenshot(params, ctx) {
    return analyzeImage(params, ctx.signal);
  },

  async mediaSummary(params, ctx) {
    const media = await describeMedia(params.uri, ctx.signal);
    if (params.withText === false) return { media };
    try {
      return { media, text: await onScreenText(requirePath(params.uri, 'uri'), ctx.signal) };
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      return { media, textUnavailable: (error as Error).message };
    }
  },

  openStream: openVideoStream,

  async closeStream(params, ctx) {
    await closeVideoStream(params.streamId, ctx);
    return { streamId: params.streamId, closed: true };
  },

  async stopEncoding(params) {
    return stopEncoding(params.streamId);
  },

  closeAll: closeAllStreams,

  async listStreams() {
    return { streams: listOpenStreams() };
  },

  ask: askStream,

  async searchText(params) {
    return searchStreamText(params);
  },

  async timeline(params) {
    return streamTimeline(params);
  },

  async cacheStats(params) {
    return streamCacheStats(params.streamId);
  },

  async listModels() {
    return listModels();
  },

  async validateModel(params) {
    return validateModel(params.path);
  },

  async selectModel(params, ctx) {
    return selectModel(params.model, ctx);
  },

  async modelCatalog() {
    return modelCatalog();
  },

  pullModel: pullCatalogModel,
};
