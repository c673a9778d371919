// The performance report: the numbers the break-even gate and the desk judge by, per strategy, venue and symbol.
import { fmt, toNumber, type Fixed } from '../core/money.ts';
import type { Engine } from './engine.ts';
import type { Ledger, PositionAccount, StrategyTotals } from './ledger.ts';
import type { Drawdown, EquityStats, PerformanceBook } from './performance.ts';
import type { RoundTripStats } from './round-trips.ts';

export interface ReportFigures {
  /** grossPnl − fees + funding. */
  netPnl: string;
  /** realizedPnl + unrealizedPnl, before fees and funding. */
  grossPnl: string;
  realizedPnl: string;
  unrealizedPnl: string;
  /** Paid minus rebated, in the quote currency. */
  fees: string;
  /** Received minus paid. */
  funding: string;
  /** Fills booked. */
  trades: number;
  /** Closed round trips (flat to flat): what winRate, profitFactor, expectancy and avgEdgeBps count. */
  roundTrips: number;
  volume: string;
  /** Share of round trips with net PnL above zero, 0..1. */
  winRate: number;
  /** Winners' net over losers' net; null when nothing lost. */
  profitFactor: number | null;
  /** Mean net PnL per round trip. */
  expectancy: string;
  /** Mean of each round trip's net PnL over its traded notional, bps. */
  avgEdgeBps: number;
  maxDrawdown: string;
  /** maxDrawdown over the peak equity it fell from, percent. */
  maxDrawdownPct: number;
  /** Engine time (ms) of the trough of the max drawdown; null when there was none. */
  maxDrawdownAt: number | null;
  sharpe: number;
  sortino: number;
  /** The taker fee rate on all volume at which netPnl would be zero: (grossPnl + funding) / volume. */
  breakEvenFeeBps: number;
  /** Fill prices against their orders' decision prices, volume-weighted bps; positive = worse for us. */
  slippageBps: number;
}

export interface TotalFigures extends ReportFigures {
  startEquity: string;
  equity: string;
  /** Drawdown now, from the peak so far. */
  drawdown: string;
}

export interface Report {
  total: TotalFigures;
  strategies: Record<string, ReportFigures>;
  venues: Record<string, ReportFigures>;
  symbols: Record<string, ReportFigures>;
}

/** What the screen shows of a record: its money and its fills, computed here once for the screen and the report. */
export type ScreenFigures = Pick<
  ReportFigures,
  'netPnl' | 'realizedPnl' | 'unrealizedPnl' | 'fees' | 'funding' | 'trades' | 'maxDrawdown'
>;

/** `dd`: the record's worst drawdown so far, counting its value now (none without statistics). */
function screenFigures(t: StrategyTotals, dd: Drawdown | undefined): ScreenFigures {
  return {
    netPnl: fmt(t.net, 2),
    realizedPnl: fmt(t.realized, 2),
    unrealizedPnl: fmt(t.unrealized, 2),
    fees: fmt(t.fees, 2),
    funding: fmt(t.funding, 2),
    trades: t.trades,
    maxDrawdown: fmt(dd?.abs ?? 0n, 2),
  };
}

function figures(
  t: StrategyTotals,
  trips: RoundTripStats,
  stats: EquityStats | undefined,
  value: Fixed,
  now: number,
): ReportFigures {
  const dd = stats?.maxDrawdownWith(value, now);
  const shown = screenFigures(t, dd);
  const gross = t.realized + t.unrealized;
  const volume = toNumber(t.volume);
  const decision = toNumber(t.decisionNotional);
  return {
    netPnl: shown.netPnl,
    grossPnl: fmt(gross, 2),
    realizedPnl: shown.realizedPnl,
    unrealizedPnl: shown.unrealizedPnl,
    fees: shown.fees,
    funding: shown.funding,
    trades: shown.trades,
    roundTrips: trips.count,
    volume: fmt(t.volume, 2),
    winRate: trips.count > 0 ? round(trips.wins / trips.count, 4) : 0,
    profitFactor: trips.lost > 0n ? round(toNumber(trips.won) / toNumber(trips.lost), 3) : null,
    expectancy: trips.count > 0 ? fmt(trips.net / BigInt(trips.count), 2) : '0.00',
    avgEdgeBps: trips.count > 0 ? round(trips.edgeBpsSum / trips.count, 3) : 0,
    maxDrawdown: shown.maxDrawdown,
    maxDrawdownPct: dd?.pct ?? 0,
    maxDrawdownAt: dd?.at ?? null,
    sharpe: stats?.sharpe() ?? 0,
    sortino: stats?.sortino() ?? 0,
    // The taker-equivalent fee rate at which this record nets to zero.
    breakEvenFeeBps: volume > 0 ? round(((toNumber(gross) + toNumber(t.funding)) / volume) * 1e4, 3) : 0,
    slippageBps: decision > 0 ? round((toNumber(t.slippage) / decision) * 1e4, 3) : 0,
  };
}

function round(n: number, dp: number): number {
  const f = 10 ** dp;
  return Math.round(n * f) / f;
}

export function buildReport(engine: Engine): Report {
  engine.refreshMarks();
  return reportOf(engine.ledger, engine.performance, engine.clock.now());
}

/** The report of a ledger (as marked now) and its sampled equity statistics; `now` dates a drawdown under way. */
export function reportOf(ledger: Ledger, perf: PerformanceBook, now: number): Report {
  const accounts = ledger.accountsList();
  const equity = ledger.equity();
  return {
    total: {
      ...figures(ledger.totals(), ledger.strategyRoundTrips(), perf.total, equity, now),
      ...bookFigures(ledger, perf, equity),
    },
    strategies: groupFigures(ledger, accounts, perf.strategies, 'strategy', now),
    venues: groupFigures(ledger, accounts, perf.venues, 'venue', now),
    symbols: groupFigures(ledger, accounts, perf.symbols, 'symbol', now),
  };
}

function bookFigures(
  ledger: Ledger,
  perf: PerformanceBook,
  equity: Fixed,
): Omit<TotalFigures, keyof ReportFigures> {
  return {
    startEquity: fmt(ledger.startEquity(), 2),
    equity: fmt(equity, 2),
    drawdown: fmt(perf.total.drawdownAt(equity), 2),
  };
}

export type ScreenTotal = ScreenFigures & Omit<TotalFigures, keyof ReportFigures>;

/**
 * The whole book as the screen shows it, marked now, by the report's own functions: several times a second
 * on the engine's thread, so nothing the screen does not show (round trips, ratios, groups) is computed.
 */
export function screenTotal(engine: Engine): ScreenTotal {
  engine.refreshMarks();
  const { ledger, performance: perf } = engine;
  const equity = ledger.equity();
  return {
    ...screenFigures(ledger.totals(), perf.total.maxDrawdownWith(equity, engine.clock.now())),
    ...bookFigures(ledger, perf, equity),
  };
}

/** One strategy's record as the screen shows it; after `screenTotal`, which marks the book. */
export function screenStrategy(engine: Engine, name: string): ScreenFigures {
  const t = engine.ledger.totals((a) => a.strategy === name);
  return screenFigures(
    t,
    engine.performance.strategies.get(name)?.maxDrawdownWith(t.net, engine.clock.now()),
  );
}

/** Figures per strategy, venue or symbol: every name with statistics or an account, in name order. */
function groupFigures(
  ledger: Ledger,
  accounts: readonly PositionAccount[],
  stats: Map<string, EquityStats>,
  field: 'venue' | 'symbol' | 'strategy',
  now: number,
): Record<string, ReportFigures> {
  const out: Record<string, ReportFigures> = {};
  const names = new Set([...stats.keys(), ...accounts.map((a) => a[field])]);
  for (const name of [...names].sort()) {
    const filter = (a: PositionAccount) => a[field] === name;
    const t = ledger.totals(filter);
    const trips = field === 'strategy' ? ledger.strategyRoundTrips(name) : ledger.positionRoundTrips(filter);
    out[name] = figures(t, trips, stats.get(name), t.net, now);
  }
  return out;
}
