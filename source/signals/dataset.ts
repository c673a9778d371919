// Research samples: the live feature set fed event by event, labelled later by the target's mid one horizon on.
import type { Instrument } from '../core/instrument.ts';
import type { MarketEvent } from '../core/market-events.ts';
import { OrderBook } from '../core/order-book.ts';
import { FEATURE_NAMES, MarketFeatures, type FeatureVenues } from './features.ts';

export interface Sample {
  ts: number;
  asset: string;
  /** The feature vector as of `ts` (nothing after `ts` went into it). */
  x: Float64Array;
  entryBid: number;
  entryAsk: number;
  /** The target venue's book at ts + horizon. */
  exitBid: number;
  exitAsk: number;
  /** log(exit mid / entry mid), bp: the label. */
  moveBps: number;
}

export interface SampleOptions {
  instruments: Instrument[];
  venues: FeatureVenues;
  horizonMs: number;
  /** At most one sample per asset this often, on the target venue's book updates. */
  sampleEveryMs: number;
}

type Pending = Omit<Sample, 'exitBid' | 'exitAsk' | 'moveBps'>;

/** Feed events in time order; samples come out once the horizon after them has been seen. */
export class SampleCollector {
  readonly features: MarketFeatures;
  readonly samples: Sample[] = [];
  events = 0;
  firstTs = NaN;
  lastTs = NaN;
  private readonly books = new Map<string, OrderBook>();
  private readonly targetBooks = new Map<string, string>();
  private readonly pending = new Map<string, Pending[]>();
  private readonly nextSampleTs = new Map<string, number>();

  constructor(private readonly o: SampleOptions) {
    this.features = new MarketFeatures(o.instruments, o.venues);
    for (const inst of o.instruments)
      this.books.set(`${inst.venue}|${inst.symbol}`, new OrderBook(inst.venue, inst.symbol));
    for (const [asset, inst] of this.features.targets) {
      this.targetBooks.set(`${inst.venue}|${inst.symbol}`, asset);
      this.pending.set(asset, []);
      this.nextSampleTs.set(asset, Number.NEGATIVE_INFINITY);
    }
  }

  onMarket(ev: MarketEvent): void {
    const k = `${ev.venue}|${ev.symbol}`;
    const book = this.books.get(k);
    if (!book) return;
    this.events++;
    if (Number.isNaN(this.firstTs)) this.firstTs = ev.ts;
    this.lastTs = ev.ts;
    const asset = this.targetBooks.get(k);
    if (ev.kind === 'book') {
      // The book before this update is the one in force at every instant before ev.ts.
      if (asset !== undefined) this.resolve(asset, book, ev.ts);
      if (ev.snapshot) book.applySnapshot(ev.bids, ev.asks, ev.seq, ev.ts);
      else book.applyDiff(ev.bids, ev.asks, ev.seq, ev.ts);
    }
    const features = this.features.onMarket(ev, ev.kind === 'book' ? book : undefined);
    if (ev.kind !== 'book' || asset === undefined || !features?.ready || !book.ready) return;
    if (ev.ts < this.nextSampleTs.get(asset)!) return;
    this.nextSampleTs.set(asset, ev.ts + this.o.sampleEveryMs);
    this.pending.get(asset)!.push({
      ts: ev.ts,
      asset,
      x: features.write(new Float64Array(FEATURE_NAMES.length)),
      entryBid: book.bestBid,
      entryAsk: book.bestAsk,
    });
  }

  /** Label what the stream has seen far enough past; the rest is dropped (its future is unknown). */
  finish(): Sample[] {
    for (const [asset, inst] of this.features.targets)
      this.resolve(asset, this.books.get(`${inst.venue}|${inst.symbol}`)!, this.lastTs + 1);
    this.samples.sort((a, b) => a.ts - b.ts || (a.asset < b.asset ? -1 : 1));
    return this.samples;
  }

  /** Samples whose horizon ended strictly before `ts` take `book` (as it stood then) as their exit. */
  private resolve(asset: string, book: OrderBook, ts: number): void {
    const queue = this.pending.get(asset)!;
    let n = 0;
    while (n < queue.length && queue[n].ts + this.o.horizonMs < ts) {
      const p = queue[n++];
      const entryMid = (p.entryBid + p.entryAsk) / 2;
      this.samples.push({
        ...p,
        exitBid: book.bestBid,
        exitAsk: book.bestAsk,
        moveBps: Math.log(book.mid / entryMid) * 1e4,
      });
    }
    if (n > 0) queue.splice(0, n);
  }
}
