// Pre-trade risk: every order passes here before any venue sees it. One denial, in one line, or null.
import { roundPrice, type Instrument } from '../core/instrument.ts';
import type { OrderIntent } from '../core/strategy.ts';

export interface RiskLimits {
  /** Largest single order, quote currency. */
  maxOrderNotional: number;
  /** Largest position per venue and symbol, quote currency. */
  maxPositionNotional: number;
  /** Largest sum of absolute position notionals per asset across venues. */
  maxGrossExposure: number;
  /** Largest net (signed) position notional per asset across venues. */
  maxNetExposure: number;
  /** Orders sent across the engine in any one second of engine time. */
  maxOrdersPerSecond: number;
  /** Fat-finger band: a limit price further than this from the mid is refused, bps. */
  priceBandBps: number;
  /** Position notional a venue's equity may carry (perpetuals margin): gross notional ≤ equity × leverage. */
  maxLeverage: number;
}

export const defaultRiskLimits: RiskLimits = {
  maxOrderNotional: 10_000,
  maxPositionNotional: 25_000,
  maxGrossExposure: 50_000,
  maxNetExposure: 10_000,
  maxOrdersPerSecond: 20,
  priceBandBps: 200,
  maxLeverage: 5,
};

/** What risk may look at: positions, prices, balances and recent order flow, all as the engine holds them. */
export interface RiskView {
  /** Signed position of the venue and symbol across strategies. */
  position(venue: string, symbol: string): number;
  /** Book mid, or undefined without a book. */
  mid(venue: string, symbol: string): number | undefined;
  instrument(venue: string, symbol: string): Instrument | undefined;
  /** Net and gross position notional of an asset across every venue, at mids. */
  exposure(asset: string): { net: number; gross: number };
  /** A venue's equity (cash plus unrealized) and the gross notional of its positions, quote currency. */
  venueMargin(venue: string): { equity: number; grossNotional: number };
  /** Orders sent in the last second of engine time. */
  ordersLastSecond(): number;
}

/** Which orders the trading state lets through. */
export type RiskGate = 'any' | 'reducing' | 'reduce-only';

/** Does the order shrink the position without flipping it? */
export function reducesPosition(position: number, side: 'buy' | 'sell', qty: number): boolean {
  const after = position + (side === 'buy' ? qty : -qty);
  return Math.abs(after) < Math.abs(position) + 1e-12 && Math.sign(after) * Math.sign(position) >= 0;
}

/** null when allowed; otherwise why not, in one line a trader can act on. */
export function checkOrder(
  intent: OrderIntent,
  limits: RiskLimits,
  view: RiskView,
  gate: RiskGate = 'any',
): string | null {
  const { venue, symbol, side, qty, price } = intent;
  const pos = view.position(venue, symbol);
  const reduces = reducesPosition(pos, side, qty);
  if (intent.reduceOnly && !reduces) return `reduce-only ${side} ${qty} would grow the ${venue} position`;
  if (gate === 'reduce-only' && !(intent.reduceOnly && reduces))
    return 'HALTED: only verified reduce-only exits are allowed';
  if (gate === 'reducing' && !reduces) return 'REDUCING: only exposure-reducing orders are allowed';

  const inst = view.instrument(venue, symbol);
  if (!inst) return `no instrument ${symbol} on ${venue}`;
  if (!(qty > 0)) return `quantity ${qty} is not positive`;
  const units = qty / inst.step;
  if (Math.abs(units - Math.round(units)) > 1e-6)
    return `amount ${qty} is not on ${venue}'s step ${inst.step}`;
  if (Math.abs(roundPrice(inst, price) - price) > Math.abs(price) * 1e-12)
    return `price ${price} is not on ${venue}'s price grid`;
  const notional = qty * price;
  if (!intent.reduceOnly && notional < inst.minNotional)
    return `notional ${notional.toFixed(2)} below ${venue}'s minimum ${inst.minNotional}`;

  const mid = view.mid(venue, symbol);
  if (mid === undefined || !(mid > 0)) return `no market price for ${symbol} on ${venue}`;
  const offBps = (Math.abs(price - mid) / mid) * 1e4;
  if (offBps > limits.priceBandBps)
    return `price ${price} is ${offBps.toFixed(0)} bp from mid ${mid.toFixed(inst.priceDecimals)} (band ${limits.priceBandBps} bp)`;

  if (view.ordersLastSecond() >= limits.maxOrdersPerSecond)
    return `order rate at its limit of ${limits.maxOrdersPerSecond}/s`;
  // Reducing orders take risk off: the size limits below only hold back what adds to it.
  if (reduces) return null;

  if (notional > limits.maxOrderNotional)
    return `order notional ${notional.toFixed(0)} > max ${limits.maxOrderNotional}`;
  const signed = side === 'buy' ? qty : -qty;
  const positionAfter = Math.abs(pos + signed) * mid;
  if (positionAfter > limits.maxPositionNotional)
    return `position ${positionAfter.toFixed(0)} on ${venue} ${symbol} > max ${limits.maxPositionNotional}`;
  const { net, gross } = view.exposure(inst.base);
  const grossAfter = gross - Math.abs(pos) * mid + Math.abs(pos + signed) * mid;
  if (grossAfter > limits.maxGrossExposure)
    return `gross ${inst.base} exposure ${grossAfter.toFixed(0)} > max ${limits.maxGrossExposure}`;
  const netAfter = Math.abs(net + signed * mid);
  if (netAfter > limits.maxNetExposure && netAfter > Math.abs(net))
    return `net ${inst.base} exposure ${netAfter.toFixed(0)} > max ${limits.maxNetExposure}`;
  const margin = view.venueMargin(venue);
  const grossVenueAfter = margin.grossNotional - Math.abs(pos) * mid + positionAfter;
  if (grossVenueAfter > margin.equity * limits.maxLeverage)
    return `insufficient balance on ${venue}: ${grossVenueAfter.toFixed(0)} of positions needs ${(grossVenueAfter / limits.maxLeverage).toFixed(0)} margin at ${limits.maxLeverage}x, equity ${margin.equity.toFixed(0)}`;
  return null;
}
