// An L2 order book: price levels kept sorted in flat arrays (bids descending, asks ascending).
import type { Level } from './market-events.ts';

class BookSide {
  readonly prices: number[] = [];
  readonly sizes: number[] = [];
  constructor(private readonly descending: boolean) {}

  /** Index of `price`, or -(insertion point) - 1 when absent; one loop per direction keeps the compare branch-free. */
  private find(price: number): number {
    const p = this.prices;
    let lo = 0;
    let hi = p.length - 1;
    if (this.descending) {
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const v = p[mid];
        if (v === price) return mid;
        if (v > price) lo = mid + 1;
        else hi = mid - 1;
      }
    } else {
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const v = p[mid];
        if (v === price) return mid;
        if (v < price) lo = mid + 1;
        else hi = mid - 1;
      }
    }
    return -lo - 1;
  }

  set(price: number, size: number): void {
    const i = this.find(price);
    if (i >= 0) {
      if (size > 0) this.sizes[i] = size;
      else this.removeAt(i);
    } else if (size > 0) this.insertAt(-i - 1, price, size);
  }

  // Shifting by hand, not splice: splice allocates an array of the removed items on every call.
  private removeAt(at: number): void {
    const p = this.prices;
    const s = this.sizes;
    const last = p.length - 1;
    for (let j = at; j < last; j++) {
      p[j] = p[j + 1];
      s[j] = s[j + 1];
    }
    p.pop();
    s.pop();
  }

  private insertAt(at: number, price: number, size: number): void {
    const p = this.prices;
    const s = this.sizes;
    for (let j = p.length; j > at; j--) {
      p[j] = p[j - 1];
      s[j] = s[j - 1];
    }
    p[at] = price;
    s[at] = size;
  }

  sizeAt(price: number): number {
    const i = this.find(price);
    return i >= 0 ? this.sizes[i] : 0;
  }

  clear(): void {
    this.prices.length = 0;
    this.sizes.length = 0;
  }

  levels(depth: number): Level[] {
    const n = Math.min(depth, this.prices.length);
    const out: Level[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = [this.prices[i], this.sizes[i]];
    return out;
  }
}

export class OrderBook {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);
  seq = 0;
  /** Time of the last update, on the engine's clock. */
  ts = 0;

  constructor(
    readonly venue: string,
    readonly symbol: string,
  ) {}

  applySnapshot(bids: Level[], asks: Level[], seq: number, ts: number): void {
    this.bids.clear();
    this.asks.clear();
    this.applyDiff(bids, asks, seq, ts);
  }

  applyDiff(bids: Level[], asks: Level[], seq: number, ts: number): void {
    for (let i = 0; i < bids.length; i++) this.bids.set(bids[i][0], bids[i][1]);
    for (let i = 0; i < asks.length; i++) this.asks.set(asks[i][0], asks[i][1]);
    this.seq = seq;
    this.ts = ts;
  }

  get bestBid(): number {
    return this.bids.prices.length ? this.bids.prices[0] : NaN;
  }
  get bestAsk(): number {
    return this.asks.prices.length ? this.asks.prices[0] : NaN;
  }
  get mid(): number {
    return (this.bestBid + this.bestAsk) / 2;
  }
  get ready(): boolean {
    return this.bids.prices.length > 0 && this.asks.prices.length > 0;
  }
  get crossed(): boolean {
    return this.ready && this.bestBid >= this.bestAsk;
  }

  /** Size available to a taker on `side` (buy takes asks) at prices no worse than `limit`. */
  depthWithin(side: 'buy' | 'sell', limit: number): number {
    const book = side === 'buy' ? this.asks : this.bids;
    let total = 0;
    for (let i = 0; i < book.prices.length; i++) {
      const p = book.prices[i];
      if (side === 'buy' ? p > limit : p < limit) break;
      total += book.sizes[i];
    }
    return total;
  }
}
