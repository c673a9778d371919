// Some venues count book, order, fill and position amounts in contracts of a fixed size of the base asset (OKX:
// 0.01 BTC per BTC-USDT-SWAP contract); the engine counts base units. ccxt's market says the size (`contractSize`)
// and passes contracts through untouched, so every size crossing the gateway is converted here and nowhere else,
// exactly, in fixed point.
import { div, fx, mul, numberToDecimalString, str, type Fixed } from '../../source/core/money.ts';

/** A market's contract size in base units; 1 where the venue counts in base units (spot, most linear perps). */
export function contractSizeOf(market: { contractSize?: number } | undefined): number {
  const size = market?.contractSize;
  return typeof size === 'number' && Number.isFinite(size) && size > 0 ? size : 1;
}

/** Contracts → base units, exactly. */
export function contractsToBaseFixed(contracts: number, size: number): Fixed {
  const n = fx(numberToDecimalString(contracts));
  return size === 1 ? n : mul(n, fx(numberToDecimalString(size)));
}

/** Contracts → base units as a number (book levels, filled sizes): the nearest double to the exact product. */
export function contractsToBase(contracts: number, size: number): number {
  return size === 1 ? contracts : Number(str(contractsToBaseFixed(contracts, size)));
}

/** Base units → contracts as a number; exact when the amount is a whole number of contracts' steps. */
export function baseToContracts(base: number, size: number): number {
  if (size === 1) return base;
  return Number(str(div(fx(numberToDecimalString(base)), fx(numberToDecimalString(size)))));
}
