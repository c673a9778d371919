import { describe, expect, it } from 'vitest';
import { simInstrument } from '../../gateways/sim/instruments.ts';
import type { OrderIntent } from '../core/strategy.ts';
import { checkOrder, defaultRiskLimits, type RiskView } from './risk.ts';

const BTC = simInstrument('binance', 'BTC');
const HL = simInstrument('hyperliquid', 'BTC');

/** A desk as risk sees it: positions per venue, one mid, equity per venue, an order count. */
function view(o: { pos?: Record<string, number>; equity?: number; orders?: number } = {}): RiskView {
  const pos = o.pos ?? {};
  const mid = 64_000;
  return {
    position: (venue) => pos[venue] ?? 0,
    mid: () => mid,
    instrument: (venue) => (venue === 'binance' ? BTC : venue === 'hyperliquid' ? HL : undefined),
    exposure: () => {
      const qs = Object.values(pos);
      return {
        net: qs.reduce((s, q) => s + q * mid, 0),
        gross: qs.reduce((s, q) => s + Math.abs(q) * mid, 0),
      };
    },
    venueMargin: (venue) => ({ equity: o.equity ?? 100_000, grossNotional: Math.abs(pos[venue] ?? 0) * mid }),
    ordersLastSecond: () => o.orders ?? 0,
  };
}

const order = (over: Partial<OrderIntent> = {}): OrderIntent => ({
  venue: 'binance',
  symbol: BTC.symbol,
  side: 'buy',
  qty: 0.1,
  price: 64_000,
  tif: 'IOC',
  reduceOnly: false,
  decisionPrice: 64_000,
  tag: 'open',
  ...over,
});

describe('pre-trade risk', () => {
  it('lets an order inside every limit through', () => {
    expect(checkOrder(order(), defaultRiskLimits, view())).toBeNull();
  });

  it('refuses an order larger than the max order notional', () => {
    expect(checkOrder(order({ qty: 0.2 }), { ...defaultRiskLimits, maxOrderNotional: 10_000 }, view())).toBe(
      'order notional 12800 > max 10000',
    );
  });

  it('refuses a position beyond its max per venue and symbol, but lets it shrink', () => {
    const limits = { ...defaultRiskLimits, maxPositionNotional: 25_000 };
    expect(checkOrder(order(), limits, view({ pos: { binance: 0.35 } }))).toBe(
      'position 28800 on binance BTC/USDT:USDT > max 25000',
    );
    expect(checkOrder(order({ side: 'sell' }), limits, view({ pos: { binance: 0.45 } }))).toBeNull();
  });

  it('refuses gross and net exposure per asset across venues', () => {
    const gross = { ...defaultRiskLimits, maxGrossExposure: 30_000, maxNetExposure: 100_000 };
    // 0.2 long on binance and 0.2 short on hyperliquid: net 0, gross 25 600; another 0.1 makes 32 000 gross.
    expect(checkOrder(order(), gross, view({ pos: { binance: 0.2, hyperliquid: -0.2 } }))).toBe(
      'gross BTC exposure 32000 > max 30000',
    );
    const net = { ...defaultRiskLimits, maxNetExposure: 10_000 };
    expect(checkOrder(order(), net, view({ pos: { hyperliquid: 0.1 } }))).toBe(
      'net BTC exposure 12800 > max 10000',
    );
    // A hedge leg that brings the net back toward zero passes even when the net is over the limit.
    expect(
      checkOrder(order({ venue: 'binance', side: 'sell' }), net, view({ pos: { hyperliquid: 0.2 } })),
    ).toBeNull();
  });

  it('refuses past the order rate', () => {
    expect(checkOrder(order(), { ...defaultRiskLimits, maxOrdersPerSecond: 5 }, view({ orders: 5 }))).toBe(
      'order rate at its limit of 5/s',
    );
  });

  it('refuses a fat-fingered price outside the band around mid', () => {
    expect(checkOrder(order({ price: 65_600 }), { ...defaultRiskLimits, priceBandBps: 200 }, view())).toBe(
      'price 65600 is 250 bp from mid 64000.0 (band 200 bp)',
    );
  });

  it("enforces the venue's precision and minimum notional, except the minimum for reduce-only", () => {
    expect(checkOrder(order({ qty: 0.0015 }), defaultRiskLimits, view())).toBe(
      "amount 0.0015 is not on binance's step 0.001",
    );
    expect(checkOrder(order({ price: 64_000.05 }), defaultRiskLimits, view())).toBe(
      "price 64000.05 is not on binance's price grid",
    );
    expect(checkOrder(order({ qty: 0.001 }), defaultRiskLimits, view())).toBe(
      "notional 64.00 below binance's minimum 100",
    );
    expect(
      checkOrder(
        order({ qty: 0.001, side: 'sell', reduceOnly: true }),
        defaultRiskLimits,
        view({ pos: { binance: 0.001 } }),
      ),
    ).toBeNull();
    // Hyperliquid prices carry at most 5 significant figures.
    expect(
      checkOrder(
        order({ venue: 'hyperliquid', symbol: HL.symbol, price: 64_000.5 }),
        defaultRiskLimits,
        view(),
      ),
    ).toBe("price 64000.5 is not on hyperliquid's price grid");
  });

  it('refuses what the balance cannot margin at the max leverage', () => {
    expect(
      checkOrder(
        order(),
        { ...defaultRiskLimits, maxLeverage: 2, maxNetExposure: 100_000 },
        view({ equity: 10_000, pos: { binance: 0.25 } }),
      ),
    ).toBe('insufficient balance on binance: 22400 of positions needs 11200 margin at 2x, equity 10000');
  });

  it('REDUCING lets only exposure-reducing orders through; HALTED only verified reduce-only exits', () => {
    const long = view({ pos: { binance: 0.2 } });
    expect(checkOrder(order(), defaultRiskLimits, long, 'reducing')).toBe(
      'REDUCING: only exposure-reducing orders are allowed',
    );
    expect(checkOrder(order({ side: 'sell' }), defaultRiskLimits, long, 'reducing')).toBeNull();
    expect(checkOrder(order({ side: 'sell' }), defaultRiskLimits, long, 'reduce-only')).toBe(
      'HALTED: only verified reduce-only exits are allowed',
    );
    expect(
      checkOrder(order({ side: 'sell', reduceOnly: true }), defaultRiskLimits, long, 'reduce-only'),
    ).toBeNull();
    // A reduce-only order that would flip the position is not a verified exit.
    expect(
      checkOrder(order({ side: 'sell', qty: 0.3, reduceOnly: true }), defaultRiskLimits, long, 'reduce-only'),
    ).toBe('reduce-only sell 0.3 would grow the binance position');
  });
});
