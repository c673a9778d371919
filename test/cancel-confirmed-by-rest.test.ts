// A cancel the account stream never reports is still confirmed: the gateway asks the venue for the order.
// Here nobody follows the stream at all, so the only way to learn the outcome is the venue's REST answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderUpdate } from '../source/core/trading.ts';
import { createVenueFeed, venueExecutionQuirks } from '../gateways/venues.ts';
import { createCcxtClient } from '../gateways/ccxt/client.ts';
import { CcxtExecution, type CcxtTradingClient } from '../gateways/ccxt/ccxt-execution.ts';
import { startLoopback, type Loopback } from '../gateways/sim-venue/loopback.ts';
import { restingBuy } from './loopback-market.ts';
import { until } from './wait.ts';

const SYMBOL = 'BTC/USDT:USDT';
let loopback: Loopback;

beforeAll(async () => {
  loopback = await startLoopback({ seed: 5, speed: 1, updatesPerSecond: 50, venues: ['bybit', 'okx'] });
});

afterAll(async () => {
  await loopback?.close();
});

describe.each(['bybit', 'okx'])('a cancel on %s with no account stream', (name) => {
  it('ends cancelled from the venue answer alone', { timeout: 30_000 }, async () => {
    const venue = loopback.venues.find((v) => v.name === name)!;
    const endpoint = { ccxt: venue.ccxt, urls: venue.config.urls, options: venue.config.options };
    const feed = await createVenueFeed({ venue: name, ...endpoint }, [SYMBOL]);
    await feed.start({ onMarket: () => undefined, onHealth: () => undefined });
    const client = (await createCcxtClient({
      ...endpoint,
      credentials: venue.credentials,
    })) as unknown as CcxtTradingClient & { close(): Promise<void> };
    const errors: string[] = [];
    const exec = new CcxtExecution({
      venue: name,
      client,
      instruments: feed.instruments,
      ...venueExecutionQuirks(venue.ccxt),
      onError: (m) => errors.push(m),
    });
    const updates: OrderUpdate[] = [];
    exec.setListener({ onOrderUpdate: (u) => updates.push(u), onFill: () => undefined });
    try {
      await exec.connect();
      const mid = loopback.exchange.book(name, SYMBOL).mid;
      const order = restingBuy(feed.instruments[0], `quiet${name}1`, mid, 200, 'conformance');
      exec.submit(order, Date.now());
      // The create answer names the venue's order id: from then on the order can be cancelled by it.
      await until(
        'the venue order id',
        () => exec.openOrderIds().includes(order.clientOrderId) && updates.length > 0,
      );
      exec.cancel(order.clientOrderId, Date.now());
      await until('the cancel confirmed', () => updates.at(-1)?.status === 'cancelled', 10_000).catch(
        (e: Error) => {
          throw new Error(`${e.message}; gateway said: ${errors.join(' | ') || 'nothing'}`);
        },
      );
      expect(updates.at(-1)).toMatchObject({ clientOrderId: order.clientOrderId, status: 'cancelled' });
    } finally {
      await client.close();
      await feed.stop().catch(() => undefined);
    }
  });
});
