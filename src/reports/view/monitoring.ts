import type { RuleCheck } from '../../results/result.js';
import type { Report } from '../model.js';
import { table, type Block } from './blocks.js';

const STATE: Record<RuleCheck['state'], { word: string; status: 'pass' | 'fail' | 'warn' }> = {
  loaded: { word: 'loaded, evaluating', status: 'pass' },
  missing: { word: 'not loaded', status: 'fail' },
  unhealthy: { word: 'fails to evaluate', status: 'fail' },
  stale: { word: 'not evaluated lately', status: 'warn' },
  drifted: { word: 'loaded, but not the gate’s', status: 'warn' },
  'no series': { word: 'loaded, reads no series: cannot fire', status: 'warn' },
};

/**
 * The reference report's monitoring section: the alert thresholds production runs with (the rules
 * `validate alerts` writes from the criteria, or the config's list), and whether each is loaded and
 * evaluating in the Prometheus that was probed.
 */
export function monitoringSection(report: Report): Block[] {
  // A target that checks alerting rules says so with its list, empty when none were asked for.
  const monitors = report.probes.filter((p) => p.rules !== undefined);
  const checked = monitors.filter((p) => p.rules!.length);
  if (!checked.length && !monitors.length) return [];
  const heading: Block = { type: 'heading', level: 2, text: 'Monitoring: alert thresholds' };
  if (!checked.length)
    return [
      heading,
      {
        type: 'notes',
        items: [
          `No alert threshold was checked: add rules: generated to ${monitors.map((p) => p.name).join(', ')} to check that the rules validate alerts writes from these criteria are loaded.`,
        ],
      },
    ];
  const rows = checked.flatMap((p) =>
    p.rules!.map((r) => ({
      cells: [r.alert, r.severity ?? '', r.expr ?? '', r.for ?? '', `${STATE[r.state].word} (${p.name})`],
      status: STATE[r.state].status,
    })),
  );
  const loaded = rows.filter((r) => r.status === 'pass').length;
  return [
    { ...heading, aside: `${loaded}/${rows.length} loaded and evaluating` },
    {
      type: 'table',
      table: table(
        [
          { head: 'Alert' },
          { head: 'Severity', optional: true },
          { head: 'Threshold (expression)', wrap: true, optional: true },
          { head: 'For', optional: true },
          { head: 'In Prometheus', status: true, wrap: true },
        ],
        rows,
      ),
    },
  ];
}
