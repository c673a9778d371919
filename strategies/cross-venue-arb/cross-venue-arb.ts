// Cross-venue arbitrage: buy the cheap venue, sell the rich one when the edge pays the way in and the way out.
import { feeBps, roundAmount, roundPrice, type Instrument } from '../../source/core/instrument.ts';
import type { OrderBook } from '../../source/core/order-book.ts';
import type { Leg, OrderIntent, Strategy, StrategyContext } from '../../source/core/strategy.ts';

export interface CrossVenueArbConfig {
  name: string;
  asset: string;
  /** Exactly two legs: the same asset on two venues. */
  legs: [Leg, Leg];
  /** Edge required beyond the round trip's taker fees, bps. */
  marginBps: number;
  /** Close once the exit spread is at least this (bps; negative = accept a small give-back). */
  closeAtBps: number;
  /** Worst price an IOC leg accepts beyond the top of book, bps. */
  slippageBps: number;
  /** Largest notional a single entry takes, quote currency. */
  maxEntryNotional: number;
  /** Largest position per leg, quote currency. */
  maxPositionNotional: number;
  /** Close a position held longer than this, ms. */
  maxHoldMs: number;
}

export const defaultArbConfig = (asset: string, legs: [Leg, Leg]): CrossVenueArbConfig => ({
  name: `arb-${asset.toLowerCase()}`,
  asset,
  legs,
  marginBps: 2,
  closeAtBps: -1,
  slippageBps: 2,
  maxEntryNotional: 5_000,
  maxPositionNotional: 20_000,
  maxHoldMs: 15 * 60_000,
});

interface LegView {
  leg: Leg;
  inst: Instrument;
  book: OrderBook;
  pos: number;
  /** The instrument's taker fee in bps, worked out once per instrument. */
  takerBps: number;
}

/**
 * Why the strategy sits out, kept as numbers and worded only when someone reads it: a strategy
 * decides on every tick, the screen reads a few times a second.
 */
type IdleWhy =
  | { kind: 'text'; text: string }
  | { kind: 'waiting'; orders: number }
  | { kind: 'stale'; venue: string; ageMs: number }
  | { kind: 'edge'; edge: number; needed: number }
  | { kind: 'thin'; edge: number; qty: number; minQty: number }
  | { kind: 'holding'; exit: number; closeAt: number }
  | { kind: 'dust'; imbalance: number; venue: string };

function wordIdle(why: IdleWhy): string {
  switch (why.kind) {
    case 'text':
      return why.text;
    case 'waiting':
      return `waiting on ${why.orders} order${why.orders > 1 ? 's' : ''}`;
    case 'stale':
      return `stale data on ${why.venue} (${(why.ageMs / 1000).toFixed(1)} s)`;
    case 'edge':
      return `edge ${why.edge.toFixed(1)} bp < ${why.needed.toFixed(1)} bp needed`;
    case 'thin':
      return `edge ${why.edge.toFixed(1)} bp but depth or limits too thin (${why.qty} < ${why.minQty.toPrecision(3)})`;
    case 'holding':
      return `holding: exit ${why.exit.toFixed(1)} bp, closes at ≥ ${why.closeAt.toFixed(1)} bp`;
    case 'dust':
      return `imbalance ${why.imbalance.toPrecision(3)} below the step of ${why.venue}`;
  }
}

const NOTHING: OrderIntent[] = [];
const REDUCING: IdleWhy = { kind: 'text', text: 'reducing: no new positions' };
const RESIDUE: IdleWhy = { kind: 'text', text: 'closing: residue below step' };

export class CrossVenueArb implements Strategy {
  readonly kind = 'cross-venue-arb';
  readonly hedged = true;
  readonly name: string;
  readonly label: string;
  readonly legs: Leg[];
  private why: IdleWhy | null = { kind: 'text', text: 'starting' };
  /** The reasons that come up on nearly every tick, filled in place rather than built anew. */
  private readonly edgeWhy = { kind: 'edge' as const, edge: 0, needed: 0 };
  private readonly holdingWhy = { kind: 'holding' as const, exit: 0, closeAt: 0 };
  private readonly waitingWhy = { kind: 'waiting' as const, orders: 0 };
  /** The legs' views, filled in place on every decision rather than built anew. */
  private readonly views: LegView[];
  /** Set once exit orders are sent, so a half-closed pair is finished, not re-hedged. */
  private closing = false;
  private openedAt = 0;

  constructor(readonly config: CrossVenueArbConfig) {
    this.name = config.name;
    this.label = config.asset;
    this.legs = config.legs;
    this.views = config.legs.map((leg) => ({ leg, inst: undefined!, book: undefined!, pos: 0, takerBps: 0 }));
  }

  get idleReason(): string | null {
    return this.why && wordIdle(this.why);
  }

  decide(ctx: StrategyContext): OrderIntent[] {
    const inflight = ctx.openOrders().length;
    if (inflight > 0) {
      this.waitingWhy.orders = inflight;
      return this.idle(this.waitingWhy);
    }
    const views = this.views;
    for (const view of views) {
      const leg = view.leg;
      const book = ctx.book(leg.venue, leg.symbol);
      if (!book || !book.ready) return this.idle({ kind: 'text', text: `no book on ${leg.venue}` });
      const age = ctx.dataAgeMs(leg.venue, leg.symbol);
      const pos = ctx.position(leg.venue, leg.symbol);
      if (age > ctx.staleAfterMs && pos === 0)
        return this.idle({ kind: 'stale', venue: leg.venue, ageMs: age });
      const inst = ctx.instrument(leg.venue, leg.symbol);
      if (view.inst !== inst) {
        view.inst = inst;
        view.takerBps = feeBps(inst, 'taker');
      }
      view.book = book;
      view.pos = pos;
    }
    const a = views[0];
    const b = views[1];
    const mid = (a.book.mid + b.book.mid) / 2;
    const entryFees = a.takerBps + b.takerBps;
    const flatA = Math.abs(a.pos) < a.inst.step / 2;
    const flatB = Math.abs(b.pos) < b.inst.step / 2;

    if (flatA && flatB) {
      this.closing = false;
      if (ctx.state !== 'RUNNING') return this.idle(REDUCING);
      return this.enter(a, b, mid, entryFees);
    }
    const imbalance = a.pos + b.pos;
    const dust = Math.min(a.inst.step, b.inst.step) / 2;
    if (this.closing || ctx.state !== 'RUNNING') return this.close(ctx, a, b, 'close');
    if (Math.abs(imbalance) > dust) return this.repair(a, b, mid, entryFees, imbalance);
    return this.hold(ctx, a, b, mid);
  }

  private idle(why: IdleWhy): OrderIntent[] {
    this.why = why;
    return NOTHING;
  }

  private enter(a: LegView, b: LegView, mid: number, entryFees: number): OrderIntent[] {
    const buyA = ((b.book.bestBid - a.book.bestAsk) / mid) * 1e4;
    const buyB = ((a.book.bestBid - b.book.bestAsk) / mid) * 1e4;
    const aIsCheap = buyA >= buyB;
    const cheap = aIsCheap ? a : b;
    const rich = aIsCheap ? b : a;
    const edge = aIsCheap ? buyA : buyB;
    // The way out costs taker fees again: the edge must pay for both.
    const needed = 2 * entryFees + this.config.marginBps;
    if (edge < needed) {
      this.edgeWhy.edge = edge;
      this.edgeWhy.needed = needed;
      return this.idle(this.edgeWhy);
    }
    const slip = Math.min(this.config.slippageBps, (edge - needed) / 2);
    const buyCap = roundPrice(cheap.inst, cheap.book.bestAsk * (1 + slip / 1e4), 'down');
    const sellCap = roundPrice(rich.inst, rich.book.bestBid * (1 - slip / 1e4), 'up');
    const depth = Math.min(cheap.book.depthWithin('buy', buyCap), rich.book.depthWithin('sell', sellCap));
    const room = Math.min(
      this.config.maxEntryNotional / mid,
      this.config.maxPositionNotional / mid - Math.max(Math.abs(cheap.pos), Math.abs(rich.pos)),
    );
    const coarse = cheap.inst.step >= rich.inst.step ? cheap.inst : rich.inst;
    const qty = roundAmount(coarse, Math.min(depth, room));
    const minQty = Math.max(
      cheap.inst.minNotional / cheap.book.bestAsk,
      rich.inst.minNotional / rich.book.bestBid,
    );
    if (qty < minQty) return this.idle({ kind: 'thin', edge, qty, minQty });
    this.why = null;
    this.openedAt = 0;
    return [
      this.intent(cheap, 'buy', qty, buyCap, cheap.book.bestAsk, 'open', false),
      this.intent(rich, 'sell', qty, sellCap, rich.book.bestBid, 'open', false),
    ];
  }

  /** One leg filled more than the other: hedge the rest while the spread still pays its fees, else unwind. */
  private repair(a: LegView, b: LegView, mid: number, entryFees: number, imbalance: number): OrderIntent[] {
    const over = Math.abs(a.pos) >= Math.abs(b.pos) ? a : b;
    const under = over === a ? b : a;
    const side = imbalance > 0 ? 'sell' : 'buy';
    const price = side === 'sell' ? under.book.bestBid : under.book.bestAsk;
    const overPrice = side === 'sell' ? over.book.bestAsk : over.book.bestBid;
    // Completing the pair now captures (rich bid − cheap ask) against the over leg's side of the book.
    const edge = ((side === 'sell' ? price - overPrice : overPrice - price) / mid) * 1e4;
    const hedgeQty = roundAmount(under.inst, Math.abs(imbalance));
    if (edge >= entryFees && hedgeQty * price >= under.inst.minNotional) {
      this.why = null;
      const cap = this.capped(under, side, price);
      return [this.intent(under, side, hedgeQty, cap, price, 'hedge', false)];
    }
    const unwindSide = side === 'sell' ? 'sell' : 'buy';
    const unwindPrice = unwindSide === 'sell' ? over.book.bestBid : over.book.bestAsk;
    const qty = roundAmount(over.inst, Math.abs(imbalance));
    if (qty <= 0) return this.idle({ kind: 'dust', imbalance, venue: over.leg.venue });
    this.why = null;
    return [
      this.intent(
        over,
        unwindSide,
        qty,
        this.capped(over, unwindSide, unwindPrice),
        unwindPrice,
        'unwind',
        true,
      ),
    ];
  }

  private hold(ctx: StrategyContext, a: LegView, b: LegView, mid: number): OrderIntent[] {
    if (this.openedAt === 0) this.openedAt = ctx.now;
    const longA = a.pos > 0;
    // Exit sells the long leg at its bid and buys the short leg at its ask.
    const exit = ((longA ? a.book.bestBid - b.book.bestAsk : b.book.bestBid - a.book.bestAsk) / mid) * 1e4;
    const held = ctx.now - this.openedAt;
    if (exit >= this.config.closeAtBps || held > this.config.maxHoldMs) return this.close(ctx, a, b, 'close');
    this.holdingWhy.exit = exit;
    this.holdingWhy.closeAt = this.config.closeAtBps;
    return this.idle(this.holdingWhy);
  }

  private close(_ctx: StrategyContext, a: LegView, b: LegView, tag: string): OrderIntent[] {
    this.closing = true;
    this.openedAt = 0;
    const intents: OrderIntent[] = [];
    for (const v of [a, b]) {
      const qty = roundAmount(v.inst, Math.abs(v.pos));
      if (qty <= 0) continue;
      const side = v.pos > 0 ? 'sell' : 'buy';
      const top = side === 'sell' ? v.book.bestBid : v.book.bestAsk;
      intents.push(this.intent(v, side, qty, this.capped(v, side, top), top, tag, true));
    }
    if (intents.length === 0) return this.idle(RESIDUE);
    this.why = null;
    return intents;
  }

  private capped(v: LegView, side: 'buy' | 'sell', top: number): number {
    const slip = this.config.slippageBps / 1e4;
    return side === 'buy'
      ? roundPrice(v.inst, top * (1 + slip), 'down')
      : roundPrice(v.inst, top * (1 - slip), 'up');
  }

  private intent(
    v: LegView,
    side: 'buy' | 'sell',
    qty: number,
    price: number,
    decisionPrice: number,
    tag: string,
    reduceOnly: boolean,
  ): OrderIntent {
    return {
      venue: v.leg.venue,
      symbol: v.leg.symbol,
      side,
      qty,
      price,
      tif: 'IOC',
      reduceOnly,
      decisionPrice,
      tag,
    };
  }
}
