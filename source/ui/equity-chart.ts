// The equity curve as asciichart lines that fit a box exactly, with the break-even line drawn beneath it.
import * as asciichart from 'asciichart';

/** `values` as exactly `count` points: evenly spaced samples of a long curve, a short one stretched between its samples. */
export function resample(values: readonly number[], count: number): number[] {
  if (values.length === 0 || count <= 0) return [];
  if (values.length === 1 || count === 1)
    return Array.from({ length: count }, () => values[values.length - 1]);
  return Array.from({ length: count }, (_, i) => {
    const at = (i * (values.length - 1)) / (count - 1);
    const before = Math.floor(at);
    const after = Math.min(values.length - 1, before + 1);
    if (values.length >= count) return values[Math.round(at)];
    return values[before] + (values[after] - values[before]) * (at - before);
  });
}

/** At most `height` lines, each exactly `width` columns or fewer; empty when nothing useful fits. */
export function equityChart(
  curve: readonly number[],
  breakEven: number,
  width: number,
  height: number,
): string[] {
  const samples = curve.filter(Number.isFinite);
  if (samples.length === 0 || height < 1) return [];
  const low = Math.min(breakEven, ...samples);
  const high = Math.max(breakEven, ...samples);
  const range = high - low;
  const places = range >= 100 ? 0 : range >= 1 ? 1 : 2;
  const labelWidth = Math.max(low.toFixed(places).length, high.toFixed(places).length);
  // With offset 2, asciichart draws label + axis + one column per sample.
  const points = width - labelWidth - 1;
  if (points < 2) return [];
  const series = resample(samples, points);
  const aboveWater = series[series.length - 1] >= breakEven;
  const text = asciichart.plot([series.map(() => breakEven), series], {
    height: height - 1,
    offset: 2,
    min: low,
    max: high,
    colors: [asciichart.darkgray, aboveWater ? asciichart.green : asciichart.red],
    format: (x) => x.toFixed(places).padStart(labelWidth),
  });
  return text.split('\n').slice(0, height);
}
