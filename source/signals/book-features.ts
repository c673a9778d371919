// What the top of one book says right now: microprice, depth imbalance over levels 1–5, spread. O(1): five levels.
import type { OrderBook } from '../core/order-book.ts';

export const IMBALANCE_LEVELS = 5;

/** Microprice (the mid weighted toward the thinner side) minus the mid, bp. */
export function micropriceOffsetBps(book: OrderBook): number {
  const bid = book.bestBid;
  const ask = book.bestAsk;
  const bidSize = book.bids.sizes[0];
  const askSize = book.asks.sizes[0];
  const mid = (bid + ask) / 2;
  const micro = (bid * askSize + ask * bidSize) / (bidSize + askSize);
  return ((micro - mid) / mid) * 1e4;
}

/** (bid size − ask size) / (bid size + ask size) over the best `levels` levels: −1 … +1. */
export function depthImbalance(book: OrderBook, levels = IMBALANCE_LEVELS): number {
  let bids = 0;
  let asks = 0;
  const nb = Math.min(levels, book.bids.sizes.length);
  const na = Math.min(levels, book.asks.sizes.length);
  for (let i = 0; i < nb; i++) bids += book.bids.sizes[i];
  for (let i = 0; i < na; i++) asks += book.asks.sizes[i];
  return bids + asks > 0 ? (bids - asks) / (bids + asks) : 0;
}

export function spreadBps(book: OrderBook): number {
  return ((book.bestAsk - book.bestBid) / book.mid) * 1e4;
}
