// vlm/listModels, vlm/validateModel and vlm/selectModel (loading reports work-done progress).
import {
  ListModelsRequest,
  SelectModelRequest,
  ValidateModelRequest,
} from '../../protocol/protocol';
import { object, string } from '../params';
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
}
