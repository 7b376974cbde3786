import { defineConfig } from 'vitest/config';

/**
 * Three groups, one after the other. First the quick tests, two files at a time: pure ones, and those that
 * talk to real servers without judging the generator's timing (probes, CLI errors, signals, rendering).
 * Every file that runs a load whose verdict or numbers it asserts is in the load group, whatever its folder.
 * Then the load tests, two files at a time: each must hold on a machine that is busy with other work (a CI
 * runner: two other processes each keeping a core busy), and the other load file is such work. Where the
 * generator may have been held up they accept GO or INCONCLUSIVE, never NO-GO, and check their counts
 * (the servers' own, of servers of their own) either way. Last, the demo on its own: a whole platform and
 * its load, whose verdict is the platform's speed on this machine.
 */
const LOAD = [
  'test/alerts/alerts.test.ts',
  'test/cli/compare-history.test.ts',
  'test/cli/examples.test.ts',
  'test/cli/load.test.ts',
  'test/cli/push.test.ts',
  'test/history/trend-criteria.test.ts',
  'test/history/trend-real.test.ts',
  'test/reports/compare.test.ts',
  'test/faults/**/*.test.ts',
  'test/load/**/*.test.ts',
  'test/probes/process.test.ts',
  'test/probes/websocket.test.ts',
];
// Pure tests that live beside the load tests (schedules, traffic logs, one connection's parser): they run
// with the quick group, not in series, where each file would cost its start-up time.
const PURE = [
  'test/faults/fault-traffic.test.ts',
  'test/load/http-connection.test.ts',
  'test/load/schedule.test.ts',
  'test/load/traffic-log.test.ts',
  'test/load/validity.test.ts',
];
const ALONE = ['test/cli/demo.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // Each project takes the timeouts above (extends).
      {
        extends: true,
        test: { name: 'quick', include: ['test/**/*.test.ts'], exclude: [...LOAD, ...ALONE], maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'pure', include: PURE, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'load', include: LOAD, exclude: PURE, maxWorkers: 2, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 2 } } },
    ],
  },
});
