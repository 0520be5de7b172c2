// The model families the runtime knows, selected by config.json's model_type.
// Adding a family = one more adapter folder plus one entry here.
import { idefics3Adapter } from './idefics3/adapter';
import { qwen2VlAdapter } from './qwen2-vl/adapter';
import { smolvlmAdapter } from './smolvlm/adapter';
import type { ModelAdapter } from './types';

export const ADAPTERS: ModelAdapter[] = [idefics3Adapter, smolvlmAdapter, qwen2VlAdapter];

export function supportedModelTypes(): string[] {
  return ADAPTERS.flatMap((a) => a.modelTypes);
}

/** The adapter for a model_type, or an Error naming the field and the supported values. */
export function adapterFor(modelType: unknown): ModelAdapter {
  const adapter = ADAPTERS.find((a) => a.modelTypes.includes(String(modelType)));
  if (!adapter)
    throw new Error(
      `config.json: model_type ${JSON.stringify(modelType ?? null)} is not supported; supported values: ${supportedModelTypes().join(', ')}`,
    );
  return adapter;
}
