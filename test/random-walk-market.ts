// A market with nothing to learn: one random walk per asset on the coarser venue's tick, quoted by both venues
// at the same instant (no lead, no lag, no basis), with book sizes, trades and funding drawn independently.
import { simAssetSpec, simInstruments } from '../gateways/sim/instruments.ts';
import type { Instrument } from '../source/core/instrument.ts';
import type { Level, MarketEvent } from '../source/core/market-events.ts';
import { SeededRandom } from '../source/core/random.ts';

export interface RandomWalkOptions {
  seed: number;
  assets?: string[];
  /** Mean time between steps (each step moves one asset and requotes both venues), ms. */
  stepMs?: number;
  startTs?: number;
}

export class RandomWalkMarket {
  readonly instruments: Instrument[];
  private readonly rng: SeededRandom;
  private readonly queue: MarketEvent[] = [];
  private readonly ticks: number[];
  private readonly units: number[];
  private t: number;
  private seq = 0;

  constructor(private readonly o: RandomWalkOptions) {
    const assets = o.assets ?? ['BTC', 'ETH', 'SOL'];
    this.instruments = simInstruments(assets);
    this.rng = new SeededRandom(o.seed);
    this.t = o.startTs ?? Date.UTC(2026, 0, 5);
    // Prices as whole multiples of the hyperliquid tick at the start price (5 significant figures).
    this.units = assets.map((a) => 10 ** (Math.floor(Math.log10(simAssetSpec(a).startPrice)) - 4));
    this.ticks = assets.map((a, i) => Math.round(simAssetSpec(a).startPrice / this.units[i]));
    for (let i = 0; i < assets.length; i++) this.quote(i);
  }

  next(): MarketEvent {
    while (this.queue.length === 0) this.step();
    return this.queue.shift()!;
  }

  private step(): void {
    const rng = this.rng;
    this.t += Math.max(1, Math.round(rng.exponential(this.o.stepMs ?? 100)));
    const a = rng.int(this.ticks.length);
    const u = rng.next();
    this.ticks[a] += u < 0.35 ? -1 : u < 0.7 ? 1 : 0;
    this.quote(a);
    const n = this.ticks.length;
    if (rng.next() < 0.3) {
      const inst = this.instruments[rng.int(2) * n + a];
      this.queue.push({
        kind: 'trade',
        venue: inst.venue,
        symbol: inst.symbol,
        ts: this.t,
        price: this.ticks[a] * this.units[a],
        size: inst.step * (1 + rng.int(50)),
        side: rng.next() < 0.5 ? 'buy' : 'sell',
      });
    }
    if (rng.next() < 0.01) {
      const inst = this.instruments[n + a];
      this.queue.push({
        kind: 'fundingRate',
        venue: inst.venue,
        symbol: inst.symbol,
        ts: this.t,
        rate: (rng.normal() * 1e-5).toFixed(8),
        nextFundingTs: Math.floor(this.t / 3_600_000) * 3_600_000 + 3_600_000,
        markPrice: this.ticks[a] * this.units[a],
      });
    }
  }

  /** Both venues quote the same mid at the same instant, sizes independent of everything. */
  private quote(a: number): void {
    const n = this.ticks.length;
    for (const inst of [this.instruments[a], this.instruments[n + a]]) {
      const unit = this.units[a];
      const side = (sign: 1 | -1): Level[] =>
        Array.from({ length: 5 }, (_, k) => [
          Number(((this.ticks[a] + sign * (k + 1)) * unit).toFixed(inst.priceDecimals)),
          inst.step * (1 + this.rng.int(100)),
        ]);
      this.queue.push({
        kind: 'book',
        venue: inst.venue,
        symbol: inst.symbol,
        ts: this.t,
        seq: ++this.seq,
        snapshot: true,
        bids: side(-1),
        asks: side(1),
      });
    }
  }
}
