// The loopback OKX against a real, unmodified ccxt `okx` (REST) and `ccxt.pro.okx` (websockets), built from nothing but
// the loopback's own config; and our gateway's contract-size conversion, seen on the wire and in our Instrument.
import { crc32 as zlibCrc32 } from 'node:zlib';
import ccxt from 'ccxt';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopbackVenue } from './faults.ts';
import { startLoopback, type Loopback } from './loopback.ts';
import { OKX_VENUE } from './okx-market.ts';
import { okxSign } from './okx-wire.ts';
import { CcxtExecution } from '../ccxt/ccxt-execution.ts';
import { instrumentFromMarket, type CcxtMarket } from '../ccxt/instruments.ts';
import { okxClientId } from '../ccxt/okx-client-id.ts';
import type { CcxtTradingClient } from '../ccxt/ccxt-execution.ts';
import type { OrderUpdate } from '../../source/core/trading.ts';

const BTC = 'BTC/USDT:USDT';
type Pro = InstanceType<typeof ccxt.pro.okx>;
type Book = Awaited<ReturnType<Pro['watchOrderBook']>>;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('loopback OKX through ccxt', () => {
  let loopback: Loopback;
  let venue: LoopbackVenue;
  let client: Pro;
  const book = () => loopback.exchange.book(OKX_VENUE, BTC);

  /** Watch until ccxt's book (in contracts) equals the server's book (in BTC) at 0.01 BTC a contract, top 20. */
  async function syncedBook(): Promise<Book> {
    let last: Book | undefined;
    await until('ccxt book equal to the venue', async () => {
      try {
        last = await client.watchOrderBook(BTC);
      } catch {
        return false;
      }
      const asBase = (side: [number, number][]) =>
        side.slice(0, 20).map(([p, c]) => [p, Number((c * 0.01).toFixed(8))]);
      return (
        JSON.stringify(asBase(last.bids as [number, number][])) === JSON.stringify(book().bids.levels(20)) &&
        JSON.stringify(asBase(last.asks as [number, number][])) === JSON.stringify(book().asks.levels(20))
      );
    });
    return last!;
  }

  beforeAll(async () => {
    loopback = await startLoopback({ seed: 7, speed: 1, updatesPerSecond: 100, venues: [OKX_VENUE] });
    venue = loopback.venues[0];
    client = new ccxt.pro.okx({ ...venue.config, ...venue.credentials });
    await client.loadMarkets();
  });

  afterAll(async () => {
    await client?.close();
    await loopback?.close();
  });

  it('is the okx class on swaps, every url on the loopback, contract values as OKX lists them', () => {
    expect(venue).toMatchObject({ name: 'okx', ccxt: 'okx' });
    const u = client.urls as { api: Record<string, string> };
    expect(u.api.rest).toBe(`http://127.0.0.1:${venue.port}`);
    expect(u.api.ws.toLowerCase()).toBe(`ws://127.0.0.1:${venue.port}/ws/v5`);
    expect(Object.keys(client.markets ?? {}).sort()).toEqual([
      'BTC/USDT:USDT',
      'ETH/USDT:USDT',
      'SOL/USDT:USDT',
    ]);
    expect(Object.values(client.markets ?? {}).map((m) => [m.id, m.contractSize])).toEqual(
      expect.arrayContaining([
        ['BTC-USDT-SWAP', 0.01],
        ['ETH-USDT-SWAP', 0.1],
        ['SOL-USDT-SWAP', 1],
      ]),
    );
    // The wire counts contracts (a lot is 0.01 of them); our Instrument counts BTC: one lot is 0.0001 BTC.
    const m = client.market(BTC);
    expect([m.precision.amount, m.limits.amount?.min]).toEqual([0.01, 0.01]);
    const inst = instrumentFromMarket('okx', m as unknown as CcxtMarket);
    expect([inst.step, inst.tick, inst.amountDecimals]).toEqual([0.0001, 0.1, 4]);
  });

  it('books: a snapshot, then updates chained by seqId with OKX checksums; ccxt keeps the venue book', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${venue.port}/ws/v5/public`);
    const frames: {
      action: string;
      data: { bids: string[][]; asks: string[][]; checksum: number; seqId: number; prevSeqId: number }[];
    }[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as (typeof frames)[0] & { arg?: { channel: string } };
      if (m.arg?.channel === 'books' && m.action) frames.push(m);
    });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'books', instId: 'ETH-USDT-SWAP' }] }));
    try {
      await until('12 book frames', () => frames.length >= 12);
      expect(frames[0].action).toBe('snapshot');
      expect(frames[0].data[0].prevSeqId).toBe(-1);
      // Our own book from the frames, checked against each frame's checksum with zlib's CRC-32.
      const bids = new Map<string, string>();
      const asks = new Map<string, string>();
      for (let i = 0; i < frames.length; i++) {
        const d = frames[i].data[0];
        if (i > 0) expect(d.prevSeqId).toBe(frames[i - 1].data[0].seqId);
        for (const [p, q] of d.bids)
          if (q === '0') bids.delete(p);
          else bids.set(p, q);
        for (const [p, q] of d.asks)
          if (q === '0') asks.delete(p);
          else asks.set(p, q);
        const b = [...bids].sort((x, y) => Number(y[0]) - Number(x[0])).slice(0, 25);
        const a = [...asks].sort((x, y) => Number(x[0]) - Number(y[0])).slice(0, 25);
        const parts: string[] = [];
        for (let k = 0; k < 25; k++) {
          if (k < b.length) parts.push(...b[k]);
          if (k < a.length) parts.push(...a[k]);
        }
        expect(zlibCrc32(parts.join(':')) | 0).toBe(d.checksum);
      }
    } finally {
      ws.close();
    }
    const ob = await syncedBook();
    expect(ob.bids[0][0]!).toBeLessThan(ob.asks[0][0]!);
    // Zero basis: the OKX book is the Binance perp's book, in contracts.
    expect(book().bids.levels(5)).toEqual(loopback.exchange.book('binance', BTC).bids.levels(5));
  });

  it('a lost update breaks the seqId chain: ccxt raises InvalidNonce, subscribes again and resyncs', async () => {
    await syncedBook();
    venue.faults.apply({ skipSequence: true });
    let error: unknown;
    for (let i = 0; i < 50 && !error; i++) {
      try {
        await client.watchOrderBook(BTC);
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(ccxt.InvalidNonce);
    await syncedBook();
  });

  it('a wrong secret or passphrase is refused on REST (50113, 50105) and at the websocket login (60009)', async () => {
    const wrong = new ccxt.okx({ ...venue.config, ...venue.credentials, secret: 'not-it' });
    await expect(wrong.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    await expect(wrong.fetchBalance()).rejects.toThrow(/50113/);
    const phrase = new ccxt.okx({ ...venue.config, ...venue.credentials, password: 'not-it' });
    await expect(phrase.fetchBalance()).rejects.toThrow(/50105/);
    const login = async (secret: string) => {
      const ws = new WebSocket(`ws://127.0.0.1:${venue.port}/ws/v5/private`);
      await new Promise((r) => ws.once('open', r));
      const answer = new Promise<unknown>((r) => ws.once('message', (d) => r(JSON.parse(d.toString()))));
      const timestamp = String(Date.now() / 1000);
      const args = [
        {
          apiKey: venue.credentials.apiKey,
          passphrase: venue.credentials.password,
          timestamp,
          sign: okxSign(secret, `${timestamp}GET/users/self/verify`),
        },
      ];
      ws.send(JSON.stringify({ op: 'login', args }));
      try {
        return await answer;
      } finally {
        ws.close();
      }
    };
    expect(await login('not-it')).toMatchObject({ event: 'error', code: '60009' });
    expect(await login(venue.credentials.secret)).toMatchObject({ event: 'login', code: '0' });
    // And the right keys through ccxt: the balance in USDT.
    expect((await client.fetchBalance()).total).toMatchObject({ USDT: 100000 });
  });

  it('our gateway sends BTC as contracts, with an OKX client id, and reads fills and positions back in BTC', async () => {
    const m = client.market(BTC) as unknown as CcxtMarket;
    const inst = instrumentFromMarket('okx', m);
    const exec = new CcxtExecution({
      venue: 'okx',
      client: client as unknown as CcxtTradingClient,
      instruments: [inst],
      venueClientId: okxClientId,
      streamedFeePaidNegative: true,
    });
    const updates: OrderUpdate[] = [];
    const fills: { qty: bigint; fee: bigint }[] = [];
    exec.setListener({ onOrderUpdate: (u) => updates.push(u), onFill: (f) => fills.push(f) });
    await exec.connect();
    const running = exec.run();
    try {
      await sleep(500);
      const req = {
        strategy: 's',
        venue: 'okx',
        symbol: BTC,
        side: 'buy' as const,
        reduceOnly: false,
        decisionPrice: 1,
        tag: 't',
      };
      exec.submit(
        {
          ...req,
          clientOrderId: 'rest-1',
          qty: 0.0123,
          price: Number(client.priceToPrecision(BTC, book().bestBid * 0.97)),
          tif: 'GTC',
        },
        Date.now(),
      );
      await until('resting', () => updates.some((u) => u.clientOrderId === 'rest-1' && u.status === 'open'));
      const pending = await client.fetchOpenOrders(BTC);
      expect(pending.map((o) => [o.clientOrderId, (o.info as { sz: string }).sz])).toEqual([
        [okxClientId('rest-1'), '1.23'],
      ]);
      expect(okxClientId('rest-1')).toMatch(/^[A-Za-z0-9]{1,32}$/);
      expect(loopback.exchange.openOrders(OKX_VENUE, venue.credentials.apiKey).map((o) => o.qty)).toEqual([
        0.0123,
      ]);
      expect(await exec.cancelAll([BTC])).toEqual([]);
      await until('cancelled', () =>
        updates.some((u) => u.clientOrderId === 'rest-1' && u.status === 'cancelled'),
      );

      exec.submit(
        {
          ...req,
          clientOrderId: 'take-1',
          qty: 0.02,
          price: Number(client.priceToPrecision(BTC, book().bestAsk * 1.002)),
          tif: 'IOC',
        },
        Date.now(),
      );
      await until('filled', () =>
        updates.some((u) => u.clientOrderId === 'take-1' && u.status === 'filled' && u.filledQty === 0.02),
      );
      await until('the fills', () => fills.reduce((s, f) => s + f.qty, 0n) === 2n * 10n ** 16n);
      // On the wire: 2 contracts; in our fills and position: 0.02 BTC; fees positive (paid) in our ledger.
      const trades = await client.fetchMyTrades(BTC);
      expect(trades.reduce((s, t) => s + Number((t.info as { fillSz: string }).fillSz), 0)).toBe(2);
      expect(fills.every((f) => f.fee > 0n)).toBe(true);
      await until('the streamed position', () => Math.abs((exec.positions.get(BTC) ?? 0) - 0.02) < 1e-12);
      const [pos] = await client.fetchPositions([BTC]);
      expect([pos.contracts, pos.side]).toEqual([2, 'long']);
    } finally {
      exec.stop();
      await Promise.race([running, sleep(1000)]);
    }
  });
});
