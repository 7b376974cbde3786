import type { ExitCodeValue } from '../exit-codes.js';
import type { Report } from '../reports/model.js';
import { probeConfig, type AdHocTarget, type ProbeShape } from '../config/from-probe-flags.js';
import { openGate, type GateFlags } from '../session/gate.js';

export type ProbeFlags = ProbeShape & GateFlags;

/** `validate probe URL... [--engine NAME=URL]...`: no config file; kinds from flags or URL schemes. */
export async function probe(urls: string[], flags: ProbeFlags, signal: AbortSignal): Promise<ExitCodeValue> {
  return openGate(probeConfig(urls, flags).config, flags, { history: false }).run(signal);
}

/** The targets the URLs and flags name, probed once (as `validate probe`, and `init --from-probe`, see them). */
export async function probeTargets(
  urls: string[],
  flags: ProbeFlags,
  signal: AbortSignal,
): Promise<{ targets: AdHocTarget[]; report: Report }> {
  const { config, targets } = probeConfig(urls, flags);
  return { targets, report: await openGate(config, flags, { history: false }).report(signal) };
}
