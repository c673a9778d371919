import { describe, expect, it } from 'vitest';
import { OrderBook } from './order-book.ts';

describe('OrderBook', () => {
  it('keeps bids descending and asks ascending through inserts, updates and removals', () => {
    const book = new OrderBook('binance', 'BTC/USDT:USDT');
    book.applySnapshot(
      [
        [100, 1],
        [99, 2],
      ],
      [
        [101, 1],
        [103, 3],
      ],
      1,
      0,
    );
    book.applyDiff(
      [
        [99.5, 4],
        [100, 0],
      ],
      [
        [102, 5],
        [103, 1],
      ],
      2,
      1,
    );
    expect(book.bids.levels(10)).toEqual([
      [99.5, 4],
      [99, 2],
    ]);
    expect(book.asks.levels(10)).toEqual([
      [101, 1],
      [102, 5],
      [103, 1],
    ]);
    expect(book.bestBid).toBe(99.5);
    expect(book.bestAsk).toBe(101);
    expect(book.crossed).toBe(false);
    expect(book.seq).toBe(2);
  });

  it('removing an absent level is a no-op and a snapshot replaces everything', () => {
    const book = new OrderBook('v', 's');
    book.applyDiff([[10, 0]], [[11, 1]], 1, 0);
    expect(book.bids.levels(5)).toEqual([]);
    book.applySnapshot([[9, 1]], [[12, 2]], 5, 1);
    expect(book.asks.levels(5)).toEqual([[12, 2]]);
    expect(book.ready).toBe(true);
  });

  it('measures depth within a limit price for each side', () => {
    const book = new OrderBook('v', 's');
    book.applySnapshot(
      [
        [10, 1],
        [9, 2],
        [8, 4],
      ],
      [
        [11, 1],
        [12, 2],
        [13, 4],
      ],
      1,
      0,
    );
    expect(book.depthWithin('buy', 12)).toBe(3);
    expect(book.depthWithin('sell', 9)).toBe(3);
    expect(book.depthWithin('buy', 10.5)).toBe(0);
  });
});
