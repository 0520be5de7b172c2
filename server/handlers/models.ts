// vlm/listModels, vlm/validateModel, vlm/selectModel (loading reports work-done progress),
// vlm/modelCatalog and vlm/pullModel (a download: work-done progress, cancellable, and
// outside the job scheduler, whose request timeout is far shorter than a download).
import {
  ListModelsRequest,
  SelectModelRequest,
  ValidateModelRequest,
} from '../../protocol/protocol';
import {
  MODEL_DTYPES,
  ModelCatalogRequest,
  PullModelRequest,
  type PullModelParams,
} from '../../protocol/models-pull';
import { invalidParams } from '../errors';
import { object, optionalString, string, type Fields } from '../params';
import { beginProgress } from '../progress';
import type { Session } from '../session-types';

export function registerModelHandlers(session: Session): void {
  const { connection, engine, scheduler, status } = session;

  session.handle(ListModelsRequest, async () => engine.call('listModels', undefined));

  session.handle(ValidateModelRequest, async (raw, token) => {
    const params = { path: string(object(raw), 'path') };
    return scheduler.run((signal) => engine.call('validateModel', params, { signal }), token);
  });

  session.handle(SelectModelRequest, async (raw, token) => {
    const p = object(raw);
    const params = { model: string(p, 'model') };
    const progress = await beginProgress(
      connection,
      'Loading model',
      token,
      p.workDoneToken as string | number | undefined,
      true,
    );
    status.setPhase('loadingModel', `loading model ${params.model}`);
    try {
      const result = await scheduler.run(
        (signal) =>
          engine.call('selectModel', params, {
            signal,
            onEvent: (e) => e.kind === 'progress' && progress.report(e.message ?? '', e.percentage),
          }),
        progress.token,
      );
      status.setModel(result.model.id);
      return result;
    } finally {
      status.setPhase('idle');
      progress.done();
    }
  });

  session.handle(ModelCatalogRequest, async () => engine.call('modelCatalog', undefined));

  session.handle(PullModelRequest, async (raw, token) => {
    const p = object(raw);
    const params = pullParams(p);
    const progress = await beginProgress(
      connection,
      `Downloading ${params.repo}`,
      token,
      p.workDoneToken as string | number | undefined,
      true,
    );
    const abort = new AbortController();
    const cancelled = progress.token.onCancellationRequested(() => abort.abort());
    try {
      return await engine.call('pullModel', params, {
        signal: abort.signal,
        onEvent: (e) => e.kind === 'progress' && progress.report(e.message ?? '', e.percentage),
      });
    } finally {
      cancelled.dispose();
      progress.done();
    }
  });
}

/** A Hugging Face repository id: owner/name, letters, digits, '-', '_', '.'. */
const REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

function pullParams(p: Fields): PullModelParams {
  const repo = string(p, 'repo', 200);
  if (!REPO.test(repo))
    throw invalidParams('repo', `must be a Hugging Face repository 'owner/name', got '${repo}'`);
  const dtype = p.dtype ?? 'auto';
  if (!MODEL_DTYPES.includes(dtype as PullModelParams['dtype'] & string))
    throw invalidParams('dtype', `must be one of ${MODEL_DTYPES.join(', ')}`);
  return {
    repo,
    revision: optionalString(p, 'revision'),
    dtype: dtype as PullModelParams['dtype'],
  };
}
