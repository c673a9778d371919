// A key the venue refuses ends in one clear error naming the venue, never an unhandled rejection (which ends a Node
// process), and the market data flows on: the engine runs on without that venue's live gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketEvent } from '../source/core/market-events.ts';
import type { MarketFeed } from '../source/core/market-feed.ts';
import type { OrderUpdate } from '../source/core/trading.ts';
import { createVenueExecution, createVenueFeed, VenueKeyRefused } from '../gateways/venues.ts';
import { createCcxtClient } from '../gateways/ccxt/client.ts';
import { LOOPBACK_VENUES, startLoopback, type Loopback } from '../gateways/sim-venue/loopback.ts';
import type { LoopbackVenue } from '../gateways/sim-venue/faults.ts';
import { BTC_ON, restingBuy } from './loopback-market.ts';
import { sleep, until } from './wait.ts';

const SYMBOLS = BTC_ON;

/** Wrong values for every key field the venue's account has; the wallet address is public and stays. */
function wrongKeys(venue: LoopbackVenue): Record<string, string> {
  const wrong: Record<string, string> = {};
  for (const [field, value] of Object.entries(venue.credentials))
    wrong[field] =
      field === 'walletAddress'
        ? value
        : field === 'privateKey'
          ? `0x${'5a'.repeat(32)}`
          : `wrong-${field}-4f1c`;
  return wrong;
}

const unhandled: string[] = [];
const onUnhandled = (e: unknown) => void unhandled.push(String((e as Error)?.message ?? e).split('\n')[0]);
let loopback: Loopback;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  loopback = await startLoopback({ seed: 5, speed: 1, updatesPerSecond: 100, venues: LOOPBACK_VENUES });
});

afterAll(async () => {
  await loopback?.close();
  process.off('unhandledRejection', onUnhandled);
});

/** None since `from`: a rejection ccxt dropped surfaces a few ticks after the call that caused it has returned. */
async function expectNoUnhandledRejection(from: number): Promise<void> {
  await sleep(300);
  expect(unhandled.slice(from)).toEqual([]);
}

async function startFeed(name: string, events: MarketEvent[]): Promise<MarketFeed> {
  const venue = loopback.venues.find((v) => v.name === name)!;
  const feed = await createVenueFeed(
    { venue: name, ccxt: venue.ccxt, urls: venue.config.urls, options: venue.config.options },
    [SYMBOLS[name]],
  );
  await feed.start({ onMarket: (e) => events.push(e), onHealth: () => undefined });
  return feed;
}

describe.each(['binance-spot', 'binance', 'bybit', 'okx'])('a refused API key on %s', (name) => {
  it('fails the live gateway with one error naming the venue and the refused key; the books flow on', async () => {
    const from = unhandled.length;
    const venue = loopback.venues.find((v) => v.name === name)!;
    const wrong = wrongKeys(venue);
    const events: MarketEvent[] = [];
    const feed = await startFeed(name, events);
    const streamErrors: string[] = [];
    try {
      const refused = await createVenueExecution(
        {
          venue: name,
          ccxt: venue.ccxt,
          urls: venue.config.urls,
          options: venue.config.options,
          credentials: wrong,
        },
        feed.instruments,
        (message) => streamErrors.push(message),
      ).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(refused).toBeInstanceOf(VenueKeyRefused);
      expect(refused!.message).toMatch(new RegExp(`^${name} refused the API key: `));
      expect(refused!.message).not.toContain('\n');
      for (const value of Object.values(wrong)) expect(refused!.message).not.toContain(value);
      expect(streamErrors).toEqual([]);
      await expectNoUnhandledRejection(from);
      const mark = events.length;
      await until('books after the refusal', () => events.slice(mark).some((e) => e.kind === 'book'));
    } finally {
      await feed.stop();
    }
  });

  it("the account stream's watch fails with the venue's refusal, and nothing else", async () => {
    const from = unhandled.length;
    const venue = loopback.venues.find((v) => v.name === name)!;
    const client = (await createCcxtClient({
      ccxt: venue.ccxt,
      urls: venue.config.urls,
      options: venue.config.options,
      credentials: wrongKeys(venue),
    })) as unknown as { watchOrders(): Promise<unknown>; close(): Promise<unknown> };
    try {
      // Twice: the second logon must not find a stale flight from the first.
      for (let i = 0; i < 2; i++)
        await expect(client.watchOrders()).rejects.toMatchObject({ name: 'AuthenticationError' });
      await expectNoUnhandledRejection(from);
    } finally {
      await client.close();
    }
  });
});

describe('a wrong private key on hyperliquid', () => {
  it("connects (reads need no signature) and the first order is rejected once with the venue's word", async () => {
    const from = unhandled.length;
    const name = 'hyperliquid';
    const venue = loopback.venues.find((v) => v.name === name)!;
    const events: MarketEvent[] = [];
    const feed = await startFeed(name, events);
    const gateway = await createVenueExecution(
      {
        venue: name,
        ccxt: venue.ccxt,
        urls: venue.config.urls,
        options: venue.config.options,
        credentials: wrongKeys(venue),
      },
      feed.instruments,
      () => undefined,
    );
    try {
      const updates: OrderUpdate[] = [];
      gateway.execution.setListener({ onOrderUpdate: (u) => updates.push(u), onFill: () => undefined });
      const bid = loopback.exchange.book(name, SYMBOLS[name]).bestBid;
      gateway.execution.submit(restingBuy(feed.instruments[0], 'wrong-key-1', bid, 20), Date.now());
      await until('an answer', () => updates.find((u) => u.clientOrderId === 'wrong-key-1'));
      await expectNoUnhandledRejection(from);
      expect(updates).toHaveLength(1);
      expect(updates[0]).toMatchObject({ status: 'rejected' });
      expect(updates[0].reason).toMatch(/does not exist/);
      expect(updates[0].reason).not.toContain('5a'.repeat(32));
    } finally {
      await gateway.stop();
      await feed.stop();
    }
  });
});
