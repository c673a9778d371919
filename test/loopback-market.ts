// What the gateway tests trade on the loopback venues: each venue's BTC market, and an order that rests.
import { roundAmount, roundPrice, type Instrument } from '../source/core/instrument.ts';
import type { OrderRequest } from '../source/core/trading.ts';

/** The BTC market each loopback venue lists, in ccxt's unified symbols. */
export const BTC_ON: Record<string, string> = {
  binance: 'BTC/USDT:USDT',
  hyperliquid: 'BTC/USDC:USDC',
  'binance-spot': 'BTC/USDT',
  bybit: 'BTC/USDT:USDT',
  okx: 'BTC/USDT:USDT',
};

/** A GTC buy for about `notional` in the quote, 3 % under `reference` (the bid or mid): it rests, it does not fill. */
export function restingBuy(
  inst: Instrument,
  clientOrderId: string,
  reference: number,
  notional: number,
  strategy = 's',
): OrderRequest {
  const price = roundPrice(inst, reference * 0.97, 'down');
  return {
    clientOrderId,
    strategy,
    venue: inst.venue,
    symbol: inst.symbol,
    side: 'buy',
    qty: roundAmount(inst, notional / price),
    price,
    tif: 'GTC',
    reduceOnly: false,
    decisionPrice: price,
    tag: 't',
  };
}
