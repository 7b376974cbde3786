/** The Examples section of each command's --help: invocations that work as written. */
export const EXAMPLES: Record<string, string[]> = {
  run: [
    'validate run validate.yaml',
    'validate run platform.yaml --chaos --out reports/{date}-{verdict}.html',
    'validate run platform.yaml --wait 2m -q --out readiness.json --out readiness.xml',
    'cat platform.yaml | validate run -',
    'validate run platform.yaml --shard 2/4 --start-at 2026-11-26T10:00:00Z -q --out shard-2.json',
    'validate run platform.yaml -q --history .validate/history --label env=prod --keep 1y',
  ],
  trend: ['validate trend .validate/history', 'validate trend postgres://validate@db/readiness --label env=prod --out trend.md'],
  history: [
    'validate history .validate/history',
    'validate history postgres://validate@db/readiness --last 60 --label env=prod --format markdown',
  ],
  probe: [
    'validate probe redis://localhost:6379 postgres://postgres@localhost/app http://localhost:8100/health',
    'validate probe --engine risk=http://localhost:8200 --redis bus=redis://:$REDIS_PASSWORD@localhost:6380',
    'validate probe --prometheus prom=http://localhost:9090 --criteria \'prometheus.alerts_firing{severity="critical"} == 0\'',
  ],
  load: [
    'validate load http://localhost:8200/health -c 50 -d 30s',
    'validate load http://localhost:8800/quotes -R 1000 -d 1m',
    "validate load http://localhost:8900/orders -m POST -H 'content-type: application/json' -b '{\"qty\":1}' -R 200 -d 10s",
    "validate load http://localhost:8200/health -R 500 -d 10s --criteria 'scenario.p99_ms < 50ms'",
    'validate load http://localhost:8200/health -R 40000 -d 1m --shard 1/4 --start-at 2026-11-26T10:00:00Z -o s1.json',
  ],
  merge: ['validate merge s1.json s2.json s3.json s4.json', 'validate merge shards/*.json --config platform.yaml --out readiness.html'],
  demo: ['validate demo', 'validate demo --chaos --out demo.html'],
  report: ['validate report readiness.json --format html --out readiness.html', 'validate report readiness.json -f junit'],
  compare: [
    'validate compare baseline.json readiness.json',
    'validate compare baseline.json readiness.json --max-p99-increase 20 --min-p99-increase 2 -o diff.md',
    'validate compare --baseline history --history .validate/history --label env=prod -o compare.md',
  ],
  check: ['validate check validate.yaml', 'validate check - < platform.yaml'],
  schema: ['validate schema > validate.schema.json', 'validate schema report > report.schema.json'],
  init: [
    'validate init',
    'validate init --from-probe http://localhost:8200/health redis://localhost:6379',
    'validate init platform.yaml --force',
  ],
  alerts: ['validate alerts platform.yaml -o /etc/prometheus/rules/go-live.yml && promtool check rules /etc/prometheus/rules/go-live.yml'],
};

export function examplesText(command: string): string {
  const lines = EXAMPLES[command] ?? [];
  return lines.length ? `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n` : '';
}
