import type { ExitCodeValue } from '../exit-codes.js';
import { DEFAULT_SUCCESS_PCT } from '../load/measure.js';
import { note } from '../util/say.js';
import { loadConfig, type LoadShape } from '../config/from-load-flags.js';
import { openGate, type GateFlags } from '../session/gate.js';

export { loadConfig };

export interface LoadFlags extends LoadShape, GateFlags {
  /** wrk's and autocannon's --latency: the distribution, which --detail prints. */
  latency?: boolean;
}

/**
 * `validate load URL`: ad-hoc load like autocannon. Closed model with --connections (default), open
 * model with --rate. The output is the same report model, so every format works.
 */
export async function load(url: string, given: LoadFlags, signal: AbortSignal): Promise<ExitCodeValue> {
  const flags = given.latency ? { ...given, detail: true } : given;
  const { config, ownErrorCriteria } = loadConfig(url, flags);
  const gate = openGate(config, flags, { history: false });
  note(
    ownErrorCriteria
      ? 'validate: errors are judged by your --criteria (the default 99.9% success requirement is off)'
      : `validate: errors count: at least ${DEFAULT_SUCCESS_PCT}% of requests must succeed (criterion "Errors within budget"); judge them yourself with --criteria 'scenario.success_rate >= 99%'`,
  );
  return gate.run(signal);
}
