import { planRules } from '../alerts/rules.js';
import { renderRulesFile } from '../alerts/rules-file.js';
import { loadConfigFile } from '../config/load.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { OutputError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { writeReportOut } from '../util/output-guard.js';
import { SECRETS } from '../util/redact.js';
import { WRITE_ERRORS } from '../util/write-errors.js';
import { note } from '../util/say.js';

/**
 * `validate alerts CONFIG`: the go-live criteria as a Prometheus rules file, on stdout or in --out. The
 * criteria with no production form are listed on stderr (and at the top of the file), not invented.
 */
export async function alerts(flags: { config: string; out?: string }): Promise<ExitCodeValue> {
  const config = await loadConfigFile(flags.config, SECRETS);
  const plan = planRules(config.criteria, config.targets);
  const text = renderRulesFile(plan, { platform: config.platform, source: config.source });
  for (const s of plan.skipped) note(`validate alerts: no rule for "${s.criterion}": ${s.why}`);
  if (!flags.out || flags.out === '-') writeReportOut(text);
  else {
    try {
      await writeFileAtomic(flags.out, text);
    } catch (err) {
      throw new OutputError(
        [`${flags.out}: ${WRITE_ERRORS[(err as NodeJS.ErrnoException).code ?? ''] ?? (err as Error).message}`],
        'rules not written',
      );
    }
    note(`wrote ${plan.rules.length} alerting rule(s) to ${flags.out}`);
  }
  return ExitCode.GO;
}
