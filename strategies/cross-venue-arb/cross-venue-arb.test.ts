import { describe, expect, it } from 'vitest';
import { simInstrument } from '../../gateways/sim/instruments.ts';
import type { Instrument } from '../../source/core/instrument.ts';
import type { Level } from '../../source/core/market-events.ts';
import { OrderBook } from '../../source/core/order-book.ts';
import type { DecidingState, OrderView, StrategyContext } from '../../source/core/strategy.ts';
import { CrossVenueArb, defaultArbConfig } from './cross-venue-arb.ts';

const BN = simInstrument('binance', 'BTC');
const HL = simInstrument('hyperliquid', 'BTC');

function book(inst: Instrument, bids: Level[], asks: Level[]): OrderBook {
  const b = new OrderBook(inst.venue, inst.symbol);
  b.applySnapshot(bids, asks, 1, 0);
  return b;
}

interface World {
  bn: OrderBook;
  hl: OrderBook;
  pos: Record<string, number>;
  orders: OrderView[];
  state: DecidingState;
  now: number;
  ages?: Record<string, number>;
}

function ctx(w: World): StrategyContext {
  return {
    now: w.now,
    state: w.state,
    staleAfterMs: 5000,
    book: (venue) => (venue === 'binance' ? w.bn : w.hl),
    instrument: (venue) => (venue === 'binance' ? BN : HL),
    position: (venue) => w.pos[venue] ?? 0,
    openOrders: () => w.orders,
    dataAgeMs: (venue) => w.ages?.[venue] ?? 10,
  };
}

function arb() {
  return new CrossVenueArb({
    ...defaultArbConfig('BTC', [
      { venue: 'binance', symbol: BN.symbol },
      { venue: 'hyperliquid', symbol: HL.symbol },
    ]),
    maxEntryNotional: 64_000,
    maxPositionNotional: 200_000,
  });
}

// A quiet market: both venues around 64000, spread ≈ 0.
const quietBn = () => book(BN, [[64000.0, 2]], [[64000.1, 2]]);
const quietHl = () => book(HL, [[64000, 2]], [[64001, 2]]);

describe('CrossVenueArb', () => {
  it('stays idle and says why when the edge does not pay fees both ways', () => {
    const s = arb();
    const out = s.decide(
      ctx({ bn: quietBn(), hl: quietHl(), pos: {}, orders: [], state: 'RUNNING', now: 0 }),
    );
    expect(out).toEqual([]);
    // taker 5 + 4.5 in, the same out, plus the 2 bp margin
    expect(s.idleReason).toMatch(/^edge -?\d+\.\d bp < 21\.0 bp needed$/);
  });

  it('buys the cheap venue and sells the rich one, sized by the depth within the slippage cap', () => {
    const s = arb();
    // Hyperliquid bid 64200 vs Binance ask 64000.1: ≈ 31 bp gross.
    const hl = book(
      HL,
      [
        [64200, 0.3],
        [64199, 0.2],
        [64150, 5],
      ],
      [[64201, 1]],
    );
    const bn = book(
      BN,
      [[64000.0, 1]],
      [
        [64000.1, 0.4],
        [64000.5, 1],
        [64100, 5],
      ],
    );
    const out = s.decide(ctx({ bn, hl, pos: {}, orders: [], state: 'RUNNING', now: 0 }));
    expect(out.map((o) => [o.venue, o.side, o.tif, o.tag])).toEqual([
      ['binance', 'buy', 'IOC', 'open'],
      ['hyperliquid', 'sell', 'IOC', 'open'],
    ]);
    // Within 2 bp: Binance 0.4 + 1 = 1.4; Hyperliquid 0.3 + 0.2 = 0.5 (64150 is beyond the cap)
    expect(out[0].qty).toBe(0.5);
    expect(out[1].qty).toBe(0.5);
    expect(out[0].price).toBeLessThanOrEqual(64000.1 * 1.0002);
    expect(out[1].price).toBeGreaterThanOrEqual(64200 * 0.9998);
    expect(s.idleReason).toBeNull();
  });

  it('caps the size by its notional limit and refuses below the venues minimum notional', () => {
    const s = new CrossVenueArb({
      ...defaultArbConfig('BTC', [
        { venue: 'binance', symbol: BN.symbol },
        { venue: 'hyperliquid', symbol: HL.symbol },
      ]),
      maxEntryNotional: 50,
    });
    const hl = book(HL, [[64200, 3]], [[64201, 1]]);
    const bn = book(BN, [[64000.0, 1]], [[64000.1, 3]]);
    const out = s.decide(ctx({ bn, hl, pos: {}, orders: [], state: 'RUNNING', now: 0 }));
    expect(out).toEqual([]);
    expect(s.idleReason).toMatch(/depth or limits too thin/);
  });

  it('waits while its orders are in flight', () => {
    const s = arb();
    const order: OrderView = {
      clientOrderId: 'x',
      venue: 'binance',
      symbol: BN.symbol,
      side: 'buy',
      qty: 1,
      filledQty: 0,
      price: 1,
      tag: 'open',
      status: 'pending',
    };
    expect(
      s.decide(ctx({ bn: quietBn(), hl: quietHl(), pos: {}, orders: [order], state: 'RUNNING', now: 0 })),
    ).toEqual([]);
    expect(s.idleReason).toBe('waiting on 1 order');
  });

  it('holds a hedged pair until the spread reverts, then closes both legs reduce-only', () => {
    const s = arb();
    const pos = { binance: 0.5, hyperliquid: -0.5 };
    // Still dislocated: selling Binance at its bid and buying Hyperliquid at its ask costs ~31 bp.
    const holding = s.decide(
      ctx({
        bn: quietBn(),
        hl: book(HL, [[64200, 1]], [[64201, 1]]),
        pos,
        orders: [],
        state: 'RUNNING',
        now: 1000,
      }),
    );
    expect(holding).toEqual([]);
    expect(s.idleReason).toMatch(/^holding: exit -31\.\d bp/);
    const out = s.decide(
      ctx({
        bn: quietBn(),
        hl: book(HL, [[63999, 1]], [[64000, 1]]),
        pos,
        orders: [],
        state: 'RUNNING',
        now: 2000,
      }),
    );
    expect(out.map((o) => [o.venue, o.side, o.qty, o.reduceOnly, o.tag])).toEqual([
      ['binance', 'sell', 0.5, true, 'close'],
      ['hyperliquid', 'buy', 0.5, true, 'close'],
    ]);
  });

  it('hedges a partially filled leg while the spread still pays its fees', () => {
    const s = arb();
    const hl = book(HL, [[64200, 1]], [[64201, 1]]);
    const out = s.decide(
      ctx({
        bn: quietBn(),
        hl,
        pos: { binance: 0.5, hyperliquid: -0.3 },
        orders: [],
        state: 'RUNNING',
        now: 0,
      }),
    );
    expect(out.map((o) => [o.venue, o.side, o.qty, o.tag])).toEqual([['hyperliquid', 'sell', 0.2, 'hedge']]);
  });

  it('unwinds the over-filled leg when the spread is gone', () => {
    const s = arb();
    const out = s.decide(
      ctx({
        bn: quietBn(),
        hl: quietHl(),
        pos: { binance: 0.5, hyperliquid: -0.3 },
        orders: [],
        state: 'RUNNING',
        now: 0,
      }),
    );
    expect(out.map((o) => [o.venue, o.side, o.qty, o.reduceOnly, o.tag])).toEqual([
      ['binance', 'sell', 0.2, true, 'unwind'],
    ]);
  });

  it('opens nothing while reducing or on stale data, and closes what it holds when reducing', () => {
    const s = arb();
    const rich = book(HL, [[64200, 1]], [[64201, 1]]);
    expect(
      s.decide(ctx({ bn: quietBn(), hl: rich, pos: {}, orders: [], state: 'REDUCING', now: 0 })),
    ).toEqual([]);
    expect(s.idleReason).toBe('reducing: no new positions');
    expect(
      s.decide(
        ctx({
          bn: quietBn(),
          hl: rich,
          pos: {},
          orders: [],
          state: 'RUNNING',
          now: 0,
          ages: { hyperliquid: 9000 },
        }),
      ),
    ).toEqual([]);
    expect(s.idleReason).toBe('stale data on hyperliquid (9.0 s)');
    const out = s.decide(
      ctx({
        bn: quietBn(),
        hl: rich,
        pos: { binance: 0.5, hyperliquid: -0.5 },
        orders: [],
        state: 'REDUCING',
        now: 0,
      }),
    );
    expect(out.every((o) => o.reduceOnly && o.tag === 'close')).toBe(true);
    expect(out).toHaveLength(2);
  });
});
