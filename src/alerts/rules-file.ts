import { stringify } from 'yaml';
import type { RulesPlan } from './rules.js';

/**
 * A Prometheus rules file (what `rule_files:` loads and `promtool check rules` checks): one group of the
 * go-live criteria, and, as comments at the top, the criteria that have no production form and why.
 */
export function renderRulesFile(plan: RulesPlan, o: { platform: string; source: string }): string {
  const head = [
    `# Alerting rules from the go-live criteria of ${o.source} (${o.platform}), written by validate alerts.`,
    '# Each fires when its criterion stops being met in production; regenerate them when the criteria change.',
    ...(plan.skipped.length
      ? ['#', '# Criteria with no production form (not written):', ...plan.skipped.map((s) => `#   ${s.criterion}: ${s.why}`)]
      : []),
  ];
  const rules = plan.rules.map(({ reads: _reads, ...rule }) => rule);
  const body = stringify({ groups: [{ name: `${o.platform}: go-live criteria`, rules }] }, { lineWidth: 0 });
  return `${head.join('\n')}\n${body}`;
}
