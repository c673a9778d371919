// Pre-trade risk: every order passes here before any venue sees it.
import type { OrderIntent } from '../core/strategy.ts';

export interface RiskLimits {
  /** Largest single order, quote currency. */
  maxOrderNotional: number;
  /** Largest position per venue and symbol, quote currency. */
  maxPositionNotional: number;
}

export const defaultRiskLimits: RiskLimits = { maxOrderNotional: 10_000, maxPositionNotional: 25_000 };

export interface RiskView {
  /** Signed position of the venue and symbol across strategies. */
  position(venue: string, symbol: string): number;
  mid(venue: string, symbol: string): number;
}

/** null when allowed; otherwise why not, in one line. */
export function checkOrder(
  intent: OrderIntent,
  limits: RiskLimits,
  view: RiskView,
  reducingOnly: boolean,
): string | null {
  const pos = view.position(intent.venue, intent.symbol);
  const signed = intent.side === 'buy' ? intent.qty : -intent.qty;
  const after = pos + signed;
  const reduces = Math.abs(after) < Math.abs(pos) + 1e-12 && Math.sign(after) * Math.sign(pos) >= 0;
  if (intent.reduceOnly && !reduces)
    return `reduce-only ${intent.side} ${intent.qty} would grow the ${intent.venue} position`;
  if (reducingOnly && !reduces) return `only exposure-reducing orders are allowed now`;
  const notional = intent.qty * intent.price;
  if (!reduces && notional > limits.maxOrderNotional) {
    return `order notional ${notional.toFixed(0)} > max ${limits.maxOrderNotional}`;
  }
  const mid = view.mid(intent.venue, intent.symbol);
  if (!reduces && Math.abs(after) * mid > limits.maxPositionNotional) {
    return `position ${(Math.abs(after) * mid).toFixed(0)} on ${intent.venue} ${intent.symbol} > max ${limits.maxPositionNotional}`;
  }
  return null;
}
