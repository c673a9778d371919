// Start the loopback exchanges: one simulated market served as Binance USDⓈ-M, Hyperliquid and Binance spot on 127.0.0.1.
import { startBinanceServer } from './binance-server.ts';
import { SPOT_SOURCE_VENUE, SPOT_VENUE, spotInstrument } from './binance-spot-market.ts';
import { startBinanceSpotServer } from './binance-spot-server.ts';
import type { LoopbackVenue } from './faults.ts';
import { startHyperliquidServer } from './hyperliquid-server.ts';
import { BYBIT_SOURCE_VENUE, BYBIT_VENUE, bybitInstrument } from './bybit-market.ts';
import { startBybitServer } from './bybit-server.ts';
import { OKX_SOURCE_VENUE, OKX_VENUE, okxInstrument } from './okx-market.ts';
import { startOkxServer } from './okx-server.ts';
import { SimExchange, type SimExchangeOptions } from './sim-exchange.ts';

/** Every loopback venue, in the order they start (and `tradedesk sim-venue` lists them). */
export const LOOPBACK_VENUES = ['binance', 'hyperliquid', SPOT_VENUE, BYBIT_VENUE, OKX_VENUE] as const;
export type LoopbackVenueName = (typeof LOOPBACK_VENUES)[number];
/** What the demo trades on; the spot venue starts only when asked for. */
const DEFAULT_VENUES: LoopbackVenueName[] = ['binance', 'hyperliquid'];

export interface Loopback {
  exchange: SimExchange;
  venues: LoopbackVenue[];
  close(): Promise<void>;
}

/**
 * The operator's keys per venue (ccxt's field names), which the loopback accepts as accounts besides its built-in
 * test keys: with --live it stands in for the venues where those accounts live.
 */
export type LoopbackAccounts = (venue: string) => Record<string, string | undefined> | undefined;

export async function startLoopback(
  opts: SimExchangeOptions & {
    ports?: Partial<Record<LoopbackVenueName, number>>;
    /** Which venues to serve; default binance and hyperliquid. */
    venues?: readonly LoopbackVenueName[];
    accounts?: LoopbackAccounts;
  },
): Promise<Loopback> {
  const wanted = new Set(opts.venues ?? DEFAULT_VENUES);
  const exchange = new SimExchange(opts);
  // Spot books are the perp's, event for event: the loopback spot has zero basis to the Binance perp.
  if (wanted.has(SPOT_VENUE)) exchange.addMirrorVenue(SPOT_VENUE, SPOT_SOURCE_VENUE, spotInstrument);
  // Bybit's perps are the Binance perp's books, trades and funding: zero basis between the two.
  if (wanted.has(BYBIT_VENUE)) exchange.addMirrorVenue(BYBIT_VENUE, BYBIT_SOURCE_VENUE, bybitInstrument);
  // OKX's swaps are the Binance perp's books in contracts: zero basis to the Binance perp, the same funding.
  if (wanted.has(OKX_VENUE)) exchange.addMirrorVenue(OKX_VENUE, OKX_SOURCE_VENUE, okxInstrument);
  exchange.start();
  const binanceKeys = opts.accounts?.('binance');
  const starters: Record<LoopbackVenueName, (port: number) => Promise<LoopbackVenue>> = {
    binance: (port) =>
      startBinanceServer(exchange, {
        port,
        accounts:
          binanceKeys?.apiKey && binanceKeys.secret
            ? [{ apiKey: binanceKeys.apiKey, secret: binanceKeys.secret }]
            : [],
      }),
    hyperliquid: (port) =>
      startHyperliquidServer(exchange, { port, privateKey: opts.accounts?.('hyperliquid')?.privateKey }),
    [SPOT_VENUE]: (port) => startBinanceSpotServer(exchange, { port }),
    [BYBIT_VENUE]: (port) => startBybitServer(exchange, { port }),
    [OKX_VENUE]: (port) => startOkxServer(exchange, { port }),
  };
  const venues: LoopbackVenue[] = [];
  try {
    for (const name of LOOPBACK_VENUES)
      if (wanted.has(name)) venues.push(await starters[name](opts.ports?.[name] ?? 0));
  } catch (e) {
    exchange.stop();
    await Promise.all(venues.map((v) => v.close()));
    throw e;
  }
  return {
    exchange,
    venues,
    close: async () => {
      await Promise.all(venues.map((v) => v.close()));
      exchange.stop();
    },
  };
}

/** The first line `tradedesk sim-venue` prints: how a plain ccxt client reaches each venue. */
export function describeLoopback(venues: LoopbackVenue[]): string {
  return JSON.stringify({ venues: venues.map((v) => ({ name: v.name, ccxt: v.ccxt, config: v.config })) });
}
