// One simulated L2 book on its venue's price grid, kept as integer prices and sizes so diffs replay exactly.
import type { Instrument } from '../../source/core/instrument.ts';
import type { BookEvent, Level } from '../../source/core/market-events.ts';
import type { SeededRandom } from '../../source/core/random.ts';
import { BookSide } from './book-side.ts';

/** Levels kept per side. */
export const BOOK_DEPTH = 25;
const SIDE_CAPACITY = 2 * BOOK_DEPTH + 8;

const POW10 = Array.from({ length: 22 }, (_, i) => 10 ** i);

/** Number of decimal digits of a positive integer. */
function digits(n: number): number {
  let d = 1;
  while (d < 21 && n >= POW10[d]) d++;
  return d;
}

export interface LevelSizing {
  /** Typical size near the top of the book, base units; deeper levels are larger. */
  typical: number;
  min: number;
  max: number;
}

export class SimBook {
  seq = 1;
  ts: number;
  /** Prices in units of 10^-priceDecimals, sizes in units of the amount step. */
  private readonly bids = new BookSide(true, SIDE_CAPACITY);
  private readonly asks = new BookSide(false, SIDE_CAPACITY);
  /** Size taken by public trades since the last update (side 0 bid, 1 ask): shown in the next diff. */
  private readonly takenSide: number[] = [];
  private readonly takenPx: number[] = [];
  private readonly takenQty: number[] = [];
  private takenN = 0;
  private readonly scratchPx = new Float64Array(BOOK_DEPTH);
  private readonly scratchSz = new Float64Array(BOOK_DEPTH);
  private readonly pxScale: number;
  private readonly szScale: number;
  private readonly tickInt: number;
  private readonly sigFigs: number;
  /** Size bounds of a resting level, in steps. */
  private readonly minSize: number;
  private readonly maxSize: number;

  constructor(
    readonly inst: Instrument,
    private readonly sizing: LevelSizing,
    private readonly rng: SeededRandom,
    mid: number,
    ts: number,
  ) {
    this.pxScale = 10 ** inst.priceDecimals;
    this.szScale = 10 ** inst.amountDecimals;
    this.tickInt = inst.tick > 0 ? Math.max(1, Math.round(inst.tick * this.pxScale)) : 1;
    this.sigFigs = inst.priceSigFigs;
    this.minSize = Math.max(1, Math.round(sizing.min * this.szScale));
    this.maxSize = Math.max(this.minSize, Math.round(sizing.max * this.szScale));
    this.ts = ts;
    this.requote(mid, 1);
    this.fillTail(this.bids);
    this.fillTail(this.asks);
    this.bids.changedN = 0;
    this.asks.changedN = 0;
  }

  bestBid(): number {
    return this.bids.px[0] / this.pxScale;
  }

  bestAsk(): number {
    return this.asks.px[0] / this.pxScale;
  }

  mid(): number {
    return (this.bids.px[0] + this.asks.px[0]) / 2 / this.pxScale;
  }

  snapshot(depth = BOOK_DEPTH): BookEvent {
    return {
      kind: 'book',
      venue: this.inst.venue,
      symbol: this.inst.symbol,
      ts: this.ts,
      seq: this.seq,
      snapshot: true,
      bids: this.levels(this.bids, depth),
      asks: this.levels(this.asks, depth),
    };
  }

  /** Move the book toward the venue's mid, apply traded size and random quote activity; return the diff. */
  update(mid: number, ts: number): BookEvent {
    if (this.takenN > 0) this.applyTaken();
    this.requote(mid, this.rng.next() < 0.75 ? 1 : 2);
    const ops = this.rng.next() < 0.5 ? 1 : 2;
    for (let i = 0; i < ops; i++) this.quoteActivity();
    this.fillTail(this.bids);
    this.fillTail(this.asks);
    this.ts = ts;
    this.seq++;
    return {
      kind: 'book',
      venue: this.inst.venue,
      symbol: this.inst.symbol,
      ts,
      seq: this.seq,
      snapshot: false,
      bids: this.changedLevels(this.bids),
      asks: this.changedLevels(this.asks),
    };
  }

  /**
   * A public trade against the published book: the aggressor takes from the best level that still has
   * size after earlier trades. `wanted` is in base units. Returns null when nothing is left to take.
   */
  trade(side: 'buy' | 'sell', wanted: number): { price: number; size: number } | null {
    const sideIx = side === 'buy' ? 1 : 0;
    const book = sideIx === 1 ? this.asks : this.bids;
    for (let i = 0; i < book.n; i++) {
      const p = book.px[i];
      const avail = book.sz[i] - this.takenAt(sideIx, p);
      if (avail <= 0) continue;
      const qty = Math.min(avail, Math.max(1, Math.round(wanted * this.szScale)));
      this.takenSide[this.takenN] = sideIx;
      this.takenPx[this.takenN] = p;
      this.takenQty[this.takenN] = qty;
      this.takenN++;
      return { price: p / this.pxScale, size: qty / this.szScale };
    }
    return null;
  }

  private takenAt(sideIx: number, p: number): number {
    let q = 0;
    for (let i = 0; i < this.takenN; i++) {
      if (this.takenSide[i] === sideIx && this.takenPx[i] === p) q += this.takenQty[i];
    }
    return q;
  }

  private applyTaken(): void {
    for (let i = 0; i < this.takenN; i++) {
      const side = this.takenSide[i] === 0 ? this.bids : this.asks;
      const k = side.indexOf(this.takenPx[i]);
      if (k < 0) continue;
      const left = side.sz[k] - this.takenQty[i];
      if (left > 0) side.setSize(k, left);
      else side.removeAt(k);
    }
    this.takenN = 0;
  }

  /** Price grid unit (integer) at an integer price: the tick, or the 5-significant-figure step. */
  private unitAt(p: number): number {
    if (this.sigFigs <= 0) return this.tickInt;
    const d = digits(p) - this.sigFigs;
    const u = d > 0 ? POW10[d] : 1;
    return u > this.tickInt ? u : this.tickInt;
  }

  private up(p: number): number {
    return p + this.unitAt(p);
  }

  private down(p: number): number {
    return p - this.unitAt(p - 1);
  }

  /** The next price away from the touch on this side's grid. */
  private outward(side: BookSide, p: number): number {
    return side.bid ? this.down(p) : this.up(p);
  }

  private floorToGrid(x: number): number {
    const n = Math.max(1, Math.floor(x));
    const u = this.unitAt(n);
    return n - (n % u);
  }

  /** Put the touch around `mid` with a spread of `units` grid steps, clearing anything through it. */
  private requote(mid: number, units: number): void {
    const m = mid * this.pxScale;
    let bb = this.floorToGrid(m - ((units - 1) * this.unitAt(Math.floor(m))) / 2);
    let ba = bb;
    for (let i = 0; i < units; i++) ba = this.up(ba);
    if (bb <= 0) bb = ba = 1;
    this.touch(this.bids, bb);
    this.touch(this.asks, ba);
  }

  /** Make `best` the side's best price: drop levels through it, fill the grid from it to the old best. */
  private touch(side: BookSide, best: number): void {
    const px = side.px;
    let through = 0;
    while (through < side.n && (side.bid ? px[through] > best : px[through] < best)) through++;
    side.removeFront(through);
    if (side.n > 0 && px[0] === best) return;
    const stop = side.n > 0 ? px[0] : side.bid ? 0 : Infinity;
    const newPx = this.scratchPx;
    const newSz = this.scratchSz;
    let k = 0;
    for (
      let p = best;
      (side.bid ? p > stop : p < stop) && p > 0 && k < BOOK_DEPTH;
      p = this.outward(side, p)
    ) {
      newPx[k] = p;
      newSz[k] = this.freshSize(k);
      k++;
    }
    side.insertFront(newPx, newSz, k);
  }

  /** Keep exactly BOOK_DEPTH levels a side: trim the far end or extend it on the grid. */
  private fillTail(side: BookSide): void {
    side.truncate(BOOK_DEPTH);
    while (side.n < BOOK_DEPTH) {
      const p = this.outward(side, side.px[side.n - 1]);
      if (p <= 0) break;
      side.push(p, this.freshSize(side.n));
    }
  }

  /** Makers adding, cancelling and refilling orders, mostly near the touch. */
  private quoteActivity(): void {
    const side = this.rng.next() < 0.5 ? this.bids : this.asks;
    const u = this.rng.next();
    const i = Math.floor(Math.min(side.n, BOOK_DEPTH) * u * u);
    const r = this.rng.next();
    if (r < 0.8 || i === 0) {
      // Resize: part of the queue cancels or joins.
      const old = side.sz[i];
      let next = r > 0.6 ? this.freshSize(i) : this.bounded(old * Math.exp(0.45 * this.rng.normal()));
      if (next === old) next = next > this.minSize ? next - 1 : next + 1;
      side.setSize(i, next);
    } else if (r < 0.9) {
      // A level empties: a gap in the book until someone quotes there again.
      side.removeAt(i);
    } else {
      // Someone quotes into the first gap, or adds to a level when there is none.
      for (let k = 0; k + 1 < side.n; k++) {
        const p = this.outward(side, side.px[k]);
        if (p !== side.px[k + 1]) {
          side.insertAt(k + 1, p, this.freshSize(k + 1));
          return;
        }
      }
      const k = Math.floor(side.n * this.rng.next());
      const old = side.sz[k];
      const next = this.bounded(old + this.freshSize(k) * 0.2);
      side.setSize(k, next === old ? this.freshSize(k) : next);
    }
  }

  /** Resting size for a level `index` steps from the touch: lognormal, larger further out. */
  private freshSize(index: number): number {
    return this.bounded(
      this.sizing.typical * this.szScale * (0.35 + 0.1 * index) * Math.exp(0.55 * this.rng.normal()),
    );
  }

  /** A size in steps, rounded and kept within the sizing bounds. */
  private bounded(steps: number): number {
    const s = Math.round(steps);
    return s < this.minSize ? this.minSize : s > this.maxSize ? this.maxSize : s;
  }

  private changedLevels(side: BookSide): Level[] {
    const n = side.changedN;
    const out: Level[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const p = side.changed[i];
      out[i] = [p / this.pxScale, side.sizeAt(p) / this.szScale];
    }
    side.changedN = 0;
    return out;
  }

  private levels(side: BookSide, depth: number): Level[] {
    const n = Math.min(depth, side.n);
    const out: Level[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = [side.px[i] / this.pxScale, side.sz[i] / this.szScale];
    return out;
  }
}
