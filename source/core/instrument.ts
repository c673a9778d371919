// What a venue trades and on what terms: precision, limits, fees, funding schedule.
export type VenueName = string;

export interface Instrument {
  venue: VenueName;
  /** ccxt unified symbol, e.g. "BTC/USDT:USDT". */
  symbol: string;
  base: string;
  quote: string;
  /** Price increment; 0 where the venue uses significant figures instead. */
  tick: number;
  /** Maximum significant figures of a price (Hyperliquid: 5); 0 = no such rule. */
  priceSigFigs: number;
  /** Maximum decimals of a price. */
  priceDecimals: number;
  /** Amount increment. */
  step: number;
  amountDecimals: number;
  minNotional: number;
  /** Fee rates as decimal strings (0.0002 = 2 bp); negative maker means a rebate. */
  makerFee: string;
  takerFee: string;
  fundingIntervalHours: number;
  /** Whether the fees are the market's defaults or the account's real rates (from the venue). */
  feeSource?: 'default' | 'account';
}

/** Decimals needed to write `increment` exactly (0.1 → 1, 0.001 → 3, 1 → 0). */
export function decimalsOf(increment: number): number {
  if (increment >= 1) return 0;
  return Math.max(0, Math.round(-Math.log10(increment)));
}

/** Round a price to what the venue accepts: tick and significant figures. */
export function roundPrice(
  inst: Instrument,
  price: number,
  mode: 'down' | 'up' | 'nearest' = 'nearest',
): number {
  let unit = inst.tick > 0 ? inst.tick : 10 ** -inst.priceDecimals;
  if (inst.priceSigFigs > 0 && price > 0) {
    const magnitude = Math.floor(Math.log10(price));
    const sigUnit = 10 ** (magnitude - inst.priceSigFigs + 1);
    if (sigUnit > unit) unit = sigUnit;
  }
  const steps = price / unit;
  const n =
    mode === 'down' ? Math.floor(steps + 1e-9) : mode === 'up' ? Math.ceil(steps - 1e-9) : Math.round(steps);
  const dp = Math.max(0, Math.round(-Math.log10(unit)));
  return Number((n * unit).toFixed(dp));
}

/** Round an amount down to the venue's step. */
export function roundAmount(inst: Instrument, amount: number): number {
  const n = Math.floor(amount / inst.step + 1e-9);
  return Number((n * inst.step).toFixed(inst.amountDecimals));
}

export function priceText(inst: Instrument, price: number): string {
  return price.toFixed(inst.priceDecimals).replace(/\.?0+$/, '') || '0';
}

export function amountText(inst: Instrument, amount: number): string {
  return amount.toFixed(inst.amountDecimals).replace(/\.?0+$/, '') || '0';
}

export function feeBps(inst: Instrument, liquidity: 'maker' | 'taker'): number {
  return Number(liquidity === 'maker' ? inst.makerFee : inst.takerFee) * 1e4;
}
