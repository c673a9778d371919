import { describe, expect, it } from 'vitest';
import { equityChart, resample } from './equity-chart.ts';
import { snapshotFixture } from './fixtures.ts';
import { stripAnsi } from './testing.ts';

describe('equityChart', () => {
  const { curve, breakEven } = snapshotFixture().pnl;

  it('fits the box it is given exactly', () => {
    for (const [width, height] of [
      [36, 2],
      [76, 5],
      [77, 16],
      [200, 40],
    ]) {
      const lines = equityChart(curve, breakEven, width, height).map(stripAnsi);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.length).toBeLessThanOrEqual(height);
      expect(lines.every((line) => line.length <= width)).toBe(true);
    }
  });

  it('draws the break-even level inside the range even when equity never touches it', () => {
    const above = curve.map((x) => x + 100);
    const lines = equityChart(above, breakEven, 60, 10).map(stripAnsi);
    expect(lines.at(-1)).toContain(breakEven.toFixed(0));
  });

  it('draws nothing without samples or room', () => {
    expect(equityChart([], breakEven, 80, 10)).toEqual([]);
    expect(equityChart(curve, breakEven, 8, 10)).toEqual([]);
  });

  it('resamples to the columns it has, keeping the newest value', () => {
    expect(resample([1, 2, 3, 4, 5], 3)).toEqual([1, 3, 5]);
    expect(resample([0, 10], 3)).toEqual([0, 5, 10]);
    expect(resample([7], 3)).toEqual([7, 7, 7]);
  });
});
