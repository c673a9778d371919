// Walk-forward folds: train only on the past, and leave a purge gap so no training label sees the test period.

export interface Fold {
  /** Sample indices [from, to) to train on. */
  train: [number, number];
  /** Sample indices [from, to) to test on. */
  test: [number, number];
}

export interface WalkForwardOptions {
  /** Test folds; the history is cut into folds + 1 blocks and the first block only trains. */
  folds: number;
  horizonMs: number;
  /** Extra gap between the end of the last training label and the first test sample, ms (≥ 0). */
  purgeMs: number;
}

/**
 * `ts` ascending. A training sample i is kept only when its label window [ts, ts + horizon] ends more than
 * `purgeMs` before the first test sample: its label cannot contain any price the test period sees.
 */
export function walkForwardFolds(ts: ArrayLike<number>, o: WalkForwardOptions): Fold[] {
  const n = ts.length;
  const folds: Fold[] = [];
  for (let k = 1; k <= o.folds; k++) {
    const from = Math.floor((k * n) / (o.folds + 1));
    const to = Math.floor(((k + 1) * n) / (o.folds + 1));
    if (to <= from) continue;
    const cutoff = ts[from] - o.horizonMs - o.purgeMs;
    let end = from;
    while (end > 0 && ts[end - 1] >= cutoff) end--;
    if (end === 0) continue;
    folds.push({ train: [0, end], test: [from, to] });
  }
  return folds;
}
