import { defineConfig } from 'vitest/config';

/**
 * Three groups, one after the other. First the quick tests (pure, or talking to servers of their own), two
 * files at a time. Then the tests that generate load, two at a time: each must hold on a machine that is
 * busy with other work (a CI runner), so a second load test beside it is what they are made to bear.
 * Last, the demo on its own: it is a whole platform and its load in one process, and its verdict is the
 * platform's speed on this machine. (The few pure tests under test/load and test/faults run with the load
 * ones: under a second in all.)
 */
const LOAD = [
  'test/alerts/alerts.test.ts',
  'test/cli/commands.test.ts',
  'test/cli/examples.test.ts',
  'test/cli/hostile-input.test.ts',
  'test/cli/load.test.ts',
  'test/faults/**/*.test.ts',
  'test/load/**/*.test.ts',
  'test/probes/process.test.ts',
  'test/probes/websocket.test.ts',
  'test/reports/compare.test.ts',
  'test/reports/html-browser.test.ts',
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
      { extends: true, test: { name: 'load', include: LOAD, maxWorkers: 2, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 2 } } },
    ],
  },
});
