// What the market says, in one shape for every venue: gateways translate into these.
import type { VenueName } from './instrument.ts';

/** [price, size]; size 0 in a diff removes the level. */
export type Level = [price: number, size: number];

export interface BookEvent {
  kind: 'book';
  venue: VenueName;
  symbol: string;
  ts: number;
  /** Venue sequence number of this update. */
  seq: number;
  /** true: replace the whole book; false: a diff of changed levels. */
  snapshot: boolean;
  bids: Level[];
  asks: Level[];
}

export interface TradeEvent {
  kind: 'trade';
  venue: VenueName;
  symbol: string;
  ts: number;
  price: number;
  size: number;
  /** The aggressor's side. */
  side: 'buy' | 'sell';
}

export interface FundingRateEvent {
  kind: 'fundingRate';
  venue: VenueName;
  symbol: string;
  ts: number;
  /** Rate for the current interval as a decimal string (0.0001 = 1 bp); positive: longs pay shorts. */
  rate: string;
  nextFundingTs: number;
  markPrice: number;
}

export type MarketEvent = BookEvent | TradeEvent | FundingRateEvent;
