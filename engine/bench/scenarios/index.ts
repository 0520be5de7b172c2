// Every `vlm bench` scenario, in the order the report lists them.
import type { Scenario } from '../scenario';
import { decodingScenario } from './decoding';
import { ingestScenario } from './ingest';
import { latencyScenario } from './latency';
import { memoryScenario } from './memory';
import { overheadScenario } from './overhead';
import { retrievalScenario } from './retrieval';
import { soakScenario } from './soak';

export const SCENARIOS: Scenario[] = [
  latencyScenario,
  memoryScenario,
  ingestScenario,
  decodingScenario,
  overheadScenario,
  retrievalScenario,
  soakScenario,
];
