import { describe, expect, it } from 'vitest';
import { trafficMeasurements } from '../../src/faults/fault-metrics.js';

/** What a fault on bus traffic may claim: loss only over messages the bus took during it. */
describe('a fault on bus traffic', () => {
  it('a window in which the bus took no message measured no loss: messages_lost is unmeasured (NOT RUN), not 0', () => {
    const { measurements, unmeasured } = trafficMeasurements({ scenario: 'orders', published: 0, lost: 0, refused: 40, gapMs: null });
    expect(measurements.map((m) => m.metric)).toEqual(['messages_refused']);
    expect(unmeasured.messages_lost).toBe(
      'orders got no message onto the bus from the injection to the recovery (40 refused): nothing could be lost; inject earlier in the traffic or give it a longer duration',
    );
    expect(unmeasured.delivery_gap_ms).toBe('no message was delivered from the injection until orders ended');
  });

  it('a window with accepted messages measures their loss and the refusals apart', () => {
    const { measurements, unmeasured } = trafficMeasurements({ scenario: 'orders', published: 181, lost: 2, refused: 523, gapMs: 564 });
    expect(Object.fromEntries(measurements.map((m) => [m.metric, m.value]))).toEqual({
      messages_refused: 523,
      messages_lost: 2,
      delivery_gap_ms: 564,
    });
    expect(unmeasured).toEqual({});
  });
});
