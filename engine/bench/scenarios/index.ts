// Every `vlm bench` scenario, in the order the report lists them.
import type { Scenario } from '../scenario';
import { controlsScenario } from './controls';
import { decodingScenario } from './decoding';
import { askRtfScenario } from './ask-rtf';
import { dtypeScenario } from './dtype';
import { familiesScenario } from './families';
import { ingestScenario } from './ingest';
import { latencyScenario } from './latency';
import { memoryScenario } from './memory';
import { ocrPeerScenario } from './ocr-peer';
import { overheadScenario } from './overhead';
import { retrievalScenario } from './retrieval';
import { screenSessionScenario } from './screen-session';
import { timelineScenario } from './timeline';
import { soakScenario } from './soak';

export const SCENARIOS: Scenario[] = [
  latencyScenario,
  memoryScenario,
  ingestScenario,
  decodingScenario,
  dtypeScenario,
  familiesScenario,
  askRtfScenario,
  overheadScenario,
  retrievalScenario,
  timelineScenario,
  ocrPeerScenario,
  controlsScenario,
  screenSessionScenario,
  soakScenario,
];
