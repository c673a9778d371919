// ML signal: take the target venue's predicted move when it beats the round trip's taker fees plus a margin;
// leave at the horizon, or earlier when the model turns against the position.
import { feeBps, roundAmount, roundPrice, type Instrument } from '../../source/core/instrument.ts';
import type { Leg, OrderIntent, Strategy, StrategyContext } from '../../source/core/strategy.ts';
import type { ForecastSource } from '../../source/signals/model-runtime.ts';

export interface MlSignalConfig {
  name: string;
  asset: string;
  /** [the traded venue (the model's target), the venue that leads it (read by the features only)]. */
  legs: [Leg, Leg];
  /** Registered model name: "logistic" or "gbdt". */
  model: string;
  /** Hold at most this long: the model's forecast is for this horizon. */
  horizonMs: number;
  /** Edge required beyond the round trip's taker fees, bp. */
  marginBps: number;
  /** Smallest |2p − 1| to act on. */
  minConfidence: number;
  /** Close early once the forecast points this many bp against the position. */
  reversalBps: number;
  /** Worst price the IOC accepts beyond the touch, bp. */
  slippageBps: number;
  /** Notional per entry, quote currency. */
  maxNotional: number;
}

export class MlSignal implements Strategy {
  readonly kind = 'ml-signal';
  readonly name: string;
  readonly label: string;
  readonly legs: Leg[];
  idleReason: string | null = 'starting';
  /** When the position was opened (on the engine clock); 0 when flat. */
  private openedAt = 0;

  constructor(
    readonly config: MlSignalConfig,
    private readonly forecasts: ForecastSource,
  ) {
    this.name = config.name;
    this.label = config.asset;
    this.legs = config.legs;
  }

  decide(ctx: StrategyContext): OrderIntent[] {
    const { venue, symbol } = this.config.legs[0];
    const inflight = ctx.openOrders();
    if (inflight.length > 0)
      return this.idle(`waiting on ${inflight.length} order${inflight.length > 1 ? 's' : ''}`);
    const book = ctx.book(venue, symbol);
    if (!book || !book.ready) return this.idle(`no book on ${venue}`);
    const inst = ctx.instrument(venue, symbol);
    const pos = ctx.position(venue, symbol);
    const f = this.forecasts.forecast(this.config.model, venue, symbol);

    if (Math.abs(pos) >= inst.step / 2) {
      // A position found without an entry time (a restart) gets a full horizon from now.
      if (this.openedAt === 0) this.openedAt = ctx.now;
      const held = ctx.now - this.openedAt;
      const against = f !== null && (pos > 0 ? -f.bps : f.bps) >= this.config.reversalBps;
      if (ctx.state !== 'RUNNING') return this.close(pos, book.bestBid, book.bestAsk, inst, 'close');
      if (held >= this.config.horizonMs) return this.close(pos, book.bestBid, book.bestAsk, inst, 'close');
      if (against) return this.close(pos, book.bestBid, book.bestAsk, inst, 'reversal');
      const left = ((this.config.horizonMs - held) / 1000).toFixed(1);
      return this.idle(`holding ${pos > 0 ? 'long' : 'short'}: exits in ${left} s or on a reversal`);
    }

    this.openedAt = 0;
    if (ctx.state !== 'RUNNING') return this.idle('reducing: no new positions');
    const age = ctx.dataAgeMs(venue, symbol);
    if (age > ctx.staleAfterMs) return this.idle(`stale data on ${venue} (${(age / 1000).toFixed(1)} s)`);
    if (!f) return this.idle(`no model loaded (${this.config.model})`);
    if (f.drift)
      return this.idle(`model drift: ${this.config.model} ${f.version} inputs outside its training range`);
    // The way out costs the taker fee again: the forecast must pay for both.
    const needed = 2 * feeBps(inst, 'taker') + this.config.marginBps;
    if (Math.abs(f.bps) < needed)
      return this.idle(`predicted ${f.bps.toFixed(1)} bp < ${needed.toFixed(1)} bp needed`);
    if (f.confidence < this.config.minConfidence)
      return this.idle(
        `confidence ${Math.round(f.confidence * 100)}% < ${Math.round(this.config.minConfidence * 100)}% needed`,
      );
    const side = f.bps > 0 ? 'buy' : 'sell';
    const top = side === 'buy' ? book.bestAsk : book.bestBid;
    const qty = roundAmount(inst, this.config.maxNotional / top);
    if (qty * top < inst.minNotional)
      return this.idle(
        `predicted ${f.bps.toFixed(1)} bp but ${this.config.maxNotional} is below the minimum notional`,
      );
    this.openedAt = ctx.now;
    this.idleReason = null;
    return [this.intent(side, qty, top, inst, 'open', false)];
  }

  private close(pos: number, bid: number, ask: number, inst: Instrument, tag: string): OrderIntent[] {
    const qty = roundAmount(inst, Math.abs(pos));
    if (qty <= 0) return this.idle('closing: residue below the step');
    this.idleReason = null;
    const side = pos > 0 ? 'sell' : 'buy';
    return [this.intent(side, qty, side === 'sell' ? bid : ask, inst, tag, true)];
  }

  private intent(
    side: 'buy' | 'sell',
    qty: number,
    top: number,
    inst: Instrument,
    tag: string,
    reduceOnly: boolean,
  ): OrderIntent {
    const slip = this.config.slippageBps / 1e4;
    const price =
      side === 'buy' ? roundPrice(inst, top * (1 + slip), 'down') : roundPrice(inst, top * (1 - slip), 'up');
    const { venue, symbol } = this.config.legs[0];
    return { venue, symbol, side, qty, price, tif: 'IOC', reduceOnly, decisionPrice: top, tag };
  }

  private idle(reason: string): OrderIntent[] {
    this.idleReason = reason;
    return [];
  }
}
