import { describe, expect, it } from 'vitest';
import { cursorSeconds, etaSeconds, windowFraction } from '../../cli/progress-math';

describe('sync progress', () => {
  it('reads unix-second and ISO cursors alike', () => {
    expect(cursorSeconds('1700000000')).toBe(1_700_000_000);
    expect(cursorSeconds('2023-11-14T22:13:20Z')).toBe(1_700_000_000);
    expect(cursorSeconds('2023-11-14T16:13:20-06:00')).toBe(1_700_000_000);
    expect(cursorSeconds('soon')).toBeNull();
  });

  it('measures a newest-first stream against the start of its window', () => {
    const window = { from: 1000, to: 2000 };
    expect(windowFraction({ window, firstCursor: '1990', lastCursor: '1495' })).toBeCloseTo(0.5, 2);
  });

  it('measures an oldest-first stream against the end of its window', () => {
    const window = { from: 1000, to: 2000 };
    expect(windowFraction({ window, firstCursor: '1000', lastCursor: '1250' })).toBeCloseTo(0.25, 2);
  });

  it('does not guess when a newest-first window reaches back to the beginning', () => {
    expect(windowFraction({ window: { from: null, to: 2000 }, firstCursor: '1990', lastCursor: '1500' })).toBeNull();
    expect(windowFraction({ window: { from: 1000, to: 2000 }, firstCursor: null, lastCursor: null })).toBeNull();
  });

  it('projects the time left from the pace so far', () => {
    expect(etaSeconds(0.25, 10)).toBe(30);
    expect(etaSeconds(null, 10)).toBeNull();
    expect(etaSeconds(1, 10)).toBeNull();
  });
});
