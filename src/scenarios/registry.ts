import { busScenario } from './bus.js';
import { websocketScenario } from './websocket.js';
import { concurrencyScenario } from './concurrency.js';
import { latencyScenario } from './latency.js';
import { operationsScenario } from './operations.js';
import { rateScenario } from './rate.js';
import { soakScenario } from './soak.js';
import { stressScenario } from './stress.js';
import { scalingScenario } from './scaling.js';
import type { ScenarioBase, ScenarioKind } from './types.js';

/** Every scenario kind by its key: a new kind is one file and one line here. */
export const SCENARIOS: ScenarioKind[] = [
  latencyScenario,
  concurrencyScenario,
  rateScenario,
  operationsScenario,
  soakScenario,
  stressScenario,
  busScenario,
  websocketScenario,
  scalingScenario,
];

export function scenarioKind(kind: string): ScenarioKind<ScenarioBase> {
  const found = SCENARIOS.find((s) => s.kind === kind);
  if (!found) throw new Error(`unknown scenario kind "${kind}"`);
  return found;
}
