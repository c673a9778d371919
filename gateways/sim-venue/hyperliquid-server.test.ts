// A plain ccxt hyperliquid client (REST and pro/websockets) against the loopback Hyperliquid: no mocks.
import ccxt, { type OrderBook } from 'ccxt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Level } from '../../source/core/market-events.ts';
import { fx, mul, roundTo, str, ZERO } from '../../source/core/money.ts';
import {
  HYPERLIQUID_TEST_PRIVATE_KEY,
  startHyperliquidServer,
  type HyperliquidLoopbackVenue,
} from './hyperliquid-server.ts';
import { addressOf, signUserAction } from './hyperliquid-signing.ts';
import { SimExchange } from './sim-exchange.ts';

type Client = InstanceType<typeof ccxt.pro.hyperliquid>;

const BTC = 'BTC/USDC:USDC';
const ETH = 'ETH/USDC:USDC';
const SOL = 'SOL/USDC:USDC';
/** Keys for the tests' other signers: throwaway, never funded anywhere. */
const INTRUDER_KEY = '0x5c6c79ce6f4f918903e64869992c1e64ead2d579407190e0c2807df258c65b41';
const AGENT_KEY = '0xf92a5b0bbf6ce2a6ac163396fcfcad3ae1f032b5ba39b4a98111734e73fb21e1';

let exchange: SimExchange;
let venue: HyperliquidLoopbackVenue;
let client: Client;
let wallet: string;
const clients: { close(): Promise<unknown> }[] = [];
/** The SimExchange's hyperliquid BTC book (top 20) after each update, by its timestamp. */
const simBooks = new Map<number, { bids: Level[]; asks: Level[] }>();

function newClient(overrides: Record<string, unknown> = {}): Client {
  const c = new ccxt.pro.hyperliquid({
    ...venue.config,
    ...venue.credentials,
    // ccxt spaces /info calls 1 s apart (Hyperliquid's weight budget); the tests need no such spacing
    enableRateLimit: false,
    ...overrides,
  });
  clients.push(c);
  return c;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Watch the BTC book until a snapshot whose moment the SimExchange recorded arrives; return both. */
async function bookMatchingSim(c: Client) {
  for (let i = 0; i < 50; i++) {
    const ob = await c.watchOrderBook(BTC);
    const sim = simBooks.get(ob.timestamp!);
    if (sim) return { ob, sim };
  }
  throw new Error('no l2Book snapshot matched a recorded SimExchange book');
}

function expectSameBook(ob: OrderBook, sim: { bids: Level[]; asks: Level[] }): void {
  expect(ob.bids.slice(0, 20).map(([p, s]) => [p, s])).toEqual(sim.bids);
  expect(ob.asks.slice(0, 20).map(([p, s]) => [p, s])).toEqual(sim.asks);
}

function farBelow(price: number | undefined): number {
  return Number(client.priceToPrecision(BTC, price! * 0.97));
}

beforeAll(async () => {
  exchange = new SimExchange({ seed: 3, speed: 1, updatesPerSecond: 100 });
  exchange.onMarket((ev) => {
    if (ev.venue !== 'hyperliquid' || ev.symbol !== BTC || ev.kind !== 'book') return;
    const book = exchange.book('hyperliquid', BTC);
    simBooks.set(book.ts, { bids: book.bids.levels(20), asks: book.asks.levels(20) });
    if (simBooks.size > 2_000) simBooks.delete(simBooks.keys().next().value!);
  });
  exchange.start();
  venue = await startHyperliquidServer(exchange);
  wallet = venue.credentials.walletAddress;
  client = newClient();
  // ccxt opens a plain ws:// url only with this agent loaded
  await client.loadHttpProxyAgent();
});

afterAll(async () => {
  for (const c of clients) await c.close();
  await venue?.close();
  exchange?.stop();
});

describe('loopback Hyperliquid with a plain ccxt client', () => {
  it('serves the perp universe with Hyperliquid precision rules', async () => {
    const markets = await client.loadMarkets();
    expect(Object.keys(markets).sort()).toEqual([BTC, ETH, SOL]);
    const btc = markets[BTC]!;
    expect(btc.id).toBe('0');
    expect(markets[ETH]!.id).toBe('1');
    expect(markets[SOL]!.id).toBe('2');
    expect(btc.swap && btc.linear && btc.settle === 'USDC').toBe(true);
    // amount precision is szDecimals
    expect(btc.precision.amount).toBe(0.00001);
    expect(markets[ETH]!.precision.amount).toBe(0.0001);
    expect(markets[SOL]!.precision.amount).toBe(0.01);
    // price: 5 significant figures, at most 6 - szDecimals decimals
    expect(btc.precision.price).toBe(1);
    expect(markets[ETH]!.precision.price).toBe(0.1);
    expect(markets[SOL]!.precision.price).toBe(0.01);
    expect(client.priceToPrecision(BTC, 64000.7)).toBe('64001');
    expect(client.priceToPrecision(ETH, 3400.06)).toBe('3400.1');
    expect(client.priceToPrecision(SOL, 150.123)).toBe('150.12');
    expect(btc.limits.cost?.min).toBe(10);
    expect(btc.limits.leverage?.max).toBe(40);
    // market fees are ccxt's defaults; the account's own rates come from userFees
    expect([btc.maker, btc.taker]).toEqual([0.00015, 0.00045]);
    const fee = await client.fetchTradingFee(BTC);
    expect([fee.maker, fee.taker]).toEqual([0.0001, 0.0004]);
  });

  it('streams whole l2Book snapshots equal to the simulated book, trades and funding', async () => {
    const { ob, sim } = await bookMatchingSim(client);
    expect(ob.bids.length).toBe(20);
    expect(ob.asks.length).toBe(20);
    for (let i = 1; i < 20; i++) {
      expect(ob.bids[i][0]).toBeLessThan(ob.bids[i - 1][0]!);
      expect(ob.asks[i][0]).toBeGreaterThan(ob.asks[i - 1][0]!);
    }
    expect(ob.bids[0][0]).toBeLessThan(ob.asks[0][0]!);
    expectSameBook(ob, sim);

    const trades = await client.watchTrades(BTC);
    expect(trades.length).toBeGreaterThan(0);
    for (const t of trades) {
      expect(t.symbol).toBe(BTC);
      expect(['buy', 'sell']).toContain(t.side);
      expect(t.amount).toBeGreaterThan(0);
      expect(Math.abs(t.price! / ob.bids[0][0]! - 1)).toBeLessThan(0.01);
    }

    const before = exchange.fundingOf('hyperliquid', ETH)!.rate;
    const rate = await client.fetchFundingRate(ETH);
    const after = exchange.fundingOf('hyperliquid', ETH)!.rate;
    expect([Number(before), Number(after)]).toContain(rate.fundingRate);
    expect(rate.interval).toBe('1h');
    expect(rate.markPrice).toBeGreaterThan(0);
    const rates = await client.fetchFundingRates();
    expect(Object.keys(rates).sort()).toEqual([BTC, ETH, SOL]);
    const ticker = await client.watchTicker(SOL);
    expect(ticker.symbol).toBe(SOL);
    expect(ticker.info.funding).toBe(exchange.fundingOf('hyperliquid', SOL)!.rate);
  });

  it('runs the order lifecycle: resting, cancelled, filled, partially filled, rejected', async () => {
    const myTrades = client.watchMyTrades(BTC);
    const orderUpdates = client.watchOrders(BTC);
    await sleep(200);

    // a resting Gtc limit with a client order id
    const cloid = '0x' + 'a1'.repeat(16);
    const top = await client.fetchOrderBook(BTC);
    const restPx = farBelow(top.bids[0][0]);
    const resting = await client.createOrder(BTC, 'limit', 'buy', 0.001, restPx, { clientOrderId: cloid });
    expect(resting.id).toBeDefined();
    expect(resting.clientOrderId).toBe(cloid);
    const opened = await orderUpdates;
    expect(opened.find((o) => o.id === resting.id)?.status).toBe('open');
    const open = await client.fetchOpenOrders(BTC);
    const listed = open.find((o) => o.id === resting.id)!;
    expect(listed).toMatchObject({
      status: 'open',
      price: restPx,
      amount: 0.001,
      side: 'buy',
      clientOrderId: cloid,
    });
    const byCloid = await client.fetchOrder('', BTC, { clientOrderId: cloid });
    expect(byCloid.id).toBe(resting.id);
    const cancelled = client.watchOrders(BTC);
    const cancel = await client.cancelOrder(resting.id!, BTC);
    expect(cancel!.status).toBe('success');
    expect((await cancelled).find((o) => o.id === resting.id)?.status).toBe('canceled');
    expect((await client.fetchOrder(resting.id!, BTC)).status).toBe('canceled');
    expect((await client.fetchOpenOrders(BTC)).some((o) => o.id === resting.id)).toBe(false);
    await expect(client.cancelOrder(resting.id!, BTC)).rejects.toBeInstanceOf(ccxt.OrderNotFound);

    // a market order: an Ioc limit at the best ask plus ccxt's 5 % slippage, filled at once
    const ask = (await client.fetchOrderBook(BTC)).asks[0][0]!;
    const market = await client.createOrder(BTC, 'market', 'buy', 0.002, ask);
    expect(market.filled).toBe(0.002);
    expect(market.average).toBeGreaterThan(0);
    const filled = await myTrades;
    // ccxt's websocket trade parser reads no taker flag; the order id and fee are there
    const mine = filled.find((t) => t.order === market.id)!;
    expect(mine).toMatchObject({ symbol: BTC, side: 'buy', fee: { currency: 'USDC' } });
    expect(mine.info.crossed).toBe(true);

    // a partially filled Ioc: more than the best ask level holds, limited to its price
    let partial: { id: string; amount: number } | undefined;
    for (let attempt = 0; attempt < 10 && !partial; attempt++) {
      const book = exchange.book('hyperliquid', BTC);
      const amount = Number(client.amountToPrecision(BTC, book.asks.sizes[0] + 0.05));
      try {
        const o = await client.createOrder(BTC, 'limit', 'buy', amount, book.bestAsk, { timeInForce: 'Ioc' });
        if (o.filled! > 0 && o.filled! < amount) partial = { id: o.id!, amount };
      } catch (e) {
        // the ask moved up before the order arrived: nothing to match, try again
        expect(e).toBeInstanceOf(ccxt.InvalidOrder);
        expect(String(e)).toContain('could not immediately match');
      }
    }
    expect(partial).toBeDefined();
    const partialOrder = await client.fetchOrder(partial!.id, BTC);
    expect(partialOrder.status).toBe('canceled');
    expect(partialOrder.amount).toBe(partial!.amount);
    expect(partialOrder.filled).toBeGreaterThan(0);
    expect(partialOrder.remaining).toBeGreaterThan(0);

    // rejected: a price Hyperliquid does not accept, sent raw and signed by ccxt itself
    // (ccxt's own priceToPrecision would never send it)
    for (const [asset, p] of [
      [0, '63000.5'],
      [1, '3400.55'],
      [2, '150.123'],
    ] as const) {
      const action = {
        type: 'order',
        orders: [{ a: asset, b: true, p, s: '1', r: false, t: { limit: { tif: 'Gtc' } } }],
        grouping: 'na',
      };
      const nonce = client.incrementingNonce();
      const signature = client.signL1Action(action, nonce);
      const sent = client.privatePostExchange({ action, nonce, signature });
      await expect(sent).rejects.toBeInstanceOf(ccxt.InvalidOrder);
      await expect(sent).rejects.toThrow('Price must be divisible by tick size');
    }
    // rejected by the rejectOrders fault, with the venue's own error
    venue.faults.apply({ rejectOrders: 1 });
    await expect(client.createOrder(BTC, 'market', 'buy', 0.001, ask)).rejects.toBeInstanceOf(
      ccxt.InsufficientFunds,
    );
    // below the $10 minimum
    await expect(client.createOrder(BTC, 'limit', 'buy', 0.0001, restPx)).rejects.toThrow(
      'minimum value of $10',
    );

    // the same order path over the websocket's post requests
    const wsCloid = '0x' + 'b2'.repeat(16);
    const wsOrder = await client.createOrderWs(BTC, 'limit', 'buy', 0.001, restPx, {
      clientOrderId: wsCloid,
    });
    expect(wsOrder.id).toBeDefined();
    expect((await client.fetchOrder(wsOrder.id!, BTC)).status).toBe('open');
    // cancelled by its client order id (cancelByCloid)
    const wsCancel = await client.cancelOrderWs('', BTC, { clientOrderId: wsCloid });
    expect(wsCancel!.status).toBe('success');
    expect((await client.fetchOrder(wsOrder.id!, BTC)).status).toBe('canceled');

    // fetchMyTrades is the SimExchange's fills, with fees at the account's own rates
    const simFills = exchange.fills('hyperliquid', wallet);
    const trades = (await client.fetchMyTrades(BTC)).sort((a, b) => Number(a.id) - Number(b.id));
    expect(trades.map((t) => t.id)).toEqual(simFills.map((f) => String(f.tradeId)));
    simFills.forEach((f, i) => {
      const t = trades[i];
      expect(t.order).toBe(String(f.orderId));
      expect([t.side, t.price, t.amount, t.takerOrMaker]).toEqual([
        f.side,
        Number(f.price),
        Number(f.qty),
        f.liquidity,
      ]);
      const rate = f.liquidity === 'taker' ? '0.0004' : '0.0001';
      expect(t.fee!.cost).toBe(Number(str(roundTo(mul(mul(fx(f.qty), fx(f.price)), fx(rate)), 6))));
      expect(t.fee!.currency).toBe('USDC');
    });

    // balance and position follow the fills
    let qty = ZERO;
    let cash = fx('100000');
    let cost = ZERO;
    for (const f of simFills) {
      const signed = f.side === 'buy' ? fx(f.qty) : -fx(f.qty);
      qty += signed;
      cost += mul(signed, fx(f.price));
      const rate = f.liquidity === 'taker' ? '0.0004' : '0.0001';
      cash -= mul(signed, fx(f.price)) + roundTo(mul(mul(fx(f.qty), fx(f.price)), fx(rate)), 6);
    }
    const balance = await client.fetchBalance();
    expect(balance.info.marginSummary.totalRawUsd).toBe(str(cash));
    const mid = exchange.book('hyperliquid', BTC).mid;
    expect(Math.abs(balance.USDC.total! - Number(str(cash)) - Number(str(qty)) * mid)).toBeLessThan(
      Number(str(qty)) * mid * 0.002,
    );
    const positions = await client.fetchPositions([BTC]);
    expect(positions).toHaveLength(1);
    expect(positions[0]).toMatchObject({ symbol: BTC, side: 'long', contracts: Number(str(qty)) });
    expect(positions[0].entryPrice).toBeCloseTo(Number(str(cost)) / Number(str(qty)), 6);
  });

  it('refuses a request signed by another key and honours an approved agent', async () => {
    const intruder = newClient({ privateKey: INTRUDER_KEY });
    const px = farBelow((await client.fetchOrderBook(BTC)).bids[0][0]);
    const attempt = intruder.createOrder(BTC, 'limit', 'buy', 0.001, px);
    await expect(attempt).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    await expect(attempt).rejects.toThrow(`User or API Wallet ${addressOf(INTRUDER_KEY)} does not exist.`);
    expect((await client.fetchOpenOrders(BTC)).length).toBe(0);

    // the wallet approves an API wallet (a user-signed EIP-712 action); the agent may then trade for it
    const nonce = Date.now();
    const approve = {
      type: 'approveAgent',
      hyperliquidChain: 'Mainnet',
      signatureChainId: '0x66eee',
      agentAddress: addressOf(AGENT_KEY),
      agentName: 'tests',
      nonce,
    };
    const base = (venue.config.urls.api as { private: string }).private;
    const response = await fetch(`${base}/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        action: approve,
        nonce,
        signature: signUserAction(HYPERLIQUID_TEST_PRIVATE_KEY, approve),
      }),
    });
    expect(await response.json()).toEqual({ status: 'ok', response: { type: 'default' } });
    const agent = newClient({ privateKey: AGENT_KEY });
    const order = await agent.createOrder(BTC, 'limit', 'buy', 0.001, px);
    expect((await client.fetchOpenOrders(BTC)).map((o) => o.id)).toEqual([order.id]);
    await agent.cancelOrder(order.id!, BTC);
  });

  it('never receives a builder-fee approval or a referral from a client with the config options', async () => {
    const actions = venue.receivedActions();
    expect(actions).toContain('order');
    expect(actions).not.toContain('approveBuilderFee');
    expect(actions).not.toContain('setReferrer');
    // ccxt still names its builder on orders, at a zero fee
    expect(venue.builderFees().every((b) => b.fee === 0)).toBe(true);

    // control: a client with ccxt's default options approves a builder fee and sets a referrer at once
    const second = await startHyperliquidServer(exchange);
    try {
      const defaults = new ccxt.hyperliquid({
        urls: second.config.urls,
        options: { fetchMarkets: { types: ['swap'] } },
        ...second.credentials,
        enableRateLimit: false,
      });
      clients.push(defaults);
      await defaults.loadMarkets();
      expect(second.receivedActions()).toEqual(expect.arrayContaining(['approveBuilderFee', 'setReferrer']));
      const px = farBelow((await defaults.fetchOrderBook(BTC)).bids[0][0]);
      const order = await defaults.createOrder(BTC, 'limit', 'buy', 0.001, px);
      await defaults.cancelOrder(order.id!, BTC);
      // and charges 1 bp on every order
      expect(second.builderFees().at(-1)?.fee).toBe(10);
    } finally {
      await second.close();
    }
  });

  it('injects faults: rate limit, delay, hung cancels, the fault endpoint', async () => {
    venue.faults.apply({ rateLimit: 1 });
    const limited = client.fetchOrderBook(BTC);
    await expect(limited).rejects.toBeInstanceOf(ccxt.RateLimitExceeded);
    await expect(limited).rejects.toBeInstanceOf(ccxt.NetworkError);
    expect((await client.fetchOrderBook(BTC)).bids.length).toBe(20);

    venue.faults.apply({ delayMs: 300 });
    const t0 = Date.now();
    await client.fetchOrderBook(BTC);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    venue.faults.apply({ delayMs: 0 });

    const px = farBelow((await client.fetchOrderBook(BTC)).bids[0][0]);
    const order = await client.createOrder(BTC, 'limit', 'buy', 0.001, px);
    venue.faults.apply({ hangCancels: true });
    client.timeout = 1_000;
    await expect(client.cancelOrder(order.id!, BTC)).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    client.timeout = 10_000;
    venue.faults.apply({ hangCancels: false });
    // the unanswered cancel never reached the book
    expect((await client.fetchOpenOrders(BTC)).map((o) => o.id)).toContain(order.id);
    expect((await client.cancelOrder(order.id!, BTC))!.status).toBe('success');

    const base = (venue.config.urls.api as { public: string }).public;
    const posted = await fetch(`${base}/__faults`, {
      method: 'POST',
      body: JSON.stringify({ rateLimit: 1 }),
    });
    expect(posted.status).toBe(200);
    await expect(client.fetchOrderBook(BTC)).rejects.toBeInstanceOf(ccxt.RateLimitExceeded);
  });

  it('survives websocket faults: drop, malformed frames, a skipped book update', async () => {
    const url = (venue.config.urls.api as { ws: { public: string } }).ws.public;
    await client.watchOrderBook(BTC);
    const before = client.clients[url];

    // drop: the pending watch fails with a NetworkError (unless a frame got in first); the next one reconnects
    const pending = client.watchOrderBook(BTC).then(
      () => 'book',
      (e: unknown) => e,
    );
    venue.faults.apply({ drop: true });
    const outcome = await pending;
    if (outcome !== 'book') expect(outcome).toBeInstanceOf(ccxt.NetworkError);
    const again = await bookMatchingSim(client);
    expect(client.clients[url]).not.toBe(before);
    expectSameBook(again.ob, again.sim);

    // malformed: ccxt logs the JSON error, drops the frame and keeps the connection
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const connection = client.clients[url];
      venue.faults.apply({ malformed: true });
      await sleep(100);
      const next = await bookMatchingSim(client);
      expectSameBook(next.ob, next.sim);
      expect(client.clients[url]).toBe(connection);
      expect(connection.error).toBeUndefined();
      expect(log).toHaveBeenCalledWith(
        expect.any(Date),
        'onMessage JSON.parse',
        expect.any(SyntaxError),
        '|',
        url,
      );
    } finally {
      log.mockRestore();
    }

    // skipSequence: one l2Book push is withheld; the next whole snapshot is right again
    const skippedBefore = venue.skippedBookPushes();
    venue.faults.apply({ skipSequence: true });
    await sleep(300);
    expect(venue.skippedBookPushes()).toBeGreaterThan(skippedBefore);
    const after = await bookMatchingSim(client);
    expectSameBook(after.ob, after.sim);
  });
});
