// Where market data comes from: an in-process simulation, loopback venues, or real venues through ccxt.
import type { Instrument } from './instrument.ts';
import type { MarketEvent } from './market-events.ts';

export interface VenueHealthChange {
  venue: string;
  connected: boolean;
  severity: 'info' | 'warning' | 'critical';
  message: string;
}

export interface FeedListener {
  onMarket(ev: MarketEvent): void;
  onHealth(change: VenueHealthChange): void;
}

export interface MarketFeed {
  /** Instruments as the venues define them; known once start() resolved. */
  readonly instruments: Instrument[];
  start(listener: FeedListener): Promise<void>;
  stop(): Promise<void>;
}
