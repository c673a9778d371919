// Some venues count sizes in contracts (OKX: 0.01 BTC per BTC-USDT-SWAP contract); the engine counts base units.
// ccxt passes contracts through untouched, so every size crossing the gateway is converted here, exactly.
import { div, fx, mul, numberToDecimalString, str } from '../../source/core/money.ts';

/** Base units per contract of a ccxt market: its contractSize, 1 where it has none (spot) or says nothing. */
export function contractSizeOf(market: { contractSize?: number } | undefined): number {
  const size = market?.contractSize;
  return typeof size === 'number' && Number.isFinite(size) && size > 0 ? size : 1;
}

/** Contracts → base units, as the nearest double to the exact decimal product. */
export function contractsToBase(contracts: number, contractSize: number): number {
  if (contractSize === 1) return contracts;
  return Number(str(mul(fx(numberToDecimalString(contracts)), fx(numberToDecimalString(contractSize)))));
}

/** Base units → contracts (exact when the amount is a whole number of the venue's steps). */
export function baseToContracts(base: number, contractSize: number): number {
  if (contractSize === 1) return base;
  return Number(str(div(fx(numberToDecimalString(base)), fx(numberToDecimalString(contractSize)))));
}
