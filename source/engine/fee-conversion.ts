// Fees in any currency, in the quote: as is in the quote, at the fill price in the base, at that currency's
// mid in the quote otherwise; never guessed when no rate is known.
import { mul, ZERO, type Fixed } from '../core/money.ts';
import type { Fill } from '../core/trading.ts';

export interface FeeInQuote {
  /** The fee in the quote currency; null when it could not be converted. */
  feeQuote: Fixed | null;
  /** Quote per unit of the fee currency used; null when the fee was in the quote (or not converted). */
  rate: Fixed | null;
}

export function feeInQuote(
  fill: Fill,
  base: string,
  quote: string,
  /** The fee currency's price in the quote now (e.g. the BNB/USDT mid), or null when there is none. */
  rateOf: (currency: string) => Fixed | null,
): FeeInQuote {
  if (fill.feeCurrency === quote || fill.fee === ZERO) return { feeQuote: fill.fee, rate: null };
  const rate = fill.feeCurrency === base ? fill.price : rateOf(fill.feeCurrency);
  if (rate === null) return { feeQuote: null, rate: null };
  return { feeQuote: mul(fill.fee, rate), rate };
}

/** The quote currency of a ccxt unified symbol ("BTC/USDT:USDT" → "USDT"). */
export function quoteOf(symbol: string): string {
  return symbol.split('/')[1]?.split(':')[0] ?? '';
}

/** The base currency of a ccxt unified symbol ("BTC/USDT:USDT" → "BTC"). */
export function baseOf(symbol: string): string {
  return symbol.split('/')[0];
}
