// The kill switch's automatic triggers: a daily loss, a trailing drawdown, stale data, an unhedged leg.
export interface SafetyLimits {
  dailyLossLimit: number;
  trailingDrawdown: number;
  staleKillMs: number;
  unhedgedMs: number;
  unhedgedNotional: number;
}

export interface SafetyReading {
  now: number;
  equity: number;
  /** Age of each venue's newest data, ms. */
  dataAgeMs: Map<string, number>;
  /** Per hedged strategy: the net notional of its legs (0 when perfectly hedged). */
  hedgeGaps: Map<string, number>;
}

const DAY_MS = 86_400_000;

export class SafetyTriggers {
  private day = -1;
  private dayOpenEquity = 0;
  private peak = Number.NEGATIVE_INFINITY;
  private readonly unhedgedSince = new Map<string, number>();

  constructor(private readonly limits: SafetyLimits) {}

  /** The reason to kill now, or null. */
  check(r: SafetyReading): string | null {
    const day = Math.floor(r.now / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.dayOpenEquity = r.equity;
    }
    this.peak = Math.max(this.peak, r.equity);
    const l = this.limits;
    const loss = this.dayOpenEquity - r.equity;
    if (l.dailyLossLimit > 0 && loss >= l.dailyLossLimit)
      return `daily loss ${loss.toFixed(2)} reached the limit ${l.dailyLossLimit}`;
    const drawdown = this.peak - r.equity;
    if (l.trailingDrawdown > 0 && drawdown >= l.trailingDrawdown)
      return `drawdown ${drawdown.toFixed(2)} from the equity peak ${this.peak.toFixed(2)} reached the limit ${l.trailingDrawdown}`;
    if (l.staleKillMs > 0)
      for (const [venue, age] of r.dataAgeMs)
        if (age >= l.staleKillMs)
          return `${venue} market data stale for ${(age / 1000).toFixed(0)} s (limit ${(l.staleKillMs / 1000).toFixed(0)} s)`;
    if (l.unhedgedMs > 0) {
      for (const [strategy, gap] of r.hedgeGaps) {
        if (Math.abs(gap) <= l.unhedgedNotional) {
          this.unhedgedSince.delete(strategy);
          continue;
        }
        const since = this.unhedgedSince.get(strategy) ?? r.now;
        this.unhedgedSince.set(strategy, since);
        if (r.now - since >= l.unhedgedMs)
          return `${strategy}: a leg unhedged by ${gap.toFixed(0)} for ${((r.now - since) / 1000).toFixed(1)} s (limit ${(l.unhedgedMs / 1000).toFixed(0)} s)`;
      }
    }
    return null;
  }

  /** After a re-arm the peak restarts from where equity is, so the same drawdown does not trip again at once. */
  reset(equity: number): void {
    this.peak = equity;
    this.dayOpenEquity = equity;
    this.unhedgedSince.clear();
  }
}
