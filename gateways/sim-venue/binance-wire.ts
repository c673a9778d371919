// Binance USDⓈ-M wire details shared by the loopback server's parts: errors, ids and number formatting.
import { fmt, type Fixed } from '../../source/core/money.ts';
import type { Instrument } from '../../source/core/instrument.ts';

/** A request Binance refuses: HTTP status plus its {"code","msg"} body. */
export class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }

  body(): { code: number; msg: string } {
    return { code: this.code, msg: this.message };
  }
}

export const missingParam = (name: string): BinanceError =>
  new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

export const invalidSymbol = (): BinanceError => new BinanceError(400, -1121, 'Invalid symbol.');

/** Binance's market id of a simulated perp: "BTC/USDT:USDT" → "BTCUSDT". */
export function binanceId(inst: Instrument): string {
  return `${inst.base}${inst.quote}`;
}

/** Prices and sizes as Binance writes them: fixed decimals of the symbol's precision. */
export function priceText(inst: Instrument, price: number): string {
  return price.toFixed(inst.priceDecimals);
}

export function qtyText(inst: Instrument, qty: number): string {
  return qty.toFixed(inst.amountDecimals);
}

/** Money (balances, PnL, commissions) with Binance's 8 decimals. */
export function money(a: Fixed): string {
  return fmt(a, 8);
}

/** Parse an optional integer parameter; malformed → Binance's -1100. */
export function intParam(params: URLSearchParams, name: string): number | undefined {
  const v = params.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v))
    throw new BinanceError(
      400,
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '^-?[0-9]+$'.`,
    );
  return Number(v);
}

/** Parse a decimal parameter (price, quantity); malformed → Binance's -1100. */
export function decimalParam(params: URLSearchParams, name: string): number | undefined {
  const v = params.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(v))
    throw new BinanceError(
      400,
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`,
    );
  return Number(v);
}

/** Is `value` a whole number of `increment`s (within float noise)? */
export function onGrid(value: number, increment: number): boolean {
  const n = value / increment;
  return Math.abs(n - Math.round(n)) < 1e-6;
}
