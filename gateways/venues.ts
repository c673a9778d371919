// One place that turns a venue's configuration into a market feed: the only door from the engine to ccxt.
import type { MarketFeed } from '../source/core/market-feed.ts';
import type { Instrument } from '../source/core/instrument.ts';
import { CcxtExecution, type CcxtExecutionOptions, type CcxtTradingClient } from './ccxt/ccxt-execution.ts';
import { CcxtFeed } from './ccxt/ccxt-feed.ts';
import { venueClientIdFor } from './ccxt/client-id.ts';
import { createCcxtClient, type CcxtClientConfig } from './ccxt/client.ts';
import { createHyperliquidClient, hyperliquidQuirks, type HyperliquidExtras } from './hyperliquid/client.ts';

export interface VenueEndpoint extends CcxtClientConfig {
  /** Our name for the venue, as strategies' legs use it. */
  venue: string;
  hyperliquid?: HyperliquidExtras;
}

export async function createVenueFeed(endpoint: VenueEndpoint, symbols: string[]): Promise<MarketFeed> {
  if (endpoint.ccxt === 'hyperliquid') {
    const client = await createHyperliquidClient(endpoint, endpoint.hyperliquid);
    return new CcxtFeed({ venue: endpoint.venue, client, symbols, quirks: hyperliquidQuirks });
  }
  const client = await createCcxtClient(endpoint);
  return new CcxtFeed({ venue: endpoint.venue, client, symbols, quirks: { fundingIntervalHours: 8 } });
}

/**
 * What execution must know of a venue (by ccxt class id): the client order id it accepts (chosen in
 * `ccxt/client-id.ts`), and the sign of fees on its account stream.
 */
export function venueExecutionQuirks(
  ccxt: string,
): Pick<
  CcxtExecutionOptions,
  'venueClientId' | 'streamedFeePaidNegative' | 'fetchOrderParams' | 'orderTradesBy'
> {
  const venueClientId = venueClientIdFor(ccxt);
  // ccxt's Binance fetchOrderTrades serves spot only (USDⓈ-M throws NotSupported): its trades by symbol, then by order.
  if (ccxt === 'binanceusdm') return { orderTradesBy: 'symbol' };
  // ccxt's OKX account stream hands fees over with OKX's sign (paid negative).
  if (ccxt === 'okx') return { venueClientId, streamedFeePaidNegative: true };
  // A cancel Bybit acknowledges without its outcome is confirmed by looking the order up (recent orders only).
  if (ccxt === 'bybit') return { venueClientId, fetchOrderParams: { acknowledged: true } };
  return venueClientId ? { venueClientId } : {};
}

/** The venue refused the account's keys (ccxt's AuthenticationError and its kin): the keys, not the network, must change. */
export class VenueKeyRefused extends Error {
  constructor(venue: string, cause: unknown) {
    super(`${venue} refused the API key: ${(cause as Error).message.split('\n')[0].slice(0, 200)}`);
  }
}

async function refusedKey(e: unknown): Promise<boolean> {
  const ccxt = (await import('ccxt')).default as unknown as { AuthenticationError: new () => Error };
  return e instanceof ccxt.AuthenticationError;
}

/** A live execution gateway on the venue's account (the endpoint carries the credentials), connected and streaming. */
export async function createVenueExecution(
  endpoint: VenueEndpoint,
  instruments: Instrument[],
  onError: (message: string) => void,
): Promise<{ execution: CcxtExecution; stop: () => Promise<void> }> {
  const hyperliquid = endpoint.ccxt === 'hyperliquid';
  const client = (hyperliquid
    ? await createHyperliquidClient(endpoint, endpoint.hyperliquid)
    : await createCcxtClient(endpoint)) as unknown as CcxtTradingClient & { close?: () => Promise<void> };
  const execution = new CcxtExecution({
    venue: endpoint.venue,
    client,
    instruments,
    ...venueExecutionQuirks(endpoint.ccxt),
    onError,
  });
  try {
    await execution.connect();
  } catch (e) {
    // Nothing of a gateway that did not connect stays behind: no socket, no keep-alive timer.
    await client.close?.().catch(() => undefined);
    throw (await refusedKey(e)) ? new VenueKeyRefused(endpoint.venue, e) : e;
  }
  const running = execution.run();
  return {
    execution,
    stop: async () => {
      execution.stop();
      await client.close?.();
      await Promise.race([running, new Promise((r) => setTimeout(r, 2_000))]);
    },
  };
}
