// Market data through ccxt pro: order books, trades and funding, with reconnects, backoff and health reports.
import type { FeedListener, MarketFeed } from '../../source/core/market-feed.ts';
import type { Instrument } from '../../source/core/instrument.ts';
import type { Level } from '../../source/core/market-events.ts';
import { numberToDecimalString } from '../../source/core/money.ts';
import { contractSizeOf, contractsToBase } from './contract-size.ts';
import { instrumentFromMarket, type CcxtMarket, type InstrumentQuirks } from './instruments.ts';

/** The part of a ccxt pro exchange this feed uses. */
export interface CcxtProClient {
  id: string;
  markets: Record<string, CcxtMarket>;
  loadMarkets(): Promise<unknown>;
  watchOrderBook(
    symbol: string,
    limit?: number,
  ): Promise<{ bids: number[][]; asks: number[][]; nonce?: number; timestamp?: number }>;
  watchTrades(
    symbol: string,
  ): Promise<{ id?: string; timestamp?: number; price: number; amount: number; side?: string }[]>;
  fetchFundingRate(symbol: string): Promise<{
    fundingRate?: number;
    nextFundingTimestamp?: number;
    fundingTimestamp?: number;
    markPrice?: number;
  }>;
  fetchTradingFee?(symbol: string): Promise<{ maker?: number; taker?: number }>;
  /** true when the client holds credentials (ccxt's own check). */
  checkRequiredCredentials?(error?: boolean): boolean;
  close(): Promise<unknown>;
}

export interface CcxtFeedOptions {
  /** Our name for the venue ("binance", "hyperliquid"). */
  venue: string;
  client: CcxtProClient;
  symbols: string[];
  quirks?: InstrumentQuirks;
  /** Levels a side kept from each book. */
  depth?: number;
  fundingEveryMs?: number;
  /** Give up on the first connection after this long, with a message that says where. */
  connectTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  now?: () => number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class FeedUnreachable extends Error {}

export class CcxtFeed implements MarketFeed {
  instruments: Instrument[] = [];
  private stopped = false;
  private listener: FeedListener | null = null;
  private readonly loops: Promise<void>[] = [];
  private readonly failing = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly o: CcxtFeedOptions) {
    this.now = o.now ?? Date.now;
  }

  async start(listener: FeedListener): Promise<void> {
    this.listener = listener;
    const { client, venue } = this.o;
    const timeout = this.o.connectTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.loadMarkets(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeout / 1000} s`)), timeout);
        }),
      ]);
    } catch (e) {
      throw new FeedUnreachable(`cannot reach ${venue} (${client.id}): ${firstLine(e)}`);
    } finally {
      clearTimeout(timer);
    }
    this.instruments = this.o.symbols.map((symbol) => {
      const market = client.markets[symbol];
      if (!market) throw new FeedUnreachable(`${venue} (${client.id}) has no market ${symbol}`);
      return instrumentFromMarket(venue, market, this.o.quirks);
    });
    await this.accountFees();
    for (const symbol of this.o.symbols) {
      this.loops.push(this.loop(`${symbol} book`, () => this.book(symbol)));
      this.loops.push(this.loop(`${symbol} trades`, () => this.trades(symbol)));
      if (client.markets[symbol].contract !== false)
        this.loops.push(this.loop(`${symbol} funding`, () => this.funding(symbol)));
    }
  }

  /** With credentials, trade on the account's real fee rates; without, the market defaults stand and say so. */
  private async accountFees(): Promise<void> {
    const { client } = this.o;
    if (!client.fetchTradingFee || !client.checkRequiredCredentials?.(false)) return;
    for (const inst of this.instruments) {
      try {
        const fee = await client.fetchTradingFee(inst.symbol);
        if (fee.maker === undefined || fee.taker === undefined) continue;
        inst.makerFee = numberToDecimalString(fee.maker);
        inst.takerFee = numberToDecimalString(fee.taker);
        inst.feeSource = 'account';
      } catch (e) {
        this.listener?.onHealth({
          venue: this.o.venue,
          connected: true,
          severity: 'warning',
          message: `account fee rates unavailable (${firstLine(e)}); using market defaults`,
        });
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.o.client.close().catch(() => undefined);
    await Promise.race([Promise.allSettled(this.loops), sleep(2_000)]);
  }

  /** Run one subscription forever: on failure report it, back off exponentially, and subscribe again. */
  private async loop(name: string, step: () => Promise<void>): Promise<void> {
    const { initialMs, maxMs } = this.o.backoff ?? { initialMs: 250, maxMs: 10_000 };
    let delay = initialMs;
    while (!this.stopped) {
      try {
        await step();
        if (this.failing.delete(name)) {
          this.listener?.onHealth({
            venue: this.o.venue,
            connected: this.failing.size === 0,
            severity: 'info',
            message: `${name} recovered`,
          });
        }
        delay = initialMs;
      } catch (e) {
        if (this.stopped) return;
        this.failing.add(name);
        this.listener?.onHealth({
          venue: this.o.venue,
          connected: false,
          severity: 'warning',
          message: `${name}: ${firstLine(e)}; retrying in ${(delay / 1000).toFixed(2)} s`,
        });
        await sleep(delay);
        delay = Math.min(delay * 2, maxMs);
      }
    }
  }

  private seq = new Map<string, number>();

  private async book(symbol: string): Promise<void> {
    const depth = this.o.depth ?? 25;
    const ob = await this.o.client.watchOrderBook(symbol);
    if (this.stopped) return;
    const seq = ob.nonce ?? (this.seq.get(symbol) ?? 0) + 1;
    this.seq.set(symbol, seq);
    const size = contractSizeOf(this.o.client.markets[symbol]);
    this.listener?.onMarket({
      kind: 'book',
      venue: this.o.venue,
      symbol,
      ts: this.now(),
      seq,
      snapshot: true,
      bids: levels(ob.bids, depth, size),
      asks: levels(ob.asks, depth, size),
    });
  }

  private lastTrade = new Map<string, string>();

  private async trades(symbol: string): Promise<void> {
    const trades = await this.o.client.watchTrades(symbol);
    if (this.stopped) return;
    const last = this.lastTrade.get(symbol);
    let start = 0;
    if (last !== undefined) {
      const i = trades.findIndex((t) => tradeKey(t) === last);
      start = i >= 0 ? i + 1 : 0;
    }
    const ts = this.now();
    const contract = contractSizeOf(this.o.client.markets[symbol]);
    for (let i = start; i < trades.length; i++) {
      const t = trades[i];
      this.listener?.onMarket({
        kind: 'trade',
        venue: this.o.venue,
        symbol,
        ts,
        price: t.price,
        size: contractsToBase(t.amount, contract),
        side: t.side === 'sell' ? 'sell' : 'buy',
      });
    }
    if (trades.length > 0) this.lastTrade.set(symbol, tradeKey(trades[trades.length - 1]));
  }

  private async funding(symbol: string): Promise<void> {
    const fr = await this.o.client.fetchFundingRate(symbol);
    if (this.stopped) return;
    const interval = (this.o.quirks?.fundingIntervalHours ?? 8) * 3_600_000;
    const now = this.now();
    this.listener?.onMarket({
      kind: 'fundingRate',
      venue: this.o.venue,
      symbol,
      ts: now,
      rate: numberToDecimalString(fr.fundingRate ?? 0),
      nextFundingTs: nextSettlement(fr, now) ?? Math.ceil(now / interval) * interval,
      markPrice: fr.markPrice ?? 0,
    });
    await sleep(this.o.fundingEveryMs ?? 10_000);
  }
}

/** The top `depth` levels, amounts in base units (ccxt keeps them in contracts where the venue does). */
function levels(side: number[][], depth: number, contractSize: number): Level[] {
  const n = Math.min(depth, side.length);
  const out: Level[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = [side[i][0], contractsToBase(side[i][1], contractSize)];
  return out;
}

/**
 * The settlement the rate is for: the earliest time still to come. Binance's fundingTimestamp is the next funding;
 * OKX's is too, and its nextFundingTimestamp is the one after that.
 */
function nextSettlement(
  fr: { nextFundingTimestamp?: number; fundingTimestamp?: number },
  now: number,
): number | undefined {
  const ahead = [fr.fundingTimestamp, fr.nextFundingTimestamp].filter(
    (t): t is number => typeof t === 'number' && t > now,
  );
  return ahead.length > 0 ? Math.min(...ahead) : (fr.nextFundingTimestamp ?? fr.fundingTimestamp);
}

function tradeKey(t: { id?: string; timestamp?: number; price: number; amount: number }): string {
  return t.id ?? `${t.timestamp}:${t.price}:${t.amount}`;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
  return text.split('\n')[0].slice(0, 200);
}
