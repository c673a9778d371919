// The loopback Bybit against a plain ccxt `bybit` built from its config, against raw HTTP and websockets, and against
// our gateway: book sync and resync, Bybit's signatures, and contracts on the wire versus base units in our Instrument.
import { createHmac } from 'node:crypto';
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Fill, OrderUpdate } from '../../source/core/trading.ts';
import { ZERO, fx, mul, type Fixed } from '../../source/core/money.ts';
import { createCcxtClient } from '../ccxt/client.ts';
import { CcxtExecution, type CcxtTradingClient } from '../ccxt/ccxt-execution.ts';
import { instrumentFromMarket, type CcxtMarket } from '../ccxt/instruments.ts';
import { bybitClientId } from '../ccxt/bybit-client-id.ts';
import { startLoopback, type Loopback } from './loopback.ts';
import type { LoopbackVenue } from './faults.ts';
import { sleep, until } from '../../test/wait.ts';

const SYMBOL = 'BTC/USDT:USDT';

interface PlainBybit {
  markets: Record<string, CcxtMarket & { id: string; contractSize?: number }>;
  loadMarkets(): Promise<unknown>;
  watchOrderBook(s: string): Promise<{ bids: number[][]; asks: number[][] }>;
  fetchBalance(): Promise<{ total: Record<string, number> }>;
  watchOrders(): Promise<unknown[]>;
  close(): Promise<unknown>;
}

let loopback: Loopback;
let venue: LoopbackVenue;
const base = () => `http://127.0.0.1:${venue.port}`;

beforeAll(async () => {
  loopback = await startLoopback({ seed: 5, speed: 1, updatesPerSecond: 200, venues: ['binance', 'bybit'] });
  venue = loopback.venues.find((v) => v.name === 'bybit')!;
});
afterAll(async () => {
  await loopback?.close();
});

function plainClient(extra: Record<string, unknown> = {}): PlainBybit {
  const Cls = (ccxt as unknown as { pro: Record<string, new (c: object) => PlainBybit> }).pro.bybit;
  return new Cls({ ...venue.config, ...extra });
}

/** A book equals the venue's on the top `n` levels a side. */
function equalsVenue(b: { bids: number[][]; asks: number[][] }, n = 10): boolean {
  const v = loopback.exchange.book('bybit', SYMBOL);
  const k = Math.min(n, v.bids.prices.length, v.asks.prices.length);
  if (k === 0 || b.bids.length < k || b.asks.length < k) return false;
  for (let i = 0; i < k; i++) {
    if (b.bids[i][0] !== v.bids.prices[i] || b.bids[i][1] !== v.bids.sizes[i]) return false;
    if (b.asks[i][0] !== v.asks.prices[i] || b.asks[i][1] !== v.asks.sizes[i]) return false;
  }
  return true;
}

/** Watch until one delivered book equals the venue's (the market moves on while we compare). */
async function syncedBook(client: PlainBybit): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) if (equalsVenue(await client.watchOrderBook(SYMBOL))) return;
  throw new Error('no delivered book equal to the venue within 10 s');
}

interface BookFrame {
  topic?: string;
  type?: string;
  op?: string;
  success?: boolean;
  data?: { u: number; seq: number; b: string[][]; a: string[][] };
}

/** A raw websocket on the public stream that records every frame. */
async function rawPublic(topics: string[]): Promise<{ ws: WebSocket; frames: BookFrame[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${venue.port}/v5/public/linear`);
  const frames: BookFrame[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as BookFrame));
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  ws.send(JSON.stringify({ op: 'subscribe', req_id: '1', args: topics }));
  return { ws, frames };
}

describe('loopback bybit: the public stream', () => {
  it('sends a snapshot, then deltas whose update id u follows on by one, and restarts at u = 1 after a drop', async () => {
    const { ws, frames } = await rawPublic(['orderbook.50.BTCUSDT']);
    try {
      const books = () => frames.filter((f) => f.topic === 'orderbook.50.BTCUSDT');
      await until('20 book frames', () => books().length >= 20);
      expect(frames[0]).toMatchObject({ success: true, op: 'subscribe' });
      const [first, ...rest] = books();
      expect(first.type).toBe('snapshot');
      expect(first.data!.b.length).toBeGreaterThan(10);
      expect(rest.every((f) => f.type === 'delta')).toBe(true);
      rest.forEach((f, i) => expect(f.data!.u).toBe((i === 0 ? first : rest[i - 1]).data!.u + 1));
      // seq is the cross sequence: it only grows.
      expect(rest.every((f, i) => f.data!.seq >= (i === 0 ? first : rest[i - 1]).data!.seq)).toBe(true);
    } finally {
      ws.close();
    }
    venue.faults.apply({ drop: true });
    const again = await rawPublic(['orderbook.50.BTCUSDT']);
    try {
      await until('a snapshot after the restart', () => again.frames.some((f) => f.type === 'snapshot'));
      expect(again.frames.find((f) => f.type === 'snapshot')!.data!.u).toBe(1);
    } finally {
      again.ws.close();
    }
  });

  it('refuses a topic it does not serve and a second subscription to the same topic', async () => {
    const { ws, frames } = await rawPublic(['orderbook.7.BTCUSDT']);
    try {
      await until('the answer', () => frames.length >= 1);
      expect(frames[0]).toMatchObject({ success: false, op: 'subscribe' });
      ws.send(JSON.stringify({ op: 'subscribe', req_id: '2', args: ['publicTrade.BTCUSDT'] }));
      ws.send(JSON.stringify({ op: 'subscribe', req_id: '3', args: ['publicTrade.BTCUSDT'] }));
      await until('two more answers', () => frames.filter((f) => f.op === 'subscribe').length >= 3);
      const answers = frames.filter((f) => f.op === 'subscribe');
      expect(answers.map((f) => f.success)).toEqual([false, true, false]);
    } finally {
      ws.close();
    }
  });
});

describe('loopback bybit: a plain ccxt bybit', () => {
  it('loads the linear perps and keeps a book equal to the venue, also after a forced resync', async () => {
    const plain = plainClient();
    try {
      await plain.loadMarkets();
      expect(plain.markets[SYMBOL]).toMatchObject({ id: 'BTCUSDT', contractSize: 1, linear: true });
      await syncedBook(plain);
    } finally {
      await plain.close();
    }
    // Our gateway's client checks update ids: a lost delta is an error, then a new snapshot makes the book right.
    const ours = (await createCcxtClient({
      ccxt: 'bybit',
      urls: venue.config.urls,
      options: venue.config.options,
    })) as unknown as PlainBybit;
    try {
      await syncedBook(ours);
      venue.faults.apply({ skipSequence: true });
      let gap: Error | undefined;
      const deadline = Date.now() + 5_000;
      while (!gap && Date.now() < deadline)
        await ours.watchOrderBook(SYMBOL).catch((e: Error) => {
          gap = e;
        });
      expect(gap?.constructor.name).toBe('InvalidNonce');
      expect(gap?.message).toMatch(/update id gap on orderbook\.50\.BTCUSDT/);
      await syncedBook(ours);
    } finally {
      await ours.close();
    }
  });

  it('trades with the right keys and is refused with a wrong secret, on REST and on the private stream', async () => {
    const good = plainClient(venue.credentials);
    const bad = plainClient({ apiKey: venue.credentials.apiKey, secret: 'not-the-secret' });
    try {
      expect((await good.fetchBalance()).total.USDT).toBeGreaterThan(0);
      await expect(bad.fetchBalance()).rejects.toThrow(/10004|error sign/);
      // The websocket login signs "GET/realtime" + expires with the secret; a wrong one is refused. (Markets are
      // loaded before the keys are set, and the account type is given, so ccxt asks the stream and not REST.)
      const badStream = plainClient({
        options: { ...venue.config.options, enableUnifiedAccount: true, enableUnifiedMargin: false },
      });
      await badStream.loadMarkets();
      Object.assign(badStream, { apiKey: venue.credentials.apiKey, secret: 'not-the-secret' });
      try {
        await expect(
          Promise.race([badStream.watchOrders(), sleep(5_000).then(() => 'no answer')]),
        ).rejects.toThrow(/Invalid sign/);
      } finally {
        await badStream.close();
      }
    } finally {
      await good.close();
      await bad.close();
    }
  });
});

describe('loopback bybit: signatures as Bybit specifies them', () => {
  const get = async (query: string, sign: (payload: string) => string) => {
    const ts = String(Date.now());
    const { apiKey } = venue.credentials;
    const res = await fetch(`${base()}/v5/account/fee-rate?${query}`, {
      headers: {
        'X-BAPI-API-KEY': apiKey,
        'X-BAPI-TIMESTAMP': ts,
        'X-BAPI-RECV-WINDOW': '5000',
        'X-BAPI-SIGN': sign(ts + apiKey + '5000' + query),
      },
    });
    return (await res.json()) as { retCode: number; retMsg: string; result: { list?: unknown[] } };
  };
  const hmac = (secret: string) => (payload: string) =>
    createHmac('sha256', secret).update(payload).digest('hex');

  it('accepts HMAC-SHA256(timestamp + apiKey + recvWindow + query) and refuses anything else', async () => {
    const query = 'category=linear&symbol=BTCUSDT';
    const ok = await get(query, hmac(venue.credentials.secret));
    expect(ok.retCode).toBe(0);
    expect(ok.result.list).toEqual([{ symbol: 'BTCUSDT', takerFeeRate: '0.00055', makerFeeRate: '0.0002' }]);
    expect((await get(query, hmac('wrong'))).retCode).toBe(10004);
    // The signature covers the query: the same signature on another query is refused.
    const signedOther = hmac(venue.credentials.secret);
    const res = await get('category=linear&symbol=ETHUSDT', (p) =>
      signedOther(p.replace('ETHUSDT', 'BTCUSDT')),
    );
    expect(res.retCode).toBe(10004);
  });

  it('answers in the v5 envelope, and refuses a category it does not serve', async () => {
    const res = await fetch(`${base()}/v5/market/instruments-info?category=spot`);
    const body = (await res.json()) as { retCode: number; retMsg: string; result: unknown; time: number };
    expect(body.retCode).toBe(10001);
    expect(body.result).toEqual({});
    expect(typeof body.time).toBe('number');
  });
});

describe('loopback bybit: contracts on the wire, base units in our Instrument', () => {
  it('client order ids are Bybit orderLinkIds: ours when allowed, else a readable head and a hash, ≤ 36 of [A-Za-z0-9_-]', () => {
    expect(bybitClientId('arb-btc-17')).toBe('arb-btc-17');
    const long = bybitClientId('a-very-long-strategy-name-for-eth-and-sol-123456');
    expect(long).toMatch(/^[A-Za-z0-9_-]{1,36}$/);
    expect(long.startsWith('a-very-long-strategy-na')).toBe(true);
    expect(bybitClientId('x:y.z/1')).toMatch(/^x_y_z_1-[0-9a-f]{12}$/);
    expect(bybitClientId('x:y.z/1')).not.toBe(bybitClientId('x.y:z/1'));
  });

  /** Our gateway on the loopback, with ccxt's market for BTC told that one contract is `size` BTC. */
  async function trade(size: number, id: string, baseQty: number) {
    const client = (await createCcxtClient({
      ccxt: 'bybit',
      urls: venue.config.urls,
      options: venue.config.options,
      credentials: venue.credentials,
    })) as unknown as CcxtTradingClient & PlainBybit & { enableRateLimit: boolean };
    client.enableRateLimit = false;
    await client.loadMarkets();
    const market = client.markets[SYMBOL];
    market.contractSize = size;
    const inst = instrumentFromMarket('bybit', market);
    const exec = new CcxtExecution({
      venue: 'bybit',
      client,
      instruments: [inst],
      venueClientId: bybitClientId,
    });
    const fills: Fill[] = [];
    const updates: OrderUpdate[] = [];
    exec.setListener({ onFill: (f) => fills.push(f), onOrderUpdate: (u) => updates.push(u) });
    await exec.connect();
    const running = exec.run();
    try {
      await sleep(300);
      const ask = loopback.exchange.book('bybit', SYMBOL).bestAsk;
      exec.submit(
        {
          clientOrderId: id,
          strategy: 'contracts',
          venue: 'bybit',
          symbol: SYMBOL,
          side: 'buy',
          qty: baseQty,
          price: Math.round(ask * 1.003 * 10) / 10,
          tif: 'IOC',
          reduceOnly: false,
          decisionPrice: ask,
          tag: 'test',
        },
        Date.now(),
      );
      await until('the order done', () =>
        updates.some((u) => u.clientOrderId === id && ['filled', 'cancelled', 'rejected'].includes(u.status)),
      );
      await until('its fills', () => fills.some((f) => f.orderId === id));
      await sleep(300);
      const onVenue = loopback.exchange.order('bybit', venue.credentials.apiKey, { clientOrderId: id })!;
      const venueFilled = loopback.exchange
        .fills('bybit', venue.credentials.apiKey)
        .filter((f) => f.clientOrderId === id)
        .reduce((s: Fixed, f) => s + fx(f.qty), ZERO);
      const ours = fills.filter((f) => f.orderId === id).reduce((s: Fixed, f) => s + f.qty, ZERO);
      // The venue's position is in its units (contracts); the streamed one we keep must be that times the size.
      const held = loopback.exchange
        .positions('bybit', venue.credentials.apiKey)
        .find((p) => p.symbol === SYMBOL)!;
      const venuePosition = Number(held.qty) / 1e18;
      await until(
        'the streamed position in base units',
        () => Math.abs((exec.positions.get(SYMBOL) ?? 0) - venuePosition * size) < 1e-9,
      );
      return { inst, onVenue, venueFilled, ours, venuePosition, position: exec.positions.get(SYMBOL)! };
    } finally {
      exec.stop();
      await client.close();
      await Promise.race([running, sleep(2_000)]);
    }
  }

  it('contract size 1 (Bybit linear): the quantity on the wire is ours', async () => {
    const r = await trade(1, 'size-one', 0.002);
    expect(r.inst.step).toBe(0.001);
    expect(r.onVenue.qty).toBe(0.002);
    expect(r.ours).toBe(r.venueFilled);
    expect(r.position).toBeCloseTo(r.venuePosition, 12);
  });

  it('contract size 0.01: the wire carries contracts, our Instrument, fills and position carry BTC', async () => {
    const r = await trade(0.01, 'size-hundredth', 0.002);
    // The venue's step is 0.001 contracts = 0.00001 BTC.
    expect(r.inst.step).toBe(0.00001);
    expect(r.inst.amountDecimals).toBe(5);
    // 0.002 BTC went out as 0.2 contracts, and the venue's fills in contracts came back as BTC.
    expect(r.onVenue.qty).toBe(0.2);
    expect(r.venueFilled > ZERO).toBe(true);
    expect(r.ours).toBe(mul(r.venueFilled, fx('0.01')));
    // The streamed position (contracts on the wire) is in BTC too.
    expect(r.position).toBeCloseTo(r.venuePosition * 0.01, 12);
    expect(r.position).toBeLessThan(r.venuePosition);
  });
});
