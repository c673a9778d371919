// The performance report: the numbers the break-even gate and the desk judge by.
import { fmt, toNumber, type Fixed } from '../core/money.ts';
import type { Engine } from './engine.ts';
import type { StrategyTotals } from './ledger.ts';

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
  const strategies: Record<string, ReportFigures> = {};
  for (const rt of engine.strategies) {
    const t = engine.ledger.totals((a) => a.strategy === rt.strategy.name);
    strategies[rt.strategy.name] = figures(
      t,
      maxOf(rt.stats.maxDrawdown, rt.stats.drawdownAt(t.net)),
      rt.stats.sharpe(),
    );
  }
  const equity = engine.ledger.equity();
  const s = engine.equityStats;
  return {
    total: figures(engine.ledger.totals(), maxOf(s.maxDrawdown, s.drawdownAt(equity)), s.sharpe()),
    strategies,
  };
}

function maxOf(a: Fixed, b: Fixed): Fixed {
  return a > b ? a : b;
}
