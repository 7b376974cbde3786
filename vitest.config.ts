import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One test file at a time: load tests judge whether their generator kept up, and two files loading
    // a 2-core machine at once would starve each other's generators (an honest INVALID, a flaky test).
    fileParallelism: false,
  },
});
