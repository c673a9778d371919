// Logistic regression on standardized features, fitted by Newton steps (IRLS) with an L2 penalty.

export interface LogisticParams {
  /** Inputs are held inside the training range [low, high] first: a line fitted there is not extended past it. */
  low: number[];
  high: number[];
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

/** Training percentiles that bound the inputs: a clock-like feature seen over minutes must not extrapolate. */
const RANGE_QUANTILE = 0.01;

export function standardize(
  x: ArrayLike<number>,
  p: Omit<LogisticParams, 'weights' | 'bias'>,
  out: Float64Array,
): Float64Array {
  for (let j = 0; j < p.mean.length; j++) {
    const v = x[j] < p.low[j] ? p.low[j] : x[j] > p.high[j] ? p.high[j] : x[j];
    out[j] = (v - p.mean[j]) / p.scale[j];
  }
  return out;
}

function quantile(xs: Float64Array[], j: number, q: number): number {
  const col = Float64Array.from(xs, (x) => x[j]).sort();
  return col[Math.round(q * (col.length - 1))];
}

export function fitLogistic(
  xs: Float64Array[],
  ys: ArrayLike<number>,
  // Overlapping labels make the effective sample far smaller than n: the penalty grows with n.
  opts: { l2?: number; iterations?: number } = {},
): LogisticParams {
  const n = xs.length;
  const d = xs[0].length;
  const l2 = opts.l2 ?? Math.max(1, 0.05 * n);
  const low = Array.from({ length: d }, (_, j) => quantile(xs, j, RANGE_QUANTILE));
  const high = Array.from({ length: d }, (_, j) => quantile(xs, j, 1 - RANGE_QUANTILE));
  const clip = (x: Float64Array, j: number) => Math.min(Math.max(x[j], low[j]), high[j]);
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const x of xs) for (let j = 0; j < d; j++) mean[j] += clip(x, j) / n;
  for (const x of xs) for (let j = 0; j < d; j++) scale[j] += (clip(x, j) - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) scale[j] = scale[j] > 1e-18 ? Math.sqrt(scale[j]) : 1;
  const ranges = { low, high, mean, scale };
  const zs = xs.map((x) => standardize(x, ranges, new Float64Array(d)));
  // Coefficients: index d is the bias (not penalized).
  const w = new Float64Array(d + 1);
  const m = d + 1;
  for (let it = 0; it < (opts.iterations ?? 25); it++) {
    const grad = new Float64Array(m);
    const hess = new Float64Array(m * m);
    for (let i = 0; i < n; i++) {
      const z = zs[i];
      let s = w[d];
      for (let j = 0; j < d; j++) s += w[j] * z[j];
      const p = 1 / (1 + Math.exp(-s));
      const r = ys[i] - p;
      const h = Math.max(p * (1 - p), 1e-9);
      for (let a = 0; a < m; a++) {
        const za = a === d ? 1 : z[a];
        grad[a] += r * za;
        const hz = h * za;
        for (let b = 0; b <= a; b++) hess[a * m + b] += hz * (b === d ? 1 : z[b]);
      }
    }
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) hess[b * m + a] = hess[a * m + b];
    for (let j = 0; j < d; j++) {
      grad[j] -= l2 * w[j];
      hess[j * m + j] += l2;
    }
    const step = solve(hess, grad, m);
    let moved = 0;
    for (let a = 0; a < m; a++) {
      w[a] += step[a];
      moved = Math.max(moved, Math.abs(step[a]));
    }
    if (moved < 1e-8) break;
  }
  return { ...ranges, weights: Array.from(w.subarray(0, d)), bias: w[d] };
}

export function logisticProbability(p: LogisticParams, x: ArrayLike<number>, scratch?: Float64Array): number {
  const z = standardize(x, p, scratch ?? new Float64Array(p.mean.length));
  let s = p.bias;
  for (let j = 0; j < z.length; j++) s += p.weights[j] * z[j];
  return 1 / (1 + Math.exp(-s));
}

/** Solve A x = b for a symmetric positive definite A (Cholesky). */
function solve(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * m + j];
      for (let k = 0; k < j; k++) s -= l[i * m + k] * l[j * m + k];
      l[i * m + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * m + j];
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * m + k] * y[k];
    y[i] = s / l[i * m + i];
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < m; k++) s -= l[k * m + i] * x[k];
    x[i] = s / l[i * m + i];
  }
  return x;
}
