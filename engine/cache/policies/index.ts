// The cache policies, by name.
import { fullCachePolicy } from './full';
import { heavyHitterPolicy } from './h2o';
import { rekvPolicy } from './rekv';
import { streamingLlmPolicy } from './streaming-llm';
import { POLICY_NAMES, type CachePolicy, type PolicyName } from './types';

export type { CachePolicy, PolicyBudgets, PolicyName } from './types';
export { POLICY_NAMES };

const policies: Record<PolicyName, CachePolicy> = {
  rekv: rekvPolicy,
  'streaming-llm': streamingLlmPolicy,
  full: fullCachePolicy,
  h2o: heavyHitterPolicy,
};

export function policyByName(name: string): CachePolicy {
  const policy = policies[name as PolicyName];
  if (!policy)
    throw new Error(`unknown cache policy '${name}'; choose one of ${POLICY_NAMES.join(', ')}`);
  return policy;
}
