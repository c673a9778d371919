import { describe, expect, it } from 'vitest';
import { simInstrument } from '../sim/instruments.ts';
import { str } from '../../source/core/money.ts';
import { OrderBook } from '../../source/core/order-book.ts';
import type { BookEvent, Level, TradeEvent } from '../../source/core/market-events.ts';
import type { Fill, OrderRequest, OrderUpdate } from '../../source/core/trading.ts';
import { PaperVenue } from './paper-venue.ts';
import { oldGenerationGrowthMb } from '../../test/old-generation.ts';

const BTC = simInstrument('binance', 'BTC');

function setup(latencyMs = 20) {
  const book = new OrderBook('binance', BTC.symbol);
  book.applySnapshot(
    [
      [64000.0, 0.5],
      [63999.9, 1.0],
    ],
    [
      [64000.1, 0.3],
      [64000.2, 0.4],
      [64000.5, 2.0],
    ],
    1,
    0,
  );
  const venue = new PaperVenue({ name: 'binance', instruments: [BTC], latencyMs, book: () => book });
  const fills: Fill[] = [];
  const updates: OrderUpdate[] = [];
  venue.setListener({ onFill: (f) => fills.push(f), onOrderUpdate: (u) => updates.push(u) });
  return { book, venue, fills, updates };
}

function order(over: Partial<OrderRequest>): OrderRequest {
  return {
    clientOrderId: 'c1',
    strategy: 'arb',
    venue: 'binance',
    symbol: BTC.symbol,
    side: 'buy',
    qty: 0.5,
    price: 64000.2,
    tif: 'IOC',
    reduceOnly: false,
    decisionPrice: 64000.1,
    tag: 'open',
    ...over,
  };
}

function bidUpdate(book: OrderBook, bids: Level[], seq: number): BookEvent {
  book.applyDiff(bids, [], seq, seq);
  return {
    kind: 'book',
    venue: 'binance',
    symbol: BTC.symbol,
    ts: seq,
    seq,
    snapshot: false,
    bids,
    asks: [],
  };
}

function sellAt(price: number, size: number): TradeEvent {
  return { kind: 'trade', venue: 'binance', symbol: BTC.symbol, ts: 0, price, size, side: 'sell' };
}

describe('PaperVenue', () => {
  it('arrives only after its latency', () => {
    const { venue, fills } = setup(25);
    venue.submit(order({}), 1000);
    venue.advance(1024);
    expect(fills).toHaveLength(0);
    venue.advance(1025);
    expect(fills.length).toBeGreaterThan(0);
    expect(fills[0].ts).toBe(1025);
  });

  it('walks the book level by level, stops at the limit, and reports the IOC remainder', () => {
    const { venue, fills, updates } = setup(0);
    venue.submit(order({ qty: 1.0, price: 64000.2 }), 0);
    venue.advance(0);
    expect(fills.map((f) => [str(f.qty), str(f.price), f.liquidity])).toEqual([
      ['0.3', '64000.1', 'taker'],
      ['0.4', '64000.2', 'taker'],
    ]);
    expect(updates.at(-1)).toMatchObject({ status: 'cancelled', filledQty: 0.7 });
    // taker fee 5 bp of 0.3 × 64000.1 = 9.600015
    expect(str(fills[0].fee)).toBe('9.600015');
  });

  it('does not take the same visible liquidity twice before the level refreshes', () => {
    const { venue, fills, book } = setup(0);
    venue.submit(order({ clientOrderId: 'a', qty: 0.3, price: 64000.1 }), 0);
    venue.submit(order({ clientOrderId: 'b', qty: 0.3, price: 64000.1 }), 0);
    venue.advance(0);
    expect(fills.map((f) => f.orderId)).toEqual(['a']);
    book.applyDiff([], [[64000.1, 0.3]], 2, 1);
    venue.onBook(book, {
      kind: 'book',
      venue: 'binance',
      symbol: BTC.symbol,
      ts: 1,
      seq: 2,
      snapshot: false,
      bids: [],
      asks: [[64000.1, 0.3]],
    });
    venue.submit(order({ clientOrderId: 'c', qty: 0.3, price: 64000.1 }), 1);
    venue.advance(1);
    expect(fills.map((f) => f.orderId)).toEqual(['a', 'c']);
  });

  it('rests a limit order behind the visible queue and fills it only after trades consume the queue', () => {
    const { venue, fills, updates } = setup(0);
    venue.submit(order({ tif: 'GTC', qty: 0.2, price: 64000.0 }), 0);
    venue.advance(0);
    expect(updates.at(-1)?.status).toBe('open');
    const trade = (size: number) =>
      venue.onTrade({
        kind: 'trade',
        venue: 'binance',
        symbol: BTC.symbol,
        ts: 5,
        price: 64000.0,
        size,
        side: 'sell',
      });
    trade(0.4); // 0.5 ahead of us: 0.1 still ahead
    expect(fills).toHaveLength(0);
    trade(0.2); // 0.1 ahead consumed, 0.1 fills us
    expect(fills.map((f) => [str(f.qty), f.liquidity])).toEqual([['0.1', 'maker']]);
    expect(str(fills[0].fee)).toBe('1.28'); // 2 bp of 6400
    expect(updates.at(-1)).toMatchObject({ status: 'partially_filled', filledQty: 0.1 });
    trade(1);
    expect(updates.at(-1)).toMatchObject({ status: 'filled' });
    expect(venue.openOrderIds()).toEqual([]);
  });

  it('moves up the queue when orders ahead are cancelled, proportionally', () => {
    const { venue, fills, book } = setup(0);
    venue.submit(order({ tif: 'GTC', qty: 0.2, price: 64000.0 }), 0);
    venue.advance(0);
    // Level shrinks from 0.5 to 0.1 with no trades: cancels; all 0.5 stood ahead of us.
    book.applyDiff([[64000.0, 0.1]], [], 2, 1);
    venue.onBook(book, {
      kind: 'book',
      venue: 'binance',
      symbol: BTC.symbol,
      ts: 1,
      seq: 2,
      snapshot: false,
      bids: [[64000.0, 0.1]],
      asks: [],
    });
    venue.onTrade({
      kind: 'trade',
      venue: 'binance',
      symbol: BTC.symbol,
      ts: 2,
      price: 64000.0,
      size: 0.15,
      side: 'sell',
    });
    expect(fills.map((f) => str(f.qty))).toEqual(['0.05']);
  });

  it('fills a resting order whole when the market trades through its price', () => {
    const { venue, fills, book } = setup(0);
    venue.submit(order({ tif: 'GTC', qty: 0.2, price: 63999.9, side: 'buy' }), 0);
    venue.advance(0);
    book.applyDiff(
      [
        [64000.0, 0],
        [63999.9, 0],
        [63999.5, 1],
      ],
      [[63999.8, 1]],
      2,
      1,
    );
    venue.onBook(book, {
      kind: 'book',
      venue: 'binance',
      symbol: BTC.symbol,
      ts: 1,
      seq: 2,
      snapshot: false,
      bids: [],
      asks: [],
    });
    expect(fills.map((f) => [str(f.qty), str(f.price), f.liquidity])).toEqual([['0.2', '63999.9', 'maker']]);
  });

  it('cancels after latency, and rejects orders off-step or below minimum notional', () => {
    const { venue, updates } = setup(10);
    venue.submit(order({ clientOrderId: 'r1', tif: 'GTC', qty: 0.2, price: 63990 }), 0);
    venue.cancel('r1', 1);
    venue.advance(10);
    expect(updates.at(-1)?.status).toBe('open');
    venue.advance(11);
    expect(updates.at(-1)).toMatchObject({ clientOrderId: 'r1', status: 'cancelled' });
    venue.submit(order({ clientOrderId: 'r2', qty: 0.0015 }), 20);
    venue.submit(order({ clientOrderId: 'r3', qty: 0.001 }), 20);
    venue.advance(30);
    expect(updates.filter((u) => u.status === 'rejected').map((u) => [u.clientOrderId, u.reason])).toEqual([
      ['r2', 'amount 0.0015 is not on step 0.001'],
      ['r3', 'notional 64.00 below minimum 100'],
    ]);
  });

  it('lets a reduce-only order below the minimum notional through, as venues do for closing remainders', () => {
    const { venue, updates, fills } = setup(0);
    venue.submit(order({ clientOrderId: 'r4', qty: 0.001, reduceOnly: true }), 0);
    venue.advance(0);
    expect(updates.find((u) => u.clientOrderId === 'r4')?.status).toBe('filled');
    expect(fills.map((f) => str(f.qty))).toEqual(['0.001']);
  });

  it('counts trades against a level shrink only until the next book update', () => {
    const { venue, fills, book } = setup(0);
    venue.submit(order({ tif: 'GTC', qty: 0.2, price: 64000.0 }), 0);
    venue.advance(0);
    // 0.5 ahead of us, then 1.0 joins behind us.
    venue.onBook(book, bidUpdate(book, [[64000.0, 1.5]], 2));
    venue.onTrade(sellAt(64000.0, 0.2)); // 0.3 ahead
    // The level's 0.2 shrink is that trade, not cancels.
    venue.onBook(book, bidUpdate(book, [[64000.0, 1.3]], 3));
    // No trade since: all 0.3 is cancels, a 0.3/1.3 share of them ahead of us (0.2308 left ahead). Were the trade
    // still counted, only 0.1 would be cancels and 0.2769 would stay ahead, more than the next trade.
    venue.onBook(book, bidUpdate(book, [[64000.0, 1.0]], 4));
    venue.onTrade(sellAt(64000.0, 0.25));
    expect(fills.map((f) => str(f.qty))).toEqual(['0.019']);
  });

  it('leaves nothing in the old generation per book update, so a long session does not grow between full collections', () => {
    const { venue, book } = setup(0);
    const bookUpdateAfterATrade = (i: number) => {
      venue.onTrade(sellAt(64000.0, 0.01));
      venue.onBook(book, bidUpdate(book, [[64000.0, 0.5 + (i % 2) * 0.1]], i));
    };
    // Clearing a Map per book update put ~150 bytes there each time: ~30 MB here.
    expect(oldGenerationGrowthMb(bookUpdateAfterATrade, 200_000)).toBeLessThan(2);
  });
});
