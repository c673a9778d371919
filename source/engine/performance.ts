// Running equity statistics, O(1) per sample: peak, drawdown, and interval returns for Sharpe.
import { toNumber, ZERO, type Fixed } from '../core/money.ts';

const YEAR_MS = 365 * 24 * 3600 * 1000;

export class EquityStats {
  peak: Fixed | null = null;
  maxDrawdown: Fixed = ZERO;
  private count = 0;
  private sum = 0;
  private sumSq = 0;
  private last: number | null = null;

  /** `base` turns PnL samples into returns (equity = base + value). */
  constructor(
    private readonly intervalMs: number,
    private readonly base: number,
  ) {}

  sample(value: Fixed): void {
    if (this.peak === null || value > this.peak) this.peak = value;
    const dd = this.peak - value;
    if (dd > this.maxDrawdown) this.maxDrawdown = dd;
    const v = this.base + toNumber(value);
    if (this.last !== null && this.last > 0) {
      const ret = (v - this.last) / this.last;
      this.count += 1;
      this.sum += ret;
      this.sumSq += ret * ret;
    }
    this.last = v;
  }

  /** Drawdown now, against the peak so far (or `value` itself when higher). */
  drawdownAt(value: Fixed): Fixed {
    return this.peak === null || value > this.peak ? ZERO : this.peak - value;
  }

  /** Annualized Sharpe of interval equity returns (not per trade). */
  sharpe(): number {
    if (this.count < 2) return 0;
    const mean = this.sum / this.count;
    const variance = (this.sumSq - this.count * mean * mean) / (this.count - 1);
    if (!(variance > 1e-30)) return 0;
    return Math.round((mean / Math.sqrt(variance)) * Math.sqrt(YEAR_MS / this.intervalMs) * 1000) / 1000;
  }
}
