import { describe, expect, it } from 'vitest';
import { buildReport } from './report.ts';
import { buildSnapshot } from './snapshot.ts';
import { BTC, buy, setup } from './scripted-desk.ts';

describe('the screen and the report', () => {
  it('every money figure of the PnL pane, the strategy rows and the position rows equals the report’s', () => {
    const sell = { ...buy(0.05, 63990), side: 'sell' as const, decisionPrice: 64000 };
    const { engine, book, clock } = setup({ script: [[buy(0.1, 64000.1)], [], [sell]] });
    book(1_000, 64000, 64000.1, 1);
    book(1_020, 64000, 64000.1, 2);
    book(6_000, 64010, 64010.5, 3);
    book(12_000, 63990, 63990.5, 4);
    book(17_000, 63950, 63951, 5);
    engine.onMarket({
      kind: 'fundingRate',
      venue: 'binance',
      symbol: BTC.symbol,
      ts: 17_500,
      rate: '0.0001',
      nextFundingTs: 18_000,
      markPrice: 63950,
    });
    clock.advanceTo(30_000);
    engine.advance(30_000);
    const snap = buildSnapshot(engine, 1);
    const report = buildReport(engine);
    // Something happened: fills, funding, a drawdown, a position still open.
    expect(report.total.trades).toBe(2);
    expect(report.total.funding).not.toBe('0.00');
    expect(report.total.maxDrawdown).not.toBe('0.00');
    expect(report.total.unrealizedPnl).not.toBe('0.00');
    const t = report.total;
    expect(snap.pnl).toMatchObject({
      start: t.startEquity,
      equity: t.equity,
      realized: t.realizedPnl,
      unrealized: t.unrealizedPnl,
      fees: t.fees,
      funding: t.funding,
      net: t.netPnl,
      drawdown: t.drawdown,
      maxDrawdown: t.maxDrawdown,
    });
    for (const row of snap.strategies) {
      expect(row.netPnl).toBe(report.strategies[row.name].netPnl);
      expect(row.trades).toBe(report.strategies[row.name].trades);
    }
    expect(snap.positions).toHaveLength(1);
    for (const row of snap.positions) {
      const s = report.symbols[row.symbol];
      expect([row.realized, row.unrealized, row.fees, row.funding]).toEqual([
        s.realizedPnl,
        s.unrealizedPnl,
        s.fees,
        s.funding,
      ]);
    }
  });
});

describe('the equity curve in snapshots', () => {
  it('is the same array between samples and a new one, one sample longer, after each', () => {
    const { engine, book, clock } = setup({ script: [[buy(0.1, 64000.1)]] });
    book(1_000, 64000, 64000.1, 1);
    clock.advanceTo(4_000);
    engine.advance(4_000);
    const a = buildSnapshot(engine, 1);
    book(4_500, 64001, 64001.1, 2);
    const b = buildSnapshot(engine, 2);
    expect(b.pnl.curve).toBe(a.pnl.curve);
    expect(Object.isFrozen(a.pnl.curve)).toBe(true);
    clock.advanceTo(10_500);
    engine.advance(10_500);
    const c = buildSnapshot(engine, 3);
    expect(c.pnl.curve).not.toBe(a.pnl.curve);
    expect(c.pnl.curve.length).toBeGreaterThan(a.pnl.curve.length);
    expect(c.pnl.curve.slice(0, a.pnl.curve.length)).toEqual(a.pnl.curve);
  });
});
