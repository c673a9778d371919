// The loopback Binance against a real, unmodified ccxt binanceusdm (REST) and ccxt.pro.binanceusdm (websockets).
import ccxt, { type Trade } from 'ccxt';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { str } from '../../source/core/money.ts';
import type { LoopbackVenue } from './faults.ts';
import { ACCOUNT_FEE_RATES } from './binance-account.ts';
import { startBinanceServer } from './binance-server.ts';
import { SimExchange } from './sim-exchange.ts';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
const SOL = 'SOL/USDT:USDT';

// ccxt's own typings: the class and the instance, with the ws client map its typings do not declare.
type Pro = InstanceType<typeof ccxt.pro.binanceusdm> & {
  clients: Record<string, { url: string; isConnected?: boolean }>;
};
type Book = Awaited<ReturnType<Pro['watchOrderBook']>>;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Run a ccxt watch method in a loop, keeping a copy of everything it delivers (ccxt updates its cached objects in
 * place), until the client closes. */
function collect<T>(watch: () => Promise<T[]>): { items: T[] } {
  const out = { items: [] as T[] };
  void (async () => {
    for (let i = 0; i < 10_000; i++) {
      try {
        out.items.push(...(await watch()).map((x) => ({ ...x })));
      } catch (e) {
        if (e instanceof ccxt.ExchangeClosedByUser) return;
        await sleep(50);
      }
    }
  })();
  return out;
}

describe('loopback Binance USDⓈ-M through ccxt', () => {
  let exchange: SimExchange;
  let venue: LoopbackVenue;
  let client: Pro;
  let account: string;
  const extraClients: { close(): Promise<unknown> }[] = [];
  const base = () => `http://127.0.0.1:${venue.port}`;

  /** Watch until the ccxt book has caught up with the server's (same nonce), then return both at that instant. */
  async function syncedBook(c: Pro, symbol: string, timeoutMs = 10_000): Promise<Book> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (Date.now() > end) throw new Error(`ccxt book of ${symbol} never caught up`);
      let ob: Book;
      try {
        ob = await c.watchOrderBook(symbol);
      } catch {
        // After a gap ccxt hands every watch the same rejected future until its resync completes: do not spin.
        await sleep(20);
        continue;
      }
      if (ob.nonce === exchange.book('binance', symbol).seq) {
        expectSameBook(ob, symbol);
        return ob;
      }
    }
  }

  /** Sorted, uncrossed, and level for level what the SimExchange holds (top 20), with no await in between. */
  function expectSameBook(ob: Book, symbol: string): void {
    const book = exchange.book('binance', symbol);
    const bids = ob.bids.slice(0, 20).map(([p, s]) => [p!, s!]);
    const asks = ob.asks.slice(0, 20).map(([p, s]) => [p!, s!]);
    for (let i = 1; i < bids.length; i++) expect(bids[i][0]).toBeLessThan(bids[i - 1][0]);
    for (let i = 1; i < asks.length; i++) expect(asks[i][0]).toBeGreaterThan(asks[i - 1][0]);
    expect(bids[0][0]).toBeLessThan(asks[0][0]);
    expect(bids).toEqual(book.bids.levels(20));
    expect(asks).toEqual(book.asks.levels(20));
  }

  beforeAll(async () => {
    exchange = new SimExchange({ seed: 3, speed: 1, updatesPerSecond: 100 });
    exchange.start();
    venue = await startBinanceServer(exchange);
    account = venue.credentials.apiKey;
    client = new ccxt.pro.binanceusdm({ ...venue.config, ...venue.credentials }) as Pro;
    await client.loadMarkets();
  });

  afterAll(async () => {
    await Promise.allSettled([client?.close(), ...extraClients.map((c) => c.close())]);
    await venue?.close();
    exchange?.stop();
  });

  it('points every url ccxt knows at the loopback server', () => {
    const urls: string[] = [];
    const walk = (v: unknown) => {
      if (typeof v === 'string') urls.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    const u = client.urls as Record<string, unknown>;
    walk([u.api, u.test, u.demo]);
    expect(urls.length).toBeGreaterThan(30);
    for (const url of urls)
      expect(url).toMatch(new RegExp(`^(http|ws)://127\\.0\\.0\\.1:${venue.port}/`, 'i'));
    expect(JSON.parse(JSON.stringify(venue.config))).toEqual(venue.config);
    expect(venue).toMatchObject({ name: 'binance', ccxt: 'binanceusdm' });
  });

  it('loadMarkets gives the three perps with the exchange filters as precision and limits', async () => {
    const info = (await (await fetch(`${base()}/fapi/v1/exchangeInfo`)).json()) as {
      symbols: { symbol: string; filters: Record<string, string>[] }[];
    };
    expect([...client.symbols].sort()).toEqual([BTC, ETH, SOL]);
    for (const symbol of [BTC, ETH, SOL]) {
      const m = client.market(symbol);
      const inst = exchange.instrument('binance', symbol)!;
      expect(m).toMatchObject({
        type: 'swap',
        swap: true,
        linear: true,
        settle: 'USDT',
        contractSize: 1,
        active: true,
      });
      expect(m.id).toBe(`${inst.base}USDT`);
      const raw = info.symbols.find((s) => s.symbol === m.id)!;
      const filter = (t: string) => raw.filters.find((f) => f.filterType === t)!;
      expect(m.precision.price).toBe(Number(filter('PRICE_FILTER').tickSize));
      expect(m.precision.amount).toBe(Number(filter('LOT_SIZE').stepSize));
      expect(m.precision).toMatchObject({ price: inst.tick, amount: inst.step });
      expect(m.limits.cost?.min).toBe(inst.minNotional);
      expect(m.limits.amount?.min).toBe(inst.step);
    }
    expect(client.priceToPrecision(BTC, 64000.123)).toBe('64000.1');
    expect(client.amountToPrecision(BTC, 0.0123456)).toBe('0.012');
    expect(client.priceToPrecision(ETH, 3400.12789)).toBe('3400.13');
    expect(client.amountToPrecision(SOL, 12.7)).toBe('12');
    expect(await client.fetchTime()).toBeGreaterThan(Date.now() - 5_000);
  });

  it('watchOrderBook stays in sync with the SimExchange book for 30+ updates', async () => {
    const first = await client.watchOrderBook(BTC);
    const start = first.nonce!;
    let last = start;
    while (last - start < 30) {
      const ob = await client.watchOrderBook(BTC);
      expect(ob.nonce!).toBeGreaterThanOrEqual(last);
      last = ob.nonce!;
    }
    await syncedBook(client, BTC);
    await syncedBook(client, ETH);
    const rest = await client.fetchOrderBook(SOL, 5);
    expect(rest.bids).toHaveLength(5);
    expect(rest.nonce).toBeGreaterThan(0);
  });

  it('watchTrades delivers the simulated trades; funding comes from premiumIndex and the markPrice stream', async () => {
    const published: { price: number; size: number; side: string }[] = [];
    const off = exchange.onMarket((ev) => {
      if (ev.kind === 'trade' && ev.venue === 'binance' && ev.symbol === BTC) published.push(ev);
    });
    try {
      const trades = await client.watchTrades(BTC);
      expect(trades.length).toBeGreaterThan(0);
      for (const t of trades) {
        expect(t.symbol).toBe(BTC);
        expect(t.id).toMatch(/^\d+$/);
        expect(published.some((p) => p.price === t.price && p.size === t.amount && p.side === t.side)).toBe(
          true,
        );
      }
    } finally {
      off();
    }
    const f = await client.fetchFundingRate(BTC);
    const sim = exchange.fundingOf('binance', BTC)!;
    expect(f.fundingRate).toBeCloseTo(Number(sim.rate), 10);
    expect(f.fundingTimestamp).toBe(sim.nextFundingTs);
    expect(f.fundingTimestamp!).toBeGreaterThan(Date.now());
    expect(f.markPrice).toBeGreaterThan(0);
    // ccxt.pro binanceusdm has no watchFundingRate; watchMarkPrice carries the rate (r) and next funding time (T).
    const mp = await client.watchMarkPrice(BTC);
    expect(mp.markPrice).toBeGreaterThan(0);
    expect(Number((mp.info as { r: string }).r)).toBeCloseTo(
      Number(exchange.fundingOf('binance', BTC)!.rate),
      10,
    );
    expect((mp.info as { T: number }).T).toBe(exchange.fundingOf('binance', BTC)!.nextFundingTs);
  });

  it('trades an order lifecycle: resting, cancelled, filled, partially filled, rejected; REST and websocket agree', async () => {
    const orders = collect(() => client.watchOrders());
    const myTrades = collect(() => client.watchMyTrades());
    await until('the user data stream', () =>
      Object.values(client.clients).some((c) => c.url.includes('listenKey=') && c.isConnected === true),
    );

    // A resting limit order, far enough below the touch not to fill.
    const bid = exchange.book('binance', BTC).bestBid;
    const resting = await client.createOrder(
      BTC,
      'limit',
      'buy',
      0.002,
      Number(client.priceToPrecision(BTC, bid * 0.99)),
    );
    expect(resting.status).toBe('open');
    expect(resting.filled).toBe(0);
    expect((await client.fetchOpenOrders(BTC)).map((o) => o.id)).toContain(resting.id!);
    expect(await client.fetchOrder(resting.id!, BTC)).toMatchObject({
      id: resting.id!,
      status: 'open',
      amount: 0.002,
    });
    const cancelled = await client.cancelOrder(resting.id!, BTC);
    expect(cancelled.status).toBe('canceled');
    expect((await client.fetchOpenOrders(BTC)).map((o) => o.id)).not.toContain(resting.id!);
    await expect(client.cancelOrder(resting.id!, BTC)).rejects.toBeInstanceOf(ccxt.OrderNotFound);

    // A market order that fills; its fills are the SimExchange's fills.
    const market = await client.createOrder(BTC, 'market', 'buy', 0.01);
    expect(market).toMatchObject({ status: 'closed', filled: 0.01, remaining: 0, type: 'market' });
    const simFills = (id: string) =>
      exchange.fills('binance', account).filter((f) => String(f.orderId) === id);
    const restTrades = async (id: string) => (await client.fetchMyTrades(BTC)).filter((t) => t.order === id);
    const view = (t: Trade) => [t.id, t.price, t.amount, t.fee?.cost, t.side, t.takerOrMaker];
    const simView = (id: string) =>
      simFills(id).map((f) => [
        String(f.tradeId),
        Number(f.price),
        Number(f.qty),
        Number(f.fee),
        f.side,
        f.liquidity,
      ]);
    expect(simFills(market.id!).length).toBeGreaterThan(0);
    expect((await restTrades(market.id!)).map(view)).toEqual(simView(market.id!));

    // An IOC larger than the size at its limit price: filled in part, the rest expires.
    let partial: Awaited<ReturnType<Pro['createOrder']>> | undefined;
    // ccxt's throttle holds an order ~200 ms, long enough for this fast book to move through the limit price: this
    // step uses an unthrottled REST client so the order lands on the book it was priced from.
    const fast = new ccxt.binanceusdm({ ...venue.config, ...venue.credentials, enableRateLimit: false });
    extraClients.push(fast);
    await fast.loadMarkets();
    for (let attempt = 0; attempt < 20 && !partial; attempt++) {
      const book = exchange.book('binance', BTC);
      const qty = Number(client.amountToPrecision(BTC, book.asks.sizes[0] + 1));
      const o = await fast.createOrder(BTC, 'limit', 'buy', qty, book.bestAsk, { timeInForce: 'IOC' });
      expect(['expired', 'closed']).toContain(o.status);
      if (o.filled! > 0 && o.filled! < qty) partial = o;
    }
    expect(partial).toBeDefined();
    expect(partial!.average).toBeLessThanOrEqual(partial!.price!);
    expect((await restTrades(partial!.id!)).map(view)).toEqual(simView(partial!.id!));

    // Rejections surface as ccxt exceptions.
    const ask = exchange.book('binance', BTC).bestAsk;
    await expect(
      client.createOrder(BTC, 'limit', 'buy', 0.002, Number(client.priceToPrecision(BTC, ask * 1.001)), {
        postOnly: true,
      }),
    ).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    // -4164 is in ccxt's linear-only table, which it selects by the host "fapi.binance.com": on any other host
    // (this loopback, a proxy) ccxt raises the generic ExchangeError for it.
    const small = client.createOrder(
      BTC,
      'limit',
      'buy',
      0.001,
      Number(client.priceToPrecision(BTC, bid * 0.99)),
    );
    await expect(small).rejects.toThrow(/"code":-4164/);
    await expect(small).rejects.toBeInstanceOf(ccxt.ExchangeError);
    await expect(
      client.createOrder(BTC, 'market', 'buy', 1, undefined, { reduceOnly: true }),
    ).rejects.toThrow(/-2022/);
    // More initial margin than the account has free (100 BTC at 20x is ~320k USDT of margin).
    await expect(
      client.createOrder(BTC, 'limit', 'buy', 100, Number(client.priceToPrecision(BTC, bid * 0.99))),
    ).rejects.toThrow(/"code":-2019/);
    // FOK that the book cannot fill at once: -5021, which binanceusdm maps to InvalidOrder on any host.
    await expect(
      client.createOrder(BTC, 'limit', 'buy', 0.002, Number(client.priceToPrecision(BTC, bid * 0.99)), {
        timeInForce: 'FOK',
      }),
    ).rejects.toBeInstanceOf(ccxt.InvalidOrder);

    // Account: a long position, fees paid, nothing realized yet.
    const fees = () => exchange.fills('binance', account).reduce((s, f) => s + Number(f.fee), 0);
    const simPos = exchange.positions('binance', account).find((p) => p.symbol === BTC)!;
    const positions = await client.fetchPositions([BTC]);
    expect(positions).toHaveLength(1);
    expect(positions[0]).toMatchObject({
      symbol: BTC,
      side: 'long',
      contracts: Number(str(simPos.qty)),
      marginMode: 'cross',
    });
    expect(positions[0].entryPrice).toBeCloseTo(Number(str(simPos.entry)), 6);
    let balance = await client.fetchBalance();
    const info = balance.info as Record<string, string>;
    expect(Number(info.totalWalletBalance)).toBeCloseTo(100_000 - fees(), 6);
    expect(balance.USDT.total).toBeCloseTo(
      Number(info.totalWalletBalance) + Number(info.totalUnrealizedProfit),
      6,
    );
    expect(balance.USDT.free! + balance.USDT.used!).toBeCloseTo(balance.USDT.total!, 6);

    // Close it reduce-only: flat again, and the wallet moved by exactly the realized PnL less fees.
    const close = await client.createOrder(BTC, 'market', 'sell', positions[0].contracts!, undefined, {
      reduceOnly: true,
    });
    expect(close).toMatchObject({ status: 'closed', filled: positions[0].contracts, reduceOnly: true });
    expect(await client.fetchPositions([BTC])).toHaveLength(0);
    const realized = (await client.fetchMyTrades(BTC)).reduce(
      (s, t) => s + Number((t.info as { realizedPnl: string }).realizedPnl),
      0,
    );
    balance = await client.fetchBalance();
    expect(Number((balance.info as Record<string, string>).totalWalletBalance)).toBeCloseTo(
      100_000 - fees() + realized,
      6,
    );
    expect(balance.USDT.total).toBeCloseTo(100_000 - fees() + realized, 6);

    // The account's own fee rates, not the market defaults ccxt puts on markets.
    const fee = await client.fetchTradingFee(BTC);
    expect(fee).toMatchObject({
      maker: Number(ACCOUNT_FEE_RATES.maker),
      taker: Number(ACCOUNT_FEE_RATES.taker),
    });
    expect(fee.taker).not.toBe(client.market(BTC).taker);

    // The user data stream told the same story.
    const allTrades = (await client.fetchMyTrades(BTC)).map(view);
    await until('every fill on watchMyTrades', () =>
      allTrades.every((t) => myTrades.items.some((w) => w.id === t[0])),
    );
    for (const t of allTrades) expect(view(myTrades.items.find((w) => w.id === t[0])!)).toEqual(t);
    const lastState = (id: string) => orders.items.filter((o) => o.id === id).at(-1);
    await until('final order states on watchOrders', () =>
      [resting, market, partial!, close].every((o) => lastState(o.id!)?.status !== 'open'),
    );
    expect(orders.items.find((o) => o.id === resting.id!)?.status).toBe('open');
    expect(lastState(resting.id!)).toMatchObject({ status: 'canceled', filled: 0 });
    expect(lastState(market.id!)).toMatchObject({ status: 'closed', filled: 0.01, type: 'market' });
    expect(lastState(partial!.id!)).toMatchObject({
      status: 'expired',
      filled: partial!.filled,
      timeInForce: 'IOC',
    });
    expect(lastState(close.id!)).toMatchObject({ status: 'closed', filled: close.filled, reduceOnly: true });
  });

  it('speaks the raw wire protocol: SUBSCRIBE replies, combined streams, pu continuity, user data events', async () => {
    // Combined stream URL with diff depth: every event's pu is the previous event's u.
    const ws = new WebSocket(`ws://127.0.0.1:${venue.port}/stream?streams=btcusdt@depth@100ms`);
    const events: { stream: string; data: { e: string; U: number; u: number; pu: number; b: string[][] } }[] =
      [];
    ws.on('message', (d) => events.push(JSON.parse(d.toString())));
    await until('10 combined depth events', () => events.length >= 10);
    for (let i = 1; i < events.length; i++) {
      expect(events[i].stream).toBe('btcusdt@depth@100ms');
      expect(events[i].data.e).toBe('depthUpdate');
      expect(events[i].data.pu).toBe(events[i - 1].data.u);
      expect(events[i].data.U).toBe(events[i - 1].data.u + 1);
    }
    ws.close();

    // A raw /ws connection subscribing by message: the {"result":null,"id"} reply comes first.
    const raw = new WebSocket(`ws://127.0.0.1:${venue.port}/ws`);
    const frames: Record<string, unknown>[] = [];
    raw.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((r) => raw.once('open', r));
    raw.send(
      JSON.stringify({ method: 'SUBSCRIBE', params: ['ethusdt@depth@0ms', 'ethusdt@bookTicker'], id: 7 }),
    );
    await until('real-time depth events', () => frames.filter((f) => f.e === 'depthUpdate').length >= 3);
    expect(frames[0]).toEqual({ result: null, id: 7 });
    raw.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 8 }));
    await until('the subscription list', () => frames.some((f) => f.id === 8));
    expect(frames.find((f) => f.id === 8)).toEqual({
      result: ['ethusdt@depth@0ms', 'ethusdt@bookTicker'],
      id: 8,
    });
    raw.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['not a stream'], id: 9 }));
    await until('an error frame', () => frames.some((f) => f.id === 9));
    expect(frames.find((f) => f.id === 9)).toMatchObject({ error: { code: 2 } });
    // Partial book depth: the top N levels, whole, on its own timer.
    raw.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['solusdt@depth5@100ms'], id: 10 }));
    await until('a partial depth event', () =>
      frames.some((f) => f.s === 'SOLUSDT' && f.e === 'depthUpdate'),
    );
    const partialDepth = frames.find((f) => f.s === 'SOLUSDT') as { b: unknown[]; a: unknown[] };
    expect(partialDepth.b).toHaveLength(5);
    expect(partialDepth.a).toHaveLength(5);
    raw.close();

    // The user data stream at /ws/<listenKey>: NEW, then TRADE fills with cumulative z, then EXPIRED.
    const key = (await (
      await fetch(`${base()}/fapi/v1/listenKey`, {
        method: 'POST',
        headers: { 'X-MBX-APIKEY': venue.credentials.apiKey },
      })
    ).json()) as { listenKey: string };
    const user = new WebSocket(`ws://127.0.0.1:${venue.port}/ws/${key.listenKey}`);
    const updates: {
      e: string;
      o?: Record<string, unknown>;
      a?: { B: unknown[]; P: Record<string, string>[] };
    }[] = [];
    user.on('message', (d) => updates.push(JSON.parse(d.toString())));
    await new Promise((r) => user.once('open', r));
    const book = exchange.book('binance', ETH);
    const qty = Number(client.amountToPrecision(ETH, book.asks.sizes[0] + 20));
    const order = await client.createOrder(ETH, 'limit', 'buy', qty, book.bestAsk, { timeInForce: 'IOC' });
    await until('the order to finish on the user stream', () =>
      updates.some((u) => u.o?.i === Number(order.id) && (u.o.X === 'EXPIRED' || u.o.X === 'FILLED')),
    );
    const mine = updates
      .filter((u) => u.e === 'ORDER_TRADE_UPDATE' && u.o!.i === Number(order.id))
      .map((u) => u.o!);
    expect(mine[0]).toMatchObject({
      x: 'NEW',
      X: 'NEW',
      s: 'ETHUSDT',
      S: 'BUY',
      o: 'LIMIT',
      f: 'IOC',
      z: '0.000',
      ps: 'BOTH',
      R: false,
    });
    const fills = mine.filter((o) => o.x === 'TRADE');
    let cum = 0;
    for (const f of fills) {
      cum += Number(f.l);
      expect(Number(f.z)).toBeCloseTo(cum, 9);
      expect(f).toMatchObject({ N: 'USDT', m: false, L: expect.any(String), n: expect.any(String) });
    }
    expect(mine.at(-1)).toMatchObject({
      x: order.filled === qty ? 'TRADE' : 'EXPIRED',
      z: order.info.executedQty,
    });
    if (fills.length > 0) {
      const acct = updates.filter((u) => u.e === 'ACCOUNT_UPDATE').at(-1)!;
      expect(acct.a!.P[0]).toMatchObject({ s: 'ETHUSDT', ps: 'BOTH', mt: 'cross' });
      expect(Number(acct.a!.P[0].pa)).toBeCloseTo(
        Number(str(exchange.positions('binance', account).find((p) => p.symbol === ETH)!.qty)),
        9,
      );
    }
    // The listen key: POST again returns the account's active key, PUT keeps it alive.
    const keyHeaders = { 'X-MBX-APIKEY': venue.credentials.apiKey };
    const again = await fetch(`${base()}/fapi/v1/listenKey`, { method: 'POST', headers: keyHeaders });
    expect(await again.json()).toEqual(key);
    const put = await fetch(`${base()}/fapi/v1/listenKey`, { method: 'PUT', headers: keyHeaders });
    expect(await put.json()).toEqual(key);
    user.close();
  });

  it('rejects bad signatures and unknown keys, rate-limits, 404s unknown paths, and takes faults over HTTP', async () => {
    const wrongSecret = new ccxt.binanceusdm({
      ...venue.config,
      apiKey: venue.credentials.apiKey,
      secret: 'not-the-secret',
    });
    const unknownKey = new ccxt.binanceusdm({ ...venue.config, apiKey: 'somebody-else', secret: 'x' });
    extraClients.push(wrongSecret, unknownKey);
    await expect(wrongSecret.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    await expect(wrongSecret.fetchBalance()).rejects.toThrow(/-1022/);
    await expect(unknownKey.fetchBalance()).rejects.toThrow(/-2015/);

    venue.faults.apply({ rateLimit: 1 });
    // ccxt maps HTTP 429 to DDoSProtection (RateLimitExceeded is its sibling, raised for -1003 on other statuses).
    await expect(client.fetchTime()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    expect(await client.fetchTime()).toBeGreaterThan(0);

    const notFound = await fetch(`${base()}/fapi/v1/nothingHere`);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({ code: -5000 });

    const bad = await fetch(`${base()}/__faults`, {
      method: 'POST',
      body: JSON.stringify({ rejectOrders: 'lots' }),
    });
    expect(bad.status).toBe(400);
    const ok = await fetch(`${base()}/__faults`, {
      method: 'POST',
      body: JSON.stringify({ rejectOrders: 1 }),
    });
    expect(await ok.json()).toMatchObject({ ok: true, faults: { rejectOrders: 1 } });
    await expect(client.createOrder(SOL, 'market', 'buy', 1)).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    const sol = await client.createOrder(SOL, 'market', 'buy', 1);
    expect(sol.status).toBe('closed');

    venue.faults.apply({ delayMs: 300 });
    const t0 = Date.now();
    await client.fetchTime();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    venue.faults.apply({ delayMs: 0 });

    // Hung cancels time out in the client and cancel nothing.
    const impatient = new ccxt.binanceusdm({ ...venue.config, ...venue.credentials, timeout: 1_000 });
    extraClients.push(impatient);
    await impatient.loadMarkets();
    const bid = exchange.book('binance', SOL).bestBid;
    const resting = await impatient.createOrder(
      SOL,
      'limit',
      'buy',
      1,
      Number(impatient.priceToPrecision(SOL, bid * 0.98)),
    );
    venue.faults.apply({ hangCancels: true });
    await expect(impatient.cancelOrder(resting.id!, SOL)).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    expect((await impatient.fetchOrder(resting.id!, SOL)).status).toBe('open');
    venue.faults.apply({ hangCancels: false });
    expect((await impatient.cancelOrder(resting.id!, SOL)).status).toBe('canceled');
  });

  it('survives dropped connections: the watch raises, the next watch reconnects and resyncs', async () => {
    await syncedBook(client, BTC);
    const pending = client.watchOrderBook(BTC);
    venue.faults.apply({ drop: true });
    await expect(pending).rejects.toBeInstanceOf(ccxt.NetworkError);
    await syncedBook(client, BTC);
  });

  it('skipSequence: ccxt sees pu !== previous u, raises ChecksumError, and resyncs from a new snapshot', async () => {
    await syncedBook(client, BTC);
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
    await syncedBook(client, BTC);
  });

  it('malformed frames: ccxt rejects the pending watch (a TypeError from its parser) but the stream carries on', async () => {
    await syncedBook(client, BTC);
    const pending = client.watchOrderBook(BTC);
    venue.faults.apply({ malformed: true });
    // ccxt logs the JSON.parse failure, hands the raw string to its handler, which throws on `'a' in message`;
    // that rejects every pending future on the connection. The subscription and the book survive.
    await expect(pending).rejects.toBeInstanceOf(TypeError);
    await syncedBook(client, BTC);
    const dialed = Object.keys(client.clients).filter((k) => k.includes('://'));
    expect(dialed.length).toBeGreaterThan(0);
    for (const url of dialed) expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:/i);
  });

  it('closing the listen key ends its user data streams and refuses it afterwards', async () => {
    const keyHeaders = { 'X-MBX-APIKEY': venue.credentials.apiKey };
    const { listenKey } = (await (
      await fetch(`${base()}/fapi/v1/listenKey`, { method: 'POST', headers: keyHeaders })
    ).json()) as { listenKey: string };
    const user = new WebSocket(`ws://127.0.0.1:${venue.port}/private/ws?listenKey=${listenKey}`);
    await new Promise((r) => user.once('open', r));
    const closed = new Promise<number>((r) => user.once('close', (code) => r(code)));
    expect(
      (await fetch(`${base()}/fapi/v1/listenKey`, { method: 'DELETE', headers: keyHeaders })).status,
    ).toBe(200);
    expect(await closed).toBe(1000);
    const refused = new WebSocket(`ws://127.0.0.1:${venue.port}/ws/${listenKey}`);
    const outcome = await new Promise<string>((r) => {
      refused.once('open', () => r('open'));
      refused.once('error', (e) => r(e.message));
    });
    expect(outcome).toMatch(/400/);
  });
});
