// The performance report: the numbers the break-even gate and the desk judge by.
import { fmt, toNumber, type Fixed } from '../core/money.ts';
import type { Engine } from './engine.ts';
import type { Ledger, StrategyTotals } from './ledger.ts';
import type { EquityStats } from './performance.ts';

export interface ReportFigures {
  netPnl: string;
  grossPnl: string;
  fees: string;
  funding: string;
  trades: number;
  volume: string;
  maxDrawdown: string;
  sharpe: number;
  breakEvenFeeBps: number;
}

export interface Report {
  total: ReportFigures;
  strategies: Record<string, ReportFigures>;
}

function figures(t: StrategyTotals, maxDrawdown: Fixed, sharpe: number): ReportFigures {
  const gross = t.realized + t.unrealized;
  const volume = toNumber(t.volume);
  return {
    netPnl: fmt(t.net, 2),
    grossPnl: fmt(gross, 2),
    fees: fmt(t.fees, 2),
    funding: fmt(t.funding, 2),
    trades: t.trades,
    volume: fmt(t.volume, 2),
    maxDrawdown: fmt(maxDrawdown, 2),
    sharpe,
    // The taker-equivalent fee rate at which this record nets to zero.
    breakEvenFeeBps: volume > 0 ? round(((toNumber(gross) + toNumber(t.funding)) / volume) * 1e4, 3) : 0,
  };
}

function round(n: number, dp: number): number {
  const f = 10 ** dp;
  return Math.round(n * f) / f;
}

export function buildReport(engine: Engine): Report {
  engine.refreshMarks();
  return reportOf(
    engine.ledger,
    engine.equityStats,
    new Map(engine.strategies.map((rt) => [rt.strategy.name, rt.stats])),
  );
}

/** The report of a ledger and its sampled equity (whole book) and net PnL (per strategy) statistics. */
export function reportOf(ledger: Ledger, total: EquityStats, perStrategy: Map<string, EquityStats>): Report {
  const strategies: Record<string, ReportFigures> = {};
  for (const [name, stats] of perStrategy) {
    const t = ledger.totals((a) => a.strategy === name);
    strategies[name] = figures(t, maxOf(stats.maxDrawdown, stats.drawdownAt(t.net)), stats.sharpe());
  }
  const equity = ledger.equity();
  return {
    total: figures(ledger.totals(), maxOf(total.maxDrawdown, total.drawdownAt(equity)), total.sharpe()),
    strategies,
  };
}

function maxOf(a: Fixed, b: Fixed): Fixed {
  return a > b ? a : b;
}
