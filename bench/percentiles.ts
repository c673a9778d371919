// Latency distribution in microseconds from nanosecond samples.
export interface Percentiles {
  n: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

export function percentiles(samplesNs: Float64Array | number[]): Percentiles {
  const sorted = Float64Array.from(samplesNs).sort();
  const n = sorted.length;
  const at = (q: number) => (n === 0 ? NaN : sorted[Math.min(n - 1, Math.ceil(q * n) - 1)] / 1000);
  return { n, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: n ? sorted[n - 1] / 1000 : NaN };
}
