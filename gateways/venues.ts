// One place that turns a venue's configuration into a market feed: the only door from the engine to ccxt.
import type { MarketFeed } from '../source/core/market-feed.ts';
import { CcxtFeed } from './ccxt/ccxt-feed.ts';
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
