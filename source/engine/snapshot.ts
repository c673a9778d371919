// What the console sees: one plain, serializable picture of the engine, built at a bounded rate.
import { feeBps } from '../core/instrument.ts';
import { abs, div, fmt, mul, str, toNumber, ZERO, type Fixed } from '../core/money.ts';
import type { ExposureRow, PositionRow, Snapshot, SpreadRow, StrategyRow } from '../control/protocol.ts';
import { type Engine, key } from './engine.ts';
import { unrealized } from './ledger.ts';
import { screenStrategy, screenTotal } from './report.ts';

export function buildSnapshot(engine: Engine, seq: number): Snapshot {
  // The money on screen is the report's, from the same functions `tradedesk report` uses: they cannot differ.
  const total = screenTotal(engine);
  const now = engine.clock.now();

  const strategies: StrategyRow[] = engine.strategies.map((rt) => {
    // A live strategy shows its real money (the live ledger); a paper one the report's figures.
    const live =
      rt.mode !== engine.mode ? engine.liveLedger.totals((a) => a.strategy === rt.strategy.name) : null;
    const figures = live
      ? { netPnl: fmt(live.net, 2), trades: live.trades }
      : screenStrategy(engine, rt.strategy.name);
    return {
      name: rt.strategy.name,
      venues: [...new Set(rt.strategy.legs.map((l) => l.venue))],
      symbol: rt.strategy.label,
      mode: rt.mode,
      state: rt.state,
      netPnl: figures.netPnl,
      trades: figures.trades,
      idleReason: idleReason(engine, rt.state, rt.denial, rt.strategy.idleReason),
    };
  });

  interface VenueSum {
    venue: string;
    symbol: string;
    qty: Fixed;
    cost: Fixed;
    mark: Fixed;
    unrealized: Fixed;
    realized: Fixed;
    fees: Fixed;
    funding: Fixed;
  }
  const perVenue = new Map<string, VenueSum>();
  const byAsset = new Map<string, { net: Fixed; gross: Fixed; notional: Fixed }>();
  for (const acc of engine.ledger.accountsList()) {
    const k = key(acc.venue, acc.symbol);
    const sum = perVenue.get(k) ?? {
      venue: acc.venue,
      symbol: acc.symbol,
      qty: ZERO,
      cost: ZERO,
      mark: acc.mark,
      unrealized: ZERO,
      realized: ZERO,
      fees: ZERO,
      funding: ZERO,
    };
    sum.qty += acc.qty;
    sum.cost += acc.cost;
    sum.mark = acc.mark;
    sum.unrealized += unrealized(acc);
    sum.realized += acc.realized;
    sum.fees += acc.fees;
    sum.funding += acc.funding;
    perVenue.set(k, sum);
    const asset = engine.instruments.get(k)?.base ?? acc.symbol;
    const e = byAsset.get(asset) ?? { net: ZERO, gross: ZERO, notional: ZERO };
    e.net += acc.qty;
    e.gross += abs(acc.qty);
    e.notional += mul(acc.qty, acc.mark);
    byAsset.set(asset, e);
  }
  const positions: PositionRow[] = [...perVenue.entries()].map(([k, p]) => {
    const dp = Math.min(engine.instruments.get(k)?.priceDecimals ?? 2, 6);
    return {
      venue: p.venue,
      symbol: p.symbol,
      qty: str(p.qty),
      entry: p.qty === ZERO ? '-' : fmt(div(p.cost, p.qty), dp),
      mark: fmt(p.mark, dp),
      unrealized: fmt(p.unrealized, 2),
      realized: fmt(p.realized, 2),
      fees: fmt(p.fees, 2),
      funding: fmt(p.funding, 2),
    };
  });
  const exposure: ExposureRow[] = [...byAsset].map(([asset, e]) => ({
    asset,
    net: str(e.net),
    gross: str(e.gross),
    netNotional: fmt(e.notional, 2),
  }));

  const spreads: SpreadRow[] = [];
  const assets = [...new Set([...engine.instruments.values()].map((i) => i.base))];
  for (const asset of assets) {
    const insts = [...engine.instruments.values()].filter((i) => i.base === asset);
    const quotes = insts.map((i) => {
      const b = engine.books.get(key(i.venue, i.symbol))!;
      const t = engine.lastData.get(key(i.venue, i.symbol));
      return {
        venue: i.venue,
        bid: b.bestBid,
        ask: b.bestAsk,
        ageMs: t === undefined ? -1 : now - t,
        feeSource: i.feeSource ?? 'default',
      };
    });
    let best = { gross: Number.NEGATIVE_INFINITY, direction: '', fees: 0 };
    for (const cheap of insts) {
      for (const rich of insts) {
        if (cheap === rich) continue;
        const cb = engine.books.get(key(cheap.venue, cheap.symbol))!;
        const rb = engine.books.get(key(rich.venue, rich.symbol))!;
        if (!cb.ready || !rb.ready) continue;
        const gross = ((rb.bestBid - cb.bestAsk) / ((rb.mid + cb.mid) / 2)) * 1e4;
        if (gross > best.gross)
          best = {
            gross,
            direction: `buy ${cheap.venue} / sell ${rich.venue}`,
            fees: feeBps(cheap, 'taker') + feeBps(rich, 'taker'),
          };
      }
    }
    const gross = Number.isFinite(best.gross) ? best.gross : 0;
    spreads.push({
      asset,
      quotes,
      grossBps: round2(gross),
      netBps: round2(gross - 2 * best.fees),
      direction: best.direction,
    });
  }

  const signals = [...engine.signals.values()]
    .map((s) => s.latest)
    .filter((r) => r !== null)
    .concat(engine.signalHub?.latest() ?? [])
    .map((r) => ({
      model: r.model,
      symbol: r.symbol,
      prediction: round2(r.prediction),
      confidence: round2(r.confidence),
      version: r.version,
      ageMs: now - r.ts,
      drift: r.drift,
    }));

  const venueNames = [...engine.venues.keys()];
  return {
    seq,
    ts: now,
    mode: engine.mode,
    state: engine.state,
    liveAllowed: engine.liveAllowed,
    // The live orders a crash left resting count until they are cancelled or finished at the venue.
    openOrders: engine.orders.openCount + engine.ordersLeftAtVenues,
    fills: engine.fills,
    venues: venueNames.map((name) => {
      const t = engine.lastData.get(name);
      const age = t === undefined ? -1 : now - t;
      return {
        name,
        connected: t !== undefined && age < engine.staleAfterMs && !engine.venueDown.has(name),
        dataAgeMs: age,
      };
    }),
    strategies,
    positions,
    exposure,
    spreads,
    signals,
    pnl: {
      start: total.startEquity,
      equity: total.equity,
      realized: total.realizedPnl,
      unrealized: total.unrealizedPnl,
      fees: total.fees,
      funding: total.funding,
      net: total.netPnl,
      drawdown: total.drawdown,
      maxDrawdown: total.maxDrawdown,
      curve: engine.curve,
      breakEven: toNumber(engine.ledger.startEquity()),
    },
    alerts: engine.alerts.slice(0, 50),
    reconciliation: engine.reconciliation.map((d) => d.message),
    liveHold: engine.liveHold(),
    liveReconciliation: engine.liveReconciliation.map((d) => d.message),
  };
}

function idleReason(
  engine: Engine,
  state: string,
  denial: string | null,
  reason: string | null,
): string | null {
  if (engine.state === 'HALTED') return 'halted by kill switch: R to re-arm';
  if (engine.reconciliation.length > 0) return 'held: local state differs from the venues (see alerts)';
  if (state === 'PAUSED') return 'paused by operator';
  if (denial) return `risk: ${denial}`;
  return reason;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
