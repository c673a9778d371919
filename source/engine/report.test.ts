import { describe, expect, it } from 'vitest';
import { fx, str, ZERO } from '../core/money.ts';
import type { Fill, Side } from '../core/trading.ts';
import { Ledger } from './ledger.ts';
import { EquityStats, PerformanceBook } from './performance.ts';
import { reportOf } from './report.ts';

const fill = (side: Side, qty: string, price: string, fee: string): Fill => ({
  ts: 0,
  venue: 'binance',
  symbol: 'BTC/USDT:USDT',
  side,
  qty: fx(qty),
  price: fx(price),
  fee: fx(fee),
  feeCurrency: 'USDT',
  liquidity: 'taker',
  orderId: 'o',
  strategy: 's',
});

describe('EquityStats on a hand-made equity series', () => {
  // 100 → 110 → 99 → 118.8 → 106.92: returns +10 %, −10 %, +20 %, −10 %
  const stats = new EquityStats(60_000, 0);
  const series = ['100', '110', '99', '118.8', '106.92'];
  series.forEach((v, i) => stats.sample(fx(v), 1_000 * (i + 1)));
  const perYear = Math.sqrt((365 * 24 * 3600 * 1000) / 60_000);

  it('max drawdown: absolute, relative to its peak, and when the trough was', () => {
    // 110 → 99 is 11 (10 %); 118.8 → 106.92 is 11.88 (10 %) and the larger: the trough is the 5th sample
    expect(str(stats.maxDrawdown)).toBe('11.88');
    expect(stats.maxDrawdownPct).toBe(10);
    expect(stats.maxDrawdownAt).toBe(5_000);
    // a later, deeper fall that is not yet sampled counts, dated now
    expect(stats.maxDrawdownWith(fx('100'), 6_000)).toEqual({ abs: fx('18.8'), pct: 15.8249, at: 6_000 });
  });

  it('Sharpe on interval returns: mean 0.025 over sample sd 0.15, annualized', () => {
    // deviations .075 −.125 .175 −.125 → squares sum .0675 / 3 = .0225 → sd .15
    expect(stats.sharpe()).toBeCloseTo((0.025 / 0.15) * perYear, 2);
  });

  it('Sortino: mean over the downside deviation sqrt((.01 + .01) / 4), annualized', () => {
    expect(stats.sortino()).toBeCloseTo((0.025 / Math.sqrt(0.02 / 4)) * perYear, 2);
  });
});

describe('report figures on hand-made round trips', () => {
  function ledger() {
    const l = new Ledger();
    l.deposit('binance', 'USDT', fx('1000'));
    // 1: long 100 → 110, fees 0.2: net +9.8 on 210 traded; buy decided at 99.9 (0.1 worse), sell at 110
    l.applyFill(fill('buy', '1', '100', '0.1'), 'USDT', fx('0.1'), fx('99.9'));
    l.applyFill(fill('sell', '1', '110', '0.1'), 'USDT', fx('0.1'), fx('110'));
    // 2: long 100 → 95, fees 0.2: net −5.2 on 195
    l.applyFill(fill('buy', '1', '100', '0.1'), 'USDT', fx('0.1'));
    l.applyFill(fill('sell', '1', '95', '0.1'), 'USDT', fx('0.1'));
    // 3: short 2 at 100 → 99, fees 0.4: net +1.6 on 398
    l.applyFill(fill('sell', '2', '100', '0.2'), 'USDT', fx('0.2'));
    l.applyFill(fill('buy', '2', '99', '0.2'), 'USDT', fx('0.2'));
    l.mark('binance', 'BTC/USDT:USDT', fx('99'));
    return l;
  }

  it('win rate, profit factor, expectancy, edge, break-even fee and slippage', () => {
    const r = reportOf(ledger(), new PerformanceBook(60_000, 1000, ['s']), 0);
    const s = r.strategies.s;
    expect(s).toMatchObject({
      netPnl: '6.20', // gross 10 − 5 + 2 = 7, fees 0.8
      grossPnl: '7.00',
      fees: '0.80',
      trades: 6,
      roundTrips: 3,
      volume: '803.00',
      winRate: 0.6667, // 2 of 3
      profitFactor: 2.192, // (9.8 + 1.6) / 5.2
      expectancy: '2.07', // 6.2 / 3
      // the taker fee on all 803 of volume that eats the gross 7: 7 / 803 = 87.173 bp
      breakEvenFeeBps: 87.173,
      // 0.1 worse on 99.9 + 110 of decision notional = 4.764 bp
      slippageBps: 4.764,
    });
    expect(s.avgEdgeBps).toBeCloseTo(((9.8 / 210 - 5.2 / 195 + 1.6 / 398) / 3) * 1e4, 2);
    // the same figures for its venue, its symbol and the total: one strategy, one venue, one symbol
    expect(r.venues.binance).toEqual(s);
    expect(r.symbols['BTC/USDT:USDT']).toEqual(s);
    expect(r.total).toMatchObject({ ...s, startEquity: '1000.00', equity: '1006.20', drawdown: '0.00' });
  });

  it('no losing round trip: profit factor is null, not Infinity', () => {
    const l = new Ledger();
    l.applyFill(fill('buy', '1', '100', '0'), 'USDT', ZERO);
    l.applyFill(fill('sell', '1', '101', '0'), 'USDT', ZERO);
    const r = reportOf(l, new PerformanceBook(60_000, 0), 0);
    expect(r.total.profitFactor).toBeNull();
    expect(r.total.winRate).toBe(1);
    expect(JSON.parse(JSON.stringify(r)).total.profitFactor).toBeNull();
  });
});
