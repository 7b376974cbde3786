import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/session/progress.js';
import { liveNumbers } from '../../src/load/measure.js';
import { Recorder } from '../../src/load/recorder.js';

describe('the live progress line', () => {
  it('says which result of how many, elapsed of planned, and the ETA', () => {
    const recorder = new Recorder(true, undefined, 600_000);
    for (let i = 0; i < 1500; i++) recorder.record(2, i % 500 === 0 ? new Error('x') : null, 200, 1, recorder.startedAt);
    const line = progressLine(
      { name: 'trading-day', live: () => liveNumbers(recorder), plannedMs: 600_000 },
      { elapsedMs: 75_000, rps: 1000, index: 19, total: 20 },
    );
    expect(line).toBe('[19/20 trading-day] 1m15s of 10m00s  ETA 8m45s  1,500 req  1,000 rps  p99 2.00 ms  errors 3');
  });

  it('for a count of requests, the share done and an ETA from the pace so far', () => {
    const recorder = new Recorder(false);
    for (let i = 0; i < 250; i++) recorder.record(1, null, 200, undefined, recorder.startedAt);
    const line = progressLine(
      { name: 'engine-latency-risk', live: () => liveNumbers(recorder), plannedRequests: 1000 },
      { elapsedMs: 5000, rps: 50, index: 1 },
    );
    expect(line).toBe('[engine-latency-risk] 5s  25% of 1,000 req  ETA 15s  250 req  50 rps  p99 1.00 ms  errors 0');
  });
});
