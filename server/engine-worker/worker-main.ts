// Entry of the engine worker when the server runs from sources (tsx).
import { runEngineWorker } from './worker';

runEngineWorker();
