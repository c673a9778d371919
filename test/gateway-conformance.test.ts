// One conformance suite for every loopback venue, run through our gateways on real ccxt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketEvent, BookEvent } from '../source/core/market-events.ts';
import type { VenueHealthChange, MarketFeed } from '../source/core/market-feed.ts';
import type { Fill, OrderRequest, OrderUpdate } from '../source/core/trading.ts';
import { roundAmount, roundPrice } from '../source/core/instrument.ts';
import { toNumber } from '../source/core/money.ts';
import { createVenueFeed, venueExecutionQuirks } from '../gateways/venues.ts';
import { createCcxtClient } from '../gateways/ccxt/client.ts';
import { createHyperliquidClient } from '../gateways/hyperliquid/client.ts';
import { CcxtExecution, type CcxtTradingClient } from '../gateways/ccxt/ccxt-execution.ts';
import { LOOPBACK_VENUES, startLoopback, type Loopback } from '../gateways/sim-venue/loopback.ts';
import type { LoopbackVenue } from '../gateways/sim-venue/faults.ts';
import { BTC_ON } from './loopback-market.ts';
import { sleep, until } from './wait.ts';

const SYMBOLS = BTC_ON;
/** The account's own fee tier on each venue, as its fee endpoint reports it. */
const ACCOUNT_RATES: Record<string, { maker: string; taker: string }> = {
  binance: { maker: '0.00018', taker: '0.00045' },
  hyperliquid: { maker: '0.0001', taker: '0.0004' },
  'binance-spot': { maker: '0.0008', taker: '0.0009' },
  bybit: { maker: '0.0002', taker: '0.00055' },
  okx: { maker: '0.00015', taker: '0.0004' },
};

function sortedAndUncrossed(b: BookEvent): boolean {
  const desc = b.bids.every((l, i) => i === 0 || l[0] < b.bids[i - 1][0]);
  const asc = b.asks.every((l, i) => i === 0 || l[0] > b.asks[i - 1][0]);
  return desc && asc && b.bids.length > 0 && b.asks.length > 0 && b.bids[0][0] < b.asks[0][0];
}

let loopback: Loopback;

beforeAll(async () => {
  // A deep account: the partial-fill order below takes whole levels of BTC.
  loopback = await startLoopback({
    seed: 11,
    speed: 1,
    updatesPerSecond: 200,
    startBalance: '10000000',
    venues: LOOPBACK_VENUES,
  });
});

afterAll(async () => {
  await loopback?.close();
});

const venueNames = [...LOOPBACK_VENUES];

describe.each(venueNames)('gateway conformance: %s', (name) => {
  let venue: LoopbackVenue;
  let feed: MarketFeed;
  const events: MarketEvent[] = [];
  const health: VenueHealthChange[] = [];
  const symbol = SYMBOLS[name];

  beforeAll(async () => {
    venue = loopback.venues.find((v) => v.name === name)!;
    feed = await createVenueFeed(
      { venue: name, ccxt: venue.ccxt, urls: venue.config.urls, options: venue.config.options },
      [symbol],
    );
    await feed.start({ onMarket: (e) => events.push(e), onHealth: (h) => health.push(h) });
  });

  afterAll(async () => {
    await feed?.stop();
  });

  const books = () => events.filter((e): e is BookEvent => e.kind === 'book');

  it('loads the instrument with the venue precision, limits and fees', () => {
    const [inst] = feed.instruments;
    expect(inst.symbol).toBe(symbol);
    expect(inst.venue).toBe(name);
    expect(inst.step).toBeGreaterThan(0);
    // OKX's floor is one lot (0.01 contracts of 0.01 BTC), not a notional.
    if (name === 'okx') expect([inst.step, inst.minNotional]).toEqual([0.0001, 0]);
    else expect(inst.minNotional).toBeGreaterThan(0);
    expect(Number(inst.takerFee)).toBeGreaterThan(0);
    if (name === 'hyperliquid') expect(inst.priceSigFigs).toBe(5);
    else expect(inst.tick).toBe(0.1);
  });

  it('trades on the account fee rates when it holds credentials, and says which rates are in use', async () => {
    expect(feed.instruments[0].feeSource).toBe('default');
    const withKeys = await createVenueFeed(
      {
        venue: name,
        ccxt: venue.ccxt,
        urls: venue.config.urls,
        options: venue.config.options,
        credentials: venue.credentials,
      },
      [symbol],
    );
    await withKeys.start({ onMarket: () => undefined, onHealth: () => undefined });
    try {
      const [inst] = withKeys.instruments;
      expect(inst.feeSource).toBe('account');
      expect([inst.makerFee, inst.takerFee]).toEqual([ACCOUNT_RATES[name].maker, ACCOUNT_RATES[name].taker]);
    } finally {
      await withKeys.stop();
    }
  });

  it('delivers books that are sorted and uncrossed on every update, trades, and funding for perps only', async () => {
    await until('30 book updates', () => books().length >= 30);
    expect(books().every(sortedAndUncrossed)).toBe(true);
    await until('a trade', () => events.some((e) => e.kind === 'trade'));
    if (feed.instruments[0].fundingIntervalHours === 0) {
      // Spot: no funding, ever.
      expect(events.filter((e) => e.kind === 'fundingRate')).toEqual([]);
      return;
    }
    await until('a funding rate', () => events.find((e) => e.kind === 'fundingRate'));
    const f = events.find((e) => e.kind === 'fundingRate')!;
    expect(f.kind === 'fundingRate' && f.nextFundingTs > Date.now() - 1000).toBe(true);
  });

  it('keeps its book equal to the venue after N updates', async () => {
    const mark = books().length;
    await until('20 more book updates', () => books().length >= mark + 20);
    await until('a delivered book equal to the venue', () => {
      const b = books().at(-1)!;
      const venueBook = loopback.exchange.book(name, symbol);
      const n = Math.min(10, b.bids.length, b.asks.length);
      for (let i = 0; i < n; i++)
        if (b.bids[i][0] !== venueBook.bids.prices[i] || b.bids[i][1] !== venueBook.bids.sizes[i])
          return false;
      for (let i = 0; i < n; i++)
        if (b.asks[i][0] !== venueBook.asks.prices[i] || b.asks[i][1] !== venueBook.asks.sizes[i])
          return false;
      return n > 0;
    });
  });

  it('runs the order lifecycle: new, partially filled, filled, cancelled, rejected; our fills equal the venue fills', async () => {
    const client = (name === 'hyperliquid'
      ? await createHyperliquidClient({
          ccxt: venue.ccxt,
          urls: venue.config.urls,
          options: { ...venue.config.options },
          credentials: venue.credentials,
        })
      : await createCcxtClient({
          ccxt: venue.ccxt,
          urls: venue.config.urls,
          options: venue.config.options,
          credentials: venue.credentials,
        })) as unknown as CcxtTradingClient & {
      fetchMyTrades(s: string): Promise<{ order?: string; amount: number }[]>;
      market(s: string): { contractSize?: number };
      fetchBalance(): Promise<{ total: Record<string, number> }>;
      close(): Promise<void>;
      enableRateLimit: boolean;
    };
    client.enableRateLimit = false;
    const inst = feed.instruments[0];
    const exec = new CcxtExecution({
      venue: name,
      client,
      instruments: feed.instruments,
      ...venueExecutionQuirks(venue.ccxt),
    });
    const updates: OrderUpdate[] = [];
    const fills: Fill[] = [];
    exec.setListener({ onOrderUpdate: (u) => updates.push(u), onFill: (f) => fills.push(f) });
    await exec.connect();
    const spot = inst.fundingIntervalHours === 0;
    // Spot holds the asset: the base and quote balances before trading, to measure what the fills moved.
    const before: Record<string, number> = spot ? ((await client.fetchBalance()).total ?? {}) : {};
    const running = exec.run();
    try {
      const book = () => loopback.exchange.book(name, symbol);
      const last = (id: string) => updates.filter((u) => u.clientOrderId === id).at(-1);
      const order = (id: string, over: Partial<OrderRequest>): OrderRequest => ({
        clientOrderId: id,
        strategy: 'conformance',
        venue: name,
        symbol,
        side: 'buy',
        qty: roundAmount(inst, 200 / book().mid),
        price: 0,
        tif: 'GTC',
        reduceOnly: false,
        decisionPrice: book().mid,
        tag: 'test',
        ...over,
      });

      // New, resting, then cancelled.
      exec.submit(
        order(`rest-${name}`, { price: roundPrice(inst, book().bestBid * 0.98, 'down') }),
        Date.now(),
      );
      await until('the resting order open', () => last(`rest-${name}`)?.status === 'open');
      exec.cancel(`rest-${name}`, Date.now());
      await until('the resting order cancelled', () => last(`rest-${name}`)?.status === 'cancelled');

      // Filled at once by an IOC across the spread.
      exec.submit(
        order(`take-${name}`, { tif: 'IOC', price: roundPrice(inst, book().bestAsk * 1.002, 'up') }),
        Date.now(),
      );
      await until('the IOC filled', () => last(`take-${name}`)?.status === 'filled');

      // Partially filled: twice the depth within 10 bp, capped 2 bp above the touch. The market keeps moving: a book
      // refilled after a sweep can take the whole order in the moment it travels, so up to three tries.
      let partId = '';
      let big = 0;
      for (let attempt = 1; attempt <= 3; attempt++) {
        partId = `part${attempt}-${name}`;
        const top = book();
        big = roundAmount(inst, 2 * top.depthWithin('buy', top.bestAsk * 1.001) + inst.step);
        const cap = roundPrice(inst, top.bestAsk * 1.0002, 'down');
        exec.submit(order(partId, { tif: 'IOC', qty: big, price: cap }), Date.now());
        await until('the partial IOC done', () =>
          ['cancelled', 'filled', 'rejected'].includes(last(partId)?.status ?? ''),
        );
        if (last(partId)?.status !== 'filled') break;
      }
      const part = last(partId)!;
      expect(part.status, JSON.stringify(part)).toBe('cancelled');
      // The account stream may report the cancelled remainder before the fills: count the fills themselves.
      const partFilled = () =>
        fills.filter((f) => f.orderId === partId).reduce((s, f) => s + toNumber(f.qty), 0);
      await until('the partial fills', () => partFilled() > 0);
      expect(partFilled()).toBeLessThan(big);

      // Rejected by the venue.
      venue.faults.apply({ rejectOrders: 1 });
      exec.submit(
        order(`rej-${name}`, { tif: 'IOC', price: roundPrice(inst, book().bestAsk * 1.002, 'up') }),
        Date.now(),
      );
      await until('the rejection', () => last(`rej-${name}`)?.status === 'rejected');

      // Refused before sending: off the venue's step.
      exec.submit(order(`step-${name}`, { qty: inst.step * 1.5 }), Date.now());
      expect(last(`step-${name}`)).toMatchObject({ status: 'rejected' });

      // Cancel-all: two resting orders gone with one call.
      const deep = roundPrice(inst, book().bestBid * 0.97, 'down');
      exec.submit(order(`ca1-${name}`, { price: deep }), Date.now());
      exec.submit(order(`ca2-${name}`, { price: deep }), Date.now());
      await until(
        'both resting',
        () => last(`ca1-${name}`)?.status === 'open' && last(`ca2-${name}`)?.status === 'open',
      );
      expect(await exec.cancelAll([symbol])).toEqual([]);
      await until(
        'both cancelled',
        () => last(`ca1-${name}`)?.status === 'cancelled' && last(`ca2-${name}`)?.status === 'cancelled',
      );

      // Our fills are the venue's fills, one for one.
      await sleep(500);
      const venueTrades = await client.fetchMyTrades(symbol);
      const ours = fills.reduce((s, f) => s + toNumber(f.qty), 0);
      // The venue counts contracts where it has them (OKX): ours are base units.
      const perContract = client.market(symbol).contractSize ?? 1;
      const theirs = venueTrades.reduce((s, t) => s + t.amount * perContract, 0);
      expect(fills.length).toBe(venueTrades.length);
      expect(ours).toBeCloseTo(theirs, 9);
      expect(fills.every((f) => f.strategy === 'conformance')).toBe(true);
      expect(exec.openOrderIds()).toEqual([]);
      // The account stream carries balances, and its position equals the sum of our fills (all buys); on spot there
      // is no position: the base balance moves by exactly the fills, the quote by their cost and fees.
      await until('the streamed balance', () => exec.balances.size > 0);
      if (spot) {
        const cost = fills.reduce((s, f) => s + toNumber(f.qty) * toNumber(f.price) + toNumber(f.fee), 0);
        await until(
          'the streamed base balance',
          () => Math.abs((exec.balances.get(inst.base) ?? 0) - before[inst.base] - ours) < 1e-9,
        );
        expect(exec.balances.get(inst.quote)! - before[inst.quote]).toBeCloseTo(-cost, 6);
        expect(exec.positions.size).toBe(0);
      } else
        await until('the streamed position', () => Math.abs((exec.positions.get(symbol) ?? 0) - ours) < 1e-9);
      // Fills are charged at the account's own rates, the ones the venue's fee endpoint reports.
      const taker = Number(ACCOUNT_RATES[name].taker);
      for (const f of fills.filter((x) => x.liquidity === 'taker'))
        expect(toNumber(f.fee)).toBeCloseTo(toNumber(f.qty) * toNumber(f.price) * taker, 5);
    } finally {
      exec.stop();
      await client.close();
      await Promise.race([running, sleep(2000)]);
    }
  });

  it('a dropped connection ends in an alert naming the venue and a recovered book', async () => {
    const before = health.length;
    venue.faults.apply({ drop: true });
    await until('a health alert', () => health.slice(before).find((h) => !h.connected && h.venue === name));
    const mark = events.length;
    await until(
      'books again after the drop',
      () => events.slice(mark).filter((e) => e.kind === 'book').length >= 5,
      20_000,
    );
    await until('a recovery notice', () => health.slice(before).find((h) => h.connected));
    expect(
      events
        .slice(mark)
        .filter((e): e is BookEvent => e.kind === 'book')
        .every(sortedAndUncrossed),
    ).toBe(true);
  });
});
