// Out-of-sample scores of a signal: ranking (AUC), hit rate, rank correlation with the move, calibration.

/** Ranks 1..n, ties sharing their average rank. */
function ranks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && v[order[j + 1]] === v[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}

/** Area under the ROC curve (Mann–Whitney): the chance an up move scores above a down move. 0.5 = no skill. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const r = ranks(scores);
  let pos = 0;
  let sum = 0;
  for (let i = 0; i < labels.length; i++)
    if (labels[i] === 1) {
      pos++;
      sum += r[i];
    }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return 0.5;
  return (sum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Share of calls on the right side of 0.5. */
export function accuracy(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (labels.length === 0) return 0;
  let right = 0;
  for (let i = 0; i < labels.length; i++) if ((probabilities[i] > 0.5 ? 1 : 0) === labels[i]) right++;
  return right / labels.length;
}

/** Spearman rank correlation: the information coefficient of predictions against realized moves. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n < 3) return 0;
  const ra = ranks(a);
  const rb = ranks(b);
  const m = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i] - m) * (rb[i] - m);
    saa += (ra[i] - m) ** 2;
    sbb += (rb[i] - m) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

export interface CalibrationBin {
  /** Range of predicted probability [from, to). */
  from: number;
  to: number;
  count: number;
  /** Mean predicted probability of an up move in the bin. */
  predicted: number;
  /** Share of up moves that happened. */
  observed: number;
}

/** Reliability bins: a calibrated model's observed rate matches what it predicted in each bin. */
export function calibration(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  bins = 10,
): CalibrationBin[] {
  const out: CalibrationBin[] = Array.from({ length: bins }, (_, i) => ({
    from: i / bins,
    to: (i + 1) / bins,
    count: 0,
    predicted: 0,
    observed: 0,
  }));
  for (let i = 0; i < labels.length; i++) {
    const b = out[Math.min(bins - 1, Math.floor(probabilities[i] * bins))];
    b.count++;
    b.predicted += probabilities[i];
    b.observed += labels[i];
  }
  for (const b of out)
    if (b.count > 0) {
      b.predicted = round(b.predicted / b.count, 4);
      b.observed = round(b.observed / b.count, 4);
    }
  return out.filter((b) => b.count > 0);
}

/** Count-weighted mean gap between predicted and observed: 0 is perfectly calibrated. */
export function calibrationError(bins: CalibrationBin[]): number {
  const n = bins.reduce((s, b) => s + b.count, 0);
  return n === 0 ? 0 : bins.reduce((s, b) => s + b.count * Math.abs(b.predicted - b.observed), 0) / n;
}

export function round(x: number, dp: number): number {
  const f = 10 ** dp;
  return Math.round(x * f) / f;
}
