import { describe, expect, it } from 'vitest';
import { TrafficLog } from '../../src/load/traffic-log.js';

// A fault's window over a bus's traffic, when the word of the fault arrives after the fault began (it runs
// in another thread): the window is placed at the moment given, and still counts every message from it.
describe('a traffic window marked late', () => {
  it('counts the messages published between the fault and the arrival of its mark, refused and lost alike', () => {
    const log = new TrafficLog();
    // 10 messages, one every 10 ms from t=0; 4 and 5 refused by the bus, 7 never delivered; the rest delivered 2 ms after.
    for (let seq = 0; seq < 10; seq++) {
      log.onPublish(seq, seq * 10);
      if (seq === 4 || seq === 5) log.onRefused(seq);
      else if (seq !== 7) log.onDelivery(seq, seq * 10 + 2);
    }
    // The fault began at t=35 (just before message 4); its mark arrives now, after message 9. In its window
    // (messages 4 to 9): 4 and 5 refused, 7 lost; deliveries at 62, 82, 92, so the longest silence is 35 to 62.
    const id = log.mark(35);
    log.close(id, 95);
    expect(log.read(id)).toEqual({ published: 4, refused: 2, lost: 1, longestGapMs: 27 });
    // Marked at its arrival instead, the same window would miss the refused and the lost message.
    const now = log.mark();
    expect(log.read(now)).toMatchObject({ published: 0, refused: 0, lost: 0 });
  });

  it('the silence after the last publish is no gap: a close long after the traffic ended stops at the last message', () => {
    const log = new TrafficLog();
    for (let seq = 0; seq < 5; seq++) {
      log.onPublish(seq, seq * 10);
      log.onDelivery(seq, seq * 10 + 1);
    }
    const id = log.mark(5);
    log.close(id, 2000);
    expect(log.read(id).longestGapMs).toBe(10);
  });
});
