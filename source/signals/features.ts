// The streaming feature set: one fixed, named vector per asset, computed the same way live and in research.
import { createHash } from 'node:crypto';
import type { Instrument } from '../core/instrument.ts';
import type { MarketEvent } from '../core/market-events.ts';
import type { OrderBook } from '../core/order-book.ts';
import { depthImbalance, micropriceOffsetBps, spreadBps } from './book-features.ts';
import { EwStats, FlowImbalance, WindowReturn, WindowVolatility } from './rolling.ts';

/** Bump when any feature's definition changes: models trained on the old set are then refused. */
export const FEATURE_SET_VERSION = 1;
const WINDOWS_MS = [1_000, 5_000, 30_000] as const;
const FLOW_TAU_MS = 5_000;
const BASIS_TAU_MS = 60_000;
const DAY_MS = 86_400_000;

const VENUE_FEATURES = [
  'microprice_bps',
  'imbalance_l5',
  'spread_bps',
  ...WINDOWS_MS.map((w) => `ret_${w / 1000}s_bps`),
  ...WINDOWS_MS.map((w) => `rvol_${w / 1000}s_bps`),
  'trade_flow',
];

/** "target": the venue whose move is predicted (and traded); "reference": the venue that leads it. */
export const FEATURE_NAMES: readonly string[] = [
  ...VENUE_FEATURES.map((f) => `target.${f}`),
  ...VENUE_FEATURES.map((f) => `reference.${f}`),
  'basis_bps',
  'basis_dev_bps',
  'basis_z',
  'funding_bps',
  'funding_next_min',
  'tod_sin',
  'tod_cos',
];

export function featureHash(names: readonly string[] = FEATURE_NAMES, version = FEATURE_SET_VERSION): string {
  return createHash('sha256').update(JSON.stringify({ version, names })).digest('hex');
}

/** One venue's view of one asset: its book, returns and volatility over windows, and trade flow. */
class VenueFeatures {
  book: OrderBook | null = null;
  private lastLogMid = NaN;
  private readonly returns = WINDOWS_MS.map((w) => new WindowReturn(w));
  private readonly vols = WINDOWS_MS.map((w) => new WindowVolatility(w));
  private readonly flow = new FlowImbalance(FLOW_TAU_MS);
  fundingRate = 0;
  nextFundingTs = NaN;

  onBook(book: OrderBook, ts: number): void {
    if (!book.ready) return;
    this.book = book;
    const logMid = Math.log(book.mid);
    if (!Number.isNaN(this.lastLogMid)) for (const v of this.vols) v.push(ts, logMid - this.lastLogMid);
    for (const r of this.returns) r.push(ts, logMid);
    this.lastLogMid = logMid;
  }

  onTrade(ts: number, size: number, side: 'buy' | 'sell'): void {
    this.flow.push(ts, size, side);
  }

  evict(now: number): void {
    for (const r of this.returns) r.evict(now);
    for (const v of this.vols) v.evict(now);
  }

  get ready(): boolean {
    return this.book !== null && this.book.ready;
  }

  write(out: Float64Array, at: number): number {
    const book = this.book!;
    out[at++] = micropriceOffsetBps(book);
    out[at++] = depthImbalance(book);
    out[at++] = spreadBps(book);
    for (const r of this.returns) out[at++] = r.bps;
    for (const v of this.vols) out[at++] = v.bps;
    out[at++] = this.flow.value;
    return at;
  }
}

/** Everything the model sees about one asset: both venues, the basis between them, funding and the clock. */
export class AssetFeatures {
  readonly target = new VenueFeatures();
  readonly reference = new VenueFeatures();
  private readonly basis = new EwStats(BASIS_TAU_MS);
  private basisBps = 0;
  /** Time of the last event seen for this asset. */
  ts = 0;

  constructor(readonly asset: string) {}

  onMarket(role: 'target' | 'reference', ev: MarketEvent, book: OrderBook | undefined): void {
    const side = this[role];
    this.ts = ev.ts;
    if (ev.kind === 'book' && book) {
      side.onBook(book, ev.ts);
      if (this.ready) {
        this.basisBps = ((this.target.book!.mid - this.reference.book!.mid) / this.reference.book!.mid) * 1e4;
        this.basis.push(ev.ts, this.basisBps);
      }
    } else if (ev.kind === 'trade') {
      side.onTrade(ev.ts, ev.size, ev.side);
    } else if (ev.kind === 'fundingRate') {
      side.fundingRate = Number(ev.rate);
      side.nextFundingTs = ev.nextFundingTs;
    }
    this.target.evict(ev.ts);
    this.reference.evict(ev.ts);
  }

  get ready(): boolean {
    return this.target.ready && this.reference.ready;
  }

  /** Fill `out` (length FEATURE_NAMES.length) with the vector as of the last event. */
  write(out: Float64Array): Float64Array {
    let at = this.target.write(out, 0);
    at = this.reference.write(out, at);
    out[at++] = this.basisBps;
    out[at++] = this.basis.deviation(this.basisBps);
    out[at++] = this.basis.z(this.basisBps);
    out[at++] = this.target.fundingRate * 1e4;
    const next = this.target.nextFundingTs;
    out[at++] = Number.isNaN(next) ? 0 : Math.max(0, next - this.ts) / 60_000;
    const phase = (2 * Math.PI * (((this.ts % DAY_MS) + DAY_MS) % DAY_MS)) / DAY_MS;
    out[at++] = Math.sin(phase);
    out[at++] = Math.cos(phase);
    return out;
  }
}

export interface FeatureVenues {
  /** The venue whose mid is predicted (the lagging one: hyperliquid in the simulated market). */
  targetVenue: string;
  /** The venue that leads it (binance). */
  referenceVenue: string;
}

/** Routes market events to each asset's features; an asset counts when both venues list it. */
export class MarketFeatures {
  readonly assets = new Map<string, AssetFeatures>();
  private readonly routes = new Map<string, { features: AssetFeatures; role: 'target' | 'reference' }>();
  /** Per asset: the target venue's instrument (what a prediction is about). */
  readonly targets = new Map<string, Instrument>();

  constructor(instruments: Instrument[], venues: FeatureVenues) {
    for (const inst of instruments) {
      if (inst.venue !== venues.targetVenue) continue;
      const ref = instruments.find((o) => o.base === inst.base && o.venue === venues.referenceVenue);
      if (!ref) continue;
      const features = new AssetFeatures(inst.base);
      this.assets.set(inst.base, features);
      this.targets.set(inst.base, inst);
      this.routes.set(`${inst.venue}|${inst.symbol}`, { features, role: 'target' });
      this.routes.set(`${ref.venue}|${ref.symbol}`, { features, role: 'reference' });
    }
  }

  /** Feed one event (for a book event, `book` is that venue's book with the event applied); returns the asset it moved. */
  onMarket(ev: MarketEvent, book: OrderBook | undefined): AssetFeatures | undefined {
    const route = this.routes.get(`${ev.venue}|${ev.symbol}`);
    if (!route) return undefined;
    route.features.onMarket(route.role, ev, book);
    return route.features;
  }
}
