// The loopback Binance spot against a real, unmodified ccxt `binance` (REST) and `ccxt.pro.binance` (websockets),
// built from nothing but the loopback's own config.
import { createHmac } from 'node:crypto';
import ccxt from 'ccxt';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopbackVenue } from './faults.ts';
import { SPOT_ACCOUNT_FEE_RATES, SPOT_START_BASE } from './binance-spot-account.ts';
import { SPOT_VENUE } from './binance-spot-market.ts';
import { startLoopback, type Loopback } from './loopback.ts';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
const SOL = 'SOL/USDT';

type Pro = InstanceType<typeof ccxt.pro.binance>;
type Book = Awaited<ReturnType<Pro['watchOrderBook']>>;

/** A balance part (total, free, used) per currency; ccxt's typings only declare it as a dictionary. */
const part = (b: object, which: 'total' | 'free' | 'used') =>
  (b as Record<string, unknown>)[which] as Record<string, number>;
const total = (b: object) => part(b, 'total');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('loopback Binance spot through ccxt', () => {
  let loopback: Loopback;
  let venue: LoopbackVenue;
  let client: Pro;
  const base = () => `http://127.0.0.1:${venue.port}`;
  const book = (symbol: string) => loopback.exchange.book(SPOT_VENUE, symbol);

  /** Watch until ccxt's book has caught up with the server's (same update id), then compare them level for level. */
  async function syncedBook(symbol: string, timeoutMs = 10_000): Promise<Book> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (Date.now() > end) throw new Error(`ccxt book of ${symbol} never caught up`);
      let ob: Book;
      try {
        ob = await client.watchOrderBook(symbol);
      } catch {
        await sleep(20);
        continue;
      }
      const server = book(symbol);
      if (ob.nonce === server.seq) {
        const bids = ob.bids.slice(0, 20).map(([p, s]) => [p!, s!]);
        const asks = ob.asks.slice(0, 20).map(([p, s]) => [p!, s!]);
        expect(bids[0][0]).toBeLessThan(asks[0][0]);
        expect(bids).toEqual(server.bids.levels(20));
        expect(asks).toEqual(server.asks.levels(20));
        return ob;
      }
    }
  }

  beforeAll(async () => {
    loopback = await startLoopback({ seed: 5, speed: 1, updatesPerSecond: 100, venues: [SPOT_VENUE] });
    venue = loopback.venues[0];
    client = new ccxt.pro.binance({ ...venue.config, ...venue.credentials });
    await client.loadMarkets();
  });

  afterAll(async () => {
    await client?.close();
    await loopback?.close();
  });

  it('is the binance class on spot, every url on the loopback, markets with the exchange filters', () => {
    expect(venue).toMatchObject({ name: 'binance-spot', ccxt: 'binance' });
    const urls: string[] = [];
    const walk = (v: unknown) => {
      if (typeof v === 'string') urls.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    const u = client.urls as Record<string, unknown>;
    walk([u.api, u.test, u.demo]);
    for (const url of urls)
      expect(url).toMatch(new RegExp(`^(http|ws)://127\\.0\\.0\\.1:${venue.port}/`, 'i'));
    expect(Object.keys(client.markets ?? {}).sort()).toEqual([BTC, ETH, SOL]);
    const m = client.market(BTC);
    expect(m).toMatchObject({ spot: true, contract: false, base: 'BTC', quote: 'USDT' });
    expect(m.precision).toMatchObject({ price: 0.1, amount: 0.001 });
    expect(m.limits.cost?.min).toBe(5);
  });

  it('diff depth carries U and u without pu, each U the previous u + 1; ccxt books equal the server book', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${venue.port}/stream?streams=ethusdt@depth@100ms`);
    const events: { U: number; u: number; pu?: number }[] = [];
    ws.on('message', (d) => events.push((JSON.parse(d.toString()) as { data: (typeof events)[0] }).data));
    try {
      await until('10 depth events', () => events.length >= 10);
      expect(events.every((e) => e.pu === undefined && e.u >= e.U)).toBe(true);
      for (let i = 1; i < events.length; i++) expect(events[i].U).toBe(events[i - 1].u + 1);
    } finally {
      ws.close();
    }
    const snapshot = (await (await fetch(`${base()}/api/v3/depth?symbol=BTCUSDT&limit=5`)).json()) as Record<
      string,
      unknown
    >;
    expect(Object.keys(snapshot).sort()).toEqual(['asks', 'bids', 'lastUpdateId']);

    const first = await client.watchOrderBook(BTC);
    const start = first.nonce!;
    let last = start;
    while (last - start < 30) {
      const ob = await client.watchOrderBook(BTC);
      expect(ob.nonce!).toBeGreaterThanOrEqual(last);
      last = ob.nonce!;
    }
    await syncedBook(BTC);
    // The spot book is the perp's, event for event: zero basis.
    expect(book(BTC).bids.levels(5)).toEqual(
      loopback.exchange.book('binance', 'BTC/USDT:USDT').bids.levels(5),
    );
  });

  it('a skipped sequence breaks U = u + 1: ccxt raises ChecksumError and resyncs from a new snapshot', async () => {
    await syncedBook(BTC);
    venue.faults.apply({ skipSequence: true });
    let error: unknown;
    for (let i = 0; i < 50 && !error; i++) {
      try {
        await client.watchOrderBook(BTC);
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(ccxt.ChecksumError);
    await syncedBook(BTC);
  });

  it('a wrong secret is refused on REST (-1022) and on the WebSocket API user stream', async () => {
    const wrong = new ccxt.binance({ ...venue.config, apiKey: venue.credentials.apiKey, secret: 'not-it' });
    await expect(wrong.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    await expect(wrong.fetchBalance()).rejects.toThrow(/-1022/);
    const unknown = new ccxt.binance({ ...venue.config, apiKey: 'somebody-else', secret: 'x' });
    await expect(unknown.fetchBalance()).rejects.toThrow(/-2015/);
    // Raw, because ccxt 4.5.84 leaves its own auth future's rejection unhandled when the subscribe is refused.
    const refused = await subscribeUserStream('not-it');
    try {
      expect(refused.answer).toMatchObject({ status: 400, error: { code: -1022 } });
    } finally {
      refused.ws.close();
    }
  });

  it('refuses what the balance cannot pay for: a sell beyond the base held, a buy beyond the quote', async () => {
    const balance = await client.fetchBalance();
    expect(total(balance).BTC).toBe(Number(SPOT_START_BASE.BTC));
    const bid = book(BTC).bestBid;
    const tooMuch = Number(SPOT_START_BASE.BTC) + 1;
    const sell = client.createOrder(BTC, 'limit', 'sell', tooMuch, bid);
    await expect(sell).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
    await expect(client.createOrder(BTC, 'limit', 'sell', tooMuch, bid)).rejects.toThrow(
      /Account has insufficient balance for requested action/,
    );
    const usdt = total(balance).USDT;
    const buy = client.createOrder(BTC, 'limit', 'buy', Number(((usdt / bid) * 1.01).toFixed(3)), bid);
    await expect(buy).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
  });

  it('trades: fills on the user stream equal myTrades, balances move by exactly the fills and fees', async () => {
    const reports: Record<string, unknown>[] = [];
    const positions: Record<string, unknown>[] = [];
    const balance0 = await client.fetchBalance();
    // The raw user stream, as ccxt subscribes it: userDataStream.subscribe.signature on the WebSocket API.
    const stream = await subscribeUserStream(venue.credentials.secret, (event) => {
      if (event.e === 'executionReport') reports.push(event);
      if (event.e === 'outboundAccountPosition') positions.push(event);
    });
    expect(stream.answer).toMatchObject({ status: 200, result: { subscriptionId: expect.any(Number) } });
    try {
      // A taker buy, then a taker sell of part of it, then a resting buy cancelled.
      const ask = book(BTC).bestAsk;
      const buy = await client.createOrder(
        BTC,
        'limit',
        'buy',
        0.01,
        Number(client.priceToPrecision(BTC, ask * 1.002)),
        {
          timeInForce: 'IOC',
        },
      );
      expect(buy.status).toBe('closed');
      const bid = book(BTC).bestBid;
      const sell = await client.createOrder(
        BTC,
        'limit',
        'sell',
        0.004,
        Number(client.priceToPrecision(BTC, bid * 0.998)),
        {
          timeInForce: 'IOC',
        },
      );
      expect(sell.status).toBe('closed');
      const rest = await client.createOrder(
        BTC,
        'limit',
        'buy',
        0.002,
        Number(client.priceToPrecision(BTC, bid * 0.95)),
      );
      expect(rest.status).toBe('open');
      const locked = await client.fetchBalance();
      expect(part(locked, 'used').USDT).toBeGreaterThan(0);
      const cancelled = await client.cancelOrder(rest.id!, BTC);
      expect(cancelled.status).toBe('canceled');
      await until('the cancel on the user stream', () => reports.some((r) => r.x === 'CANCELED'));

      const trades = await client.fetchMyTrades(BTC);
      const streamed = reports.filter((r) => r.x === 'TRADE');
      expect(streamed.map((r) => [r.t, r.l, r.L, r.n, r.N])).toEqual(
        trades.map((t) => [
          Number(t.id),
          Number(t.amount).toFixed(8),
          Number(t.price).toFixed(8),
          Number(t.fee!.cost).toFixed(8),
          t.fee!.currency,
        ]),
      );
      expect(reports.filter((r) => r.i === Number(rest.id)).map((r) => r.X)).toEqual(['NEW', 'CANCELED']);
      expect(reports.find((r) => r.x === 'CANCELED')).toMatchObject({ C: rest.clientOrderId });

      const balance1 = await client.fetchBalance();
      const net = trades.reduce((s, t) => s + (t.side === 'buy' ? t.amount! : -t.amount!), 0);
      const cash = trades.reduce((s, t) => s + (t.side === 'buy' ? -t.cost! : t.cost!) - t.fee!.cost!, 0);
      expect(total(balance1).BTC - total(balance0).BTC).toBeCloseTo(net, 9);
      expect(total(balance1).USDT - total(balance0).USDT).toBeCloseTo(cash, 6);
      expect(part(balance1, 'used').USDT).toBe(0);
      for (const t of trades)
        expect(t.fee!.cost!).toBeCloseTo(t.cost! * Number(SPOT_ACCOUNT_FEE_RATES.taker), 8);
      // The last outboundAccountPosition is the account as REST reports it.
      const lastBtc = (positions.at(-1)!.B as { a: string; f: string }[]).find((b) => b.a === 'BTC')!;
      expect(Number(lastBtc.f)).toBeCloseTo(part(balance1, 'free').BTC, 9);
    } finally {
      stream.ws.close();
    }
  });

  /** Subscribe to the user data stream over the WebSocket API, signing with `secret`; events go to `onEvent`. */
  async function subscribeUserStream(
    secret: string,
    onEvent: (event: Record<string, unknown>) => void = () => undefined,
  ): Promise<{ ws: WebSocket; answer: unknown }> {
    const ws = new WebSocket(`ws://127.0.0.1:${venue.port}/ws-api/v3`);
    await new Promise((r) => ws.once('open', r));
    const params: Record<string, string | number> = {
      apiKey: venue.credentials.apiKey,
      timestamp: Date.now(),
    };
    const query = Object.keys(params)
      .sort()
      .map((k) => `${k}=${params[k]}`)
      .join('&');
    params.signature = createHmac('sha256', secret).update(query).digest('hex');
    const answer = new Promise<unknown>((resolve) =>
      ws.on('message', (d) => {
        const msg = JSON.parse(d.toString()) as { id?: string; event?: Record<string, unknown> };
        if (msg.id === 'sub') resolve(msg);
        if (msg.event) onEvent(msg.event);
      }),
    );
    ws.send(JSON.stringify({ id: 'sub', method: 'userDataStream.subscribe.signature', params }));
    return { ws, answer: await answer };
  }
});
