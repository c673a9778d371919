// Running equity statistics, O(1) per sample: peak, drawdown (absolute, relative, when), and interval returns
// for Sharpe and Sortino.
import { toNumber, ZERO, type Fixed } from '../core/money.ts';
import type { Ledger } from './ledger.ts';
import { unrealized } from './ledger.ts';

const YEAR_MS = 365 * 24 * 3600 * 1000;

export interface Drawdown {
  /** Largest fall from a peak, quote currency. */
  abs: Fixed;
  /** That fall over the peak's equity (base + peak), percent. */
  pct: number;
  /** Time of the trough of that fall; null when there was none. */
  at: number | null;
}

export class EquityStats {
  peak: Fixed | null = null;
  maxDrawdown: Fixed = ZERO;
  maxDrawdownPct = 0;
  maxDrawdownAt: number | null = null;
  private count = 0;
  private sum = 0;
  private sumSq = 0;
  /** Sum of squared negative returns (downside deviation against a target of zero). */
  private downSq = 0;
  private last: number | null = null;

  /** `base` turns PnL samples into returns (equity = base + value). */
  constructor(
    private readonly intervalMs: number,
    private readonly base: number,
  ) {}

  sample(value: Fixed, ts: number): void {
    if (this.peak === null || value > this.peak) this.peak = value;
    const dd = this.peak - value;
    if (dd > this.maxDrawdown) {
      this.maxDrawdown = dd;
      this.maxDrawdownPct = this.relative(dd, this.peak);
      this.maxDrawdownAt = ts;
    }
    const v = this.base + toNumber(value);
    if (this.last !== null && this.last > 0) {
      const ret = (v - this.last) / this.last;
      this.count += 1;
      this.sum += ret;
      this.sumSq += ret * ret;
      if (ret < 0) this.downSq += ret * ret;
    }
    this.last = v;
  }

  private relative(dd: Fixed, peak: Fixed): number {
    const top = this.base + toNumber(peak);
    return top > 0 ? round((toNumber(dd) / top) * 100, 4) : 0;
  }

  /** Drawdown now, against the peak so far (or `value` itself when higher). */
  drawdownAt(value: Fixed): Fixed {
    return this.peak === null || value > this.peak ? ZERO : this.peak - value;
  }

  /** The worst drawdown so far, counting `value` at `ts` as if it were one more sample. */
  maxDrawdownWith(value: Fixed, ts: number): Drawdown {
    const now = this.drawdownAt(value);
    if (now > this.maxDrawdown) return { abs: now, pct: this.relative(now, this.peak!), at: ts };
    return { abs: this.maxDrawdown, pct: this.maxDrawdownPct, at: this.maxDrawdownAt };
  }

  private get annualize(): number {
    return Math.sqrt(YEAR_MS / this.intervalMs);
  }

  /** Annualized Sharpe of interval equity returns (not per trade). */
  sharpe(): number {
    if (this.count < 2) return 0;
    const mean = this.sum / this.count;
    const variance = (this.sumSq - this.count * mean * mean) / (this.count - 1);
    if (!(variance > 1e-30)) return 0;
    return round((mean / Math.sqrt(variance)) * this.annualize, 3);
  }

  /** Annualized Sortino of interval equity returns: the mean over the downside deviation (target 0, all n). */
  sortino(): number {
    if (this.count < 2) return 0;
    const downside = Math.sqrt(this.downSq / this.count);
    if (!(downside > 1e-15)) return 0;
    return round((this.sum / this.count / downside) * this.annualize, 3);
  }
}

function round(n: number, dp: number): number {
  const f = 10 ** dp;
  return Math.round(n * f) / f;
}

/** Equity statistics of the whole book and of each strategy, venue and symbol, sampled together. */
export class PerformanceBook {
  /** Equity of the whole book (returns on equity). */
  readonly total: EquityStats;
  /** Net PnL of each group, on the whole book's start equity as its base. */
  readonly strategies = new Map<string, EquityStats>();
  readonly venues = new Map<string, EquityStats>();
  readonly symbols = new Map<string, EquityStats>();

  constructor(
    private readonly intervalMs: number,
    private readonly startEquity: number,
    strategyNames: string[] = [],
  ) {
    this.total = new EquityStats(intervalMs, 0);
    for (const name of strategyNames) this.group(this.strategies, name);
  }

  group(map: Map<string, EquityStats>, name: string): EquityStats {
    let s = map.get(name);
    if (!s) {
      s = new EquityStats(this.intervalMs, this.startEquity);
      map.set(name, s);
    }
    return s;
  }

  /** One sample of the ledger as marked now. */
  sample(ledger: Ledger, ts: number): void {
    this.total.sample(ledger.equity(), ts);
    const nets = [new Map<string, Fixed>(), new Map<string, Fixed>(), new Map<string, Fixed>()];
    for (const name of this.strategies.keys()) nets[0].set(name, ZERO);
    for (const acc of ledger.accountsList()) {
      const net = acc.realized + unrealized(acc) - acc.fees + acc.funding;
      for (const [i, k] of [acc.strategy, acc.venue, acc.symbol].entries())
        nets[i].set(k, (nets[i].get(k) ?? ZERO) + net);
    }
    const maps = [this.strategies, this.venues, this.symbols];
    for (let i = 0; i < 3; i++) for (const [k, net] of nets[i]) this.group(maps[i], k).sample(net, ts);
  }
}
