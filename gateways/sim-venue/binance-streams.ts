// The loopback Binance's websocket streams: subscriptions, diff-depth batching with U/u/pu, trades, tickers, mark
// prices and user data, each event serialized once per stream and sent to every subscriber.
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { BookEvent, MarketEvent } from '../../source/core/market-events.ts';
import type { Faults } from './faults.ts';
import type { BinanceMarket, SymbolInfo } from './binance-market.ts';
import { priceText, qtyText } from './binance-wire.ts';

/** A slow consumer is cut off once this much is queued, as Binance does. */
const MAX_BUFFERED = 64 * 1024 * 1024;
/** Binance USDⓈ-M allows 200 streams on one connection. */
const MAX_STREAMS_PER_CONNECTION = 200;

export interface StreamConn {
  ws: WebSocket;
  /** /stream endpoints wrap every event as {"stream","data"}; /ws endpoints send it bare. */
  combined: boolean;
  streams: Set<string>;
  /** Set on user data connections. */
  account?: string;
  listenKey?: string;
  /** Messages held back by the delay fault, in order. */
  queue: { at: number; text: string | Buffer }[];
  timer?: NodeJS.Timeout;
  corked?: boolean;
}

type Topic =
  | { kind: 'diff'; info: SymbolInfo; intervalMs: number }
  | { kind: 'partial'; info: SymbolInfo; levels: number; intervalMs: number }
  | { kind: 'trade' | 'aggTrade' | 'bookTicker'; info: SymbolInfo }
  | { kind: 'markPrice'; info: SymbolInfo; intervalMs: number }
  | { kind: 'allBookTicker' }
  | { kind: 'allMarkPrice'; intervalMs: number }
  /** A stream we accept but never feed (klines, tickers, unknown symbols), as Binance accepts any name. */
  | { kind: 'idle' };

interface Subscription {
  topic: Topic;
  conns: Set<StreamConn>;
}

/** One diff-depth stream's batch under construction. */
interface DiffBatch {
  name: string;
  info: SymbolInfo;
  intervalMs: number;
  bids: Map<number, number>;
  asks: Map<number, number>;
  /** First and final update id in the batch; pu = final id of the batch before. */
  U: number;
  u: number;
  pu: number;
  T: number;
  /** Last update id folded into a batch or skipped; -1 before the first. */
  lastId: number;
  /** Fault: drop the next update, so the batch after it does not follow on. */
  skip: boolean;
}

interface PartialState {
  name: string;
  info: SymbolInfo;
  levels: number;
  intervalMs: number;
  lastSeq: number;
}

/** Parse a stream name as Binance spells it; returns its canonical name, or null when it is not a stream name. */
export function parseStream(market: BinanceMarket, raw: string): { name: string; topic: Topic } | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 200) return null;
  const all = /^!(bookTicker|markPrice@arr)(?:@(1s))?$/i.exec(raw);
  if (all) {
    if (all[1].toLowerCase() === 'bookticker')
      return { name: '!bookTicker', topic: { kind: 'allBookTicker' } };
    return all[2]
      ? { name: '!markPrice@arr@1s', topic: { kind: 'allMarkPrice', intervalMs: 1000 } }
      : { name: '!markPrice@arr', topic: { kind: 'allMarkPrice', intervalMs: 3000 } };
  }
  const m = /^([a-z0-9_]+)@(.+)$/i.exec(raw);
  if (!m) return null;
  const info = market.byBinanceId(m[1]);
  const channel = m[2];
  const idle = { name: `${m[1].toLowerCase()}@${channel}`, topic: { kind: 'idle' } as Topic };
  if (!info) return idle;
  const depth = /^depth(5|10|20)?(?:@(0|100|250|500)ms)?$/i.exec(channel);
  if (depth) {
    // Without a speed, USDⓈ-M diffs come every 250 ms and spot's every second.
    const intervalMs = depth[2] !== undefined ? Number(depth[2]) : market.spot ? 1000 : 250;
    const suffix = depth[2] !== undefined ? `@${depth[2]}ms` : '';
    if (depth[1]) {
      if (intervalMs === 0) return null;
      const levels = Number(depth[1]);
      return {
        name: `${info.lower}@depth${levels}${suffix}`,
        topic: { kind: 'partial', info, levels, intervalMs },
      };
    }
    return { name: `${info.lower}@depth${suffix}`, topic: { kind: 'diff', info, intervalMs } };
  }
  const lower = channel.toLowerCase();
  if (lower === 'trade') return { name: `${info.lower}@trade`, topic: { kind: 'trade', info } };
  if (lower === 'aggtrade') return { name: `${info.lower}@aggTrade`, topic: { kind: 'aggTrade', info } };
  if (lower === 'bookticker')
    return { name: `${info.lower}@bookTicker`, topic: { kind: 'bookTicker', info } };
  if (lower === 'markprice')
    return { name: `${info.lower}@markPrice`, topic: { kind: 'markPrice', info, intervalMs: 3000 } };
  if (lower === 'markprice@1s')
    return { name: `${info.lower}@markPrice@1s`, topic: { kind: 'markPrice', info, intervalMs: 1000 } };
  return idle;
}

export class StreamHub {
  private readonly conns = new Set<StreamConn>();
  private readonly subs = new Map<string, Subscription>();
  private readonly diffs = new Map<string, DiffBatch>();
  private readonly diffsBySymbol = new Map<string, DiffBatch[]>();
  private readonly partials = new Map<string, PartialState>();
  private readonly userConns = new Map<string, Set<StreamConn>>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly lastTop = new Map<string, string>();
  private readonly offMarket: () => void;

  constructor(
    private readonly market: BinanceMarket,
    private readonly faults: Faults,
  ) {
    this.offMarket = market.exchange.onMarket((ev) => {
      // Serving a stream must never break the market that feeds it.
      try {
        this.onMarket(ev);
      } catch (e) {
        reportOnce(e);
      }
    });
    faults.on('drop', () => this.dropAll());
    faults.on('skipSequence', () => {
      for (const d of this.diffs.values()) d.skip = true;
    });
    faults.on('malformed', () => {
      // A frame cut off mid-JSON, the usual shape of a corrupt message.
      for (const c of this.conns) this.send(c, `{"e":"depthUpdate","E":${Date.now()},"s":"BTCUSDT","U":`);
    });
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  attach(
    ws: WebSocket,
    opts: { combined: boolean; streams: string[]; account?: string; listenKey?: string },
  ): void {
    const conn: StreamConn = {
      ws,
      combined: opts.combined,
      streams: new Set(),
      account: opts.account,
      listenKey: opts.listenKey,
      queue: [],
    };
    this.conns.add(conn);
    if (conn.account !== undefined) {
      let set = this.userConns.get(conn.account);
      if (!set) this.userConns.set(conn.account, (set = new Set()));
      set.add(conn);
    }
    for (const s of opts.streams) {
      const parsed = parseStream(this.market, s);
      if (parsed) this.subscribe(conn, parsed.name, parsed.topic);
    }
    ws.on('message', (data, isBinary) => this.onClientMessage(conn, isBinary ? '' : data.toString()));
    ws.on('close', () => this.detach(conn));
    ws.on('error', () => ws.terminate());
  }

  /** Close every connection of a listen key (deleted or expired). */
  closeUser(listenKey: string): void {
    for (const c of this.conns) if (c.listenKey === listenKey) c.ws.close(1000, 'listenKey closed');
  }

  hasUserConnections(account: string): boolean {
    return (this.userConns.get(account)?.size ?? 0) > 0;
  }

  /** Send one user data event to every connection of the account. */
  publishUser(account: string, payload: unknown): void {
    const set = this.userConns.get(account);
    if (!set || set.size === 0) return;
    const raw = JSON.stringify(payload);
    for (const c of set)
      this.send(c, c.combined ? `{"stream":${JSON.stringify(c.listenKey ?? '')},"data":${raw}}` : raw);
  }

  dropAll(): void {
    for (const c of this.conns) c.ws.terminate();
  }

  close(): void {
    this.offMarket();
    for (const t of this.timers.values()) clearInterval(t);
    this.timers.clear();
    this.dropAll();
  }

  private detach(conn: StreamConn): void {
    if (!this.conns.delete(conn)) return;
    clearTimeout(conn.timer);
    conn.queue.length = 0;
    for (const name of [...conn.streams]) this.unsubscribe(conn, name);
    if (conn.account !== undefined) this.userConns.get(conn.account)?.delete(conn);
  }

  private onClientMessage(conn: StreamConn, text: string): void {
    let req: { method?: unknown; params?: unknown; id?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
      if (typeof req !== 'object' || req === null) throw new Error('not an object');
    } catch {
      this.send(
        conn,
        JSON.stringify({
          error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' },
          id: null,
        }),
      );
      return;
    }
    const id = req.id === undefined ? null : req.id;
    const fail = (code: number, msg: string) => this.send(conn, JSON.stringify({ error: { code, msg }, id }));
    const method = typeof req.method === 'string' ? req.method.toUpperCase() : '';
    const params = Array.isArray(req.params) ? req.params : [];
    if (method === 'SUBSCRIBE' || method === 'UNSUBSCRIBE') {
      const parsed = params.map((p) => parseStream(this.market, p as string));
      if (parsed.some((p) => p === null)) return fail(2, 'Invalid request: invalid stream name');
      for (const p of parsed) {
        if (method === 'SUBSCRIBE') this.subscribe(conn, p!.name, p!.topic);
        else this.unsubscribe(conn, p!.name);
      }
      if (conn.streams.size > MAX_STREAMS_PER_CONNECTION) {
        fail(2, `Invalid request: too many streams (max ${MAX_STREAMS_PER_CONNECTION})`);
        conn.ws.close(1008, 'too many streams');
        return;
      }
      this.send(conn, JSON.stringify({ result: null, id }));
    } else if (method === 'LIST_SUBSCRIPTIONS') {
      this.send(conn, JSON.stringify({ result: [...conn.streams], id }));
    } else if (method === 'SET_PROPERTY') {
      this.send(conn, JSON.stringify({ result: null, id }));
    } else if (method === 'GET_PROPERTY') {
      this.send(conn, JSON.stringify({ result: false, id }));
    } else {
      fail(2, `Invalid request: unknown method "${String(req.method)}"`);
    }
  }

  private subscribe(conn: StreamConn, name: string, topic: Topic): void {
    if (conn.streams.has(name)) return;
    conn.streams.add(name);
    let sub = this.subs.get(name);
    if (!sub) {
      this.subs.set(name, (sub = { topic, conns: new Set() }));
      this.startTopic(name, topic);
    }
    sub.conns.add(conn);
  }

  private unsubscribe(conn: StreamConn, name: string): void {
    if (!conn.streams.delete(name)) return;
    const sub = this.subs.get(name);
    if (!sub) return;
    sub.conns.delete(conn);
    if (sub.conns.size > 0) return;
    this.subs.delete(name);
    const d = this.diffs.get(name);
    if (d) {
      this.diffs.delete(name);
      const list = this.diffsBySymbol.get(d.info.id) ?? [];
      list.splice(list.indexOf(d), 1);
    }
    this.partials.delete(name);
  }

  private startTopic(name: string, topic: Topic): void {
    if (topic.kind === 'diff') {
      const d: DiffBatch = {
        name,
        info: topic.info,
        intervalMs: topic.intervalMs,
        bids: new Map(),
        asks: new Map(),
        U: 0,
        u: 0,
        pu: 0,
        T: 0,
        lastId: -1,
        skip: false,
      };
      this.diffs.set(name, d);
      let list = this.diffsBySymbol.get(topic.info.id);
      if (!list) this.diffsBySymbol.set(topic.info.id, (list = []));
      list.push(d);
      if (topic.intervalMs > 0) this.ensureTimer(topic.intervalMs);
    } else if (topic.kind === 'partial') {
      this.partials.set(name, {
        name,
        info: topic.info,
        levels: topic.levels,
        intervalMs: topic.intervalMs,
        lastSeq: -1,
      });
      this.ensureTimer(topic.intervalMs);
    } else if (topic.kind === 'markPrice' || topic.kind === 'allMarkPrice') {
      this.ensureTimer(topic.intervalMs);
    }
  }

  private ensureTimer(ms: number): void {
    if (this.timers.has(ms)) return;
    this.timers.set(
      ms,
      setInterval(() => this.tick(ms), ms),
    );
  }

  private tick(ms: number): void {
    for (const d of this.diffs.values()) if (d.intervalMs === ms && d.U > 0) this.flushDiff(d);
    for (const p of this.partials.values()) if (p.intervalMs === ms) this.sendPartial(p);
    const now = Date.now();
    for (const [name, sub] of this.subs) {
      const t = sub.topic;
      if (t.kind === 'markPrice' && t.intervalMs === ms) this.publish(name, this.markPriceEvent(t.info, now));
      else if (t.kind === 'allMarkPrice' && t.intervalMs === ms)
        this.publish(
          name,
          this.market.symbols.map((s) => this.markPriceEvent(s, now)),
        );
    }
  }

  private onMarket(ev: MarketEvent): void {
    if (ev.venue !== this.market.venue) return;
    const info = this.market.bySimSymbol(ev.symbol);
    if (!info) return;
    if (ev.kind === 'book') {
      const list = this.diffsBySymbol.get(info.id);
      if (list) for (const d of list) this.foldDiff(d, ev);
      this.bookTicker(info);
    } else if (ev.kind === 'trade') {
      const t = this.market.onTrade(info, ev);
      const now = Date.now();
      const p = priceText(info.inst, t.price);
      const q = qtyText(info.inst, t.qty);
      this.publish(`${info.lower}@trade`, {
        e: 'trade',
        E: now,
        T: t.ts,
        s: info.id,
        t: t.id,
        p,
        q,
        X: 'MARKET',
        m: t.buyerMaker,
      });
      this.publish(`${info.lower}@aggTrade`, {
        e: 'aggTrade',
        E: now,
        a: t.id,
        s: info.id,
        p,
        q,
        f: t.id,
        l: t.id,
        T: t.ts,
        m: t.buyerMaker,
      });
    } else {
      this.market.onFunding(info, ev);
    }
  }

  /** Fold one book update into a stream's batch; a snapshot or a skipped update leaves a gap clients must see. */
  private foldDiff(d: DiffBatch, ev: BookEvent): void {
    if (ev.snapshot || d.skip) {
      if (d.U > 0) this.flushDiff(d);
      d.lastId = ev.seq;
      d.skip = false;
      return;
    }
    if (d.U === 0) {
      d.U = ev.seq;
      d.pu = d.lastId >= 0 ? d.lastId : ev.seq - 1;
    }
    for (const [p, s] of ev.bids) d.bids.set(p, s);
    for (const [p, s] of ev.asks) d.asks.set(p, s);
    d.u = ev.seq;
    d.T = ev.ts;
    d.lastId = ev.seq;
    if (d.intervalMs === 0) this.flushDiff(d);
  }

  private flushDiff(d: DiffBatch): void {
    const { inst } = d.info;
    const side = (m: Map<number, number>) => {
      const out: [string, string][] = [];
      for (const [p, s] of m) out.push([priceText(inst, p), qtyText(inst, s)]);
      return out;
    };
    this.publish(d.name, {
      e: 'depthUpdate',
      E: Date.now(),
      T: d.T,
      s: d.info.id,
      U: d.U,
      u: d.u,
      ...(this.market.spot ? {} : { pu: d.pu }),
      b: side(d.bids),
      a: side(d.asks),
    });
    d.bids.clear();
    d.asks.clear();
    d.U = 0;
  }

  private sendPartial(p: PartialState): void {
    const book = this.market.book(p.info);
    if (book.seq === p.lastSeq || !this.subs.has(p.name)) return;
    const { inst } = p.info;
    const side = (prices: number[], sizes: number[]) => {
      const n = Math.min(p.levels, prices.length);
      const out: [string, string][] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = [priceText(inst, prices[i]), qtyText(inst, sizes[i])];
      return out;
    };
    this.publish(
      p.name,
      // Spot's partial depth is a bare top-of-book snapshot; USDⓈ-M's is a depthUpdate.
      this.market.spot
        ? {
            lastUpdateId: book.seq,
            bids: side(book.bids.prices, book.bids.sizes),
            asks: side(book.asks.prices, book.asks.sizes),
          }
        : {
            e: 'depthUpdate',
            E: Date.now(),
            T: book.ts,
            s: p.info.id,
            U: p.lastSeq >= 0 ? p.lastSeq + 1 : book.seq,
            u: book.seq,
            pu: p.lastSeq >= 0 ? p.lastSeq : book.seq - 1,
            b: side(book.bids.prices, book.bids.sizes),
            a: side(book.asks.prices, book.asks.sizes),
          },
    );
    p.lastSeq = book.seq;
  }

  private bookTicker(info: SymbolInfo): void {
    const one = this.subs.get(`${info.lower}@bookTicker`);
    const all = this.subs.get('!bookTicker');
    if (!one && !all) return;
    const book = this.market.book(info);
    if (!book.ready) return;
    const top = `${book.bestBid}|${book.bids.sizes[0]}|${book.bestAsk}|${book.asks.sizes[0]}`;
    if (this.lastTop.get(info.id) === top) return;
    this.lastTop.set(info.id, top);
    const ev = {
      e: 'bookTicker',
      u: book.seq,
      s: info.id,
      b: priceText(info.inst, book.bestBid),
      B: qtyText(info.inst, book.bids.sizes[0]),
      a: priceText(info.inst, book.bestAsk),
      A: qtyText(info.inst, book.asks.sizes[0]),
      T: book.ts,
      E: Date.now(),
    };
    this.publish(`${info.lower}@bookTicker`, ev);
    this.publish('!bookTicker', ev);
  }

  private markPriceEvent(info: SymbolInfo, now: number): unknown {
    const f = this.market.exchange.fundingOf(this.market.venue, info.inst.symbol);
    const mark = priceText(info.inst, this.market.markPrice(info));
    return {
      e: 'markPriceUpdate',
      E: now,
      s: info.id,
      p: mark,
      i: mark,
      P: mark,
      r: Number(f?.rate ?? '0').toFixed(8),
      T: f?.nextFundingTs ?? 0,
    };
  }

  private publish(name: string, payload: unknown): void {
    const sub = this.subs.get(name);
    if (!sub || sub.conns.size === 0) return;
    // Serialized and UTF-8 encoded once, whatever the number of subscribers.
    const text = JSON.stringify(payload);
    let raw: Buffer | undefined;
    let wrapped: Buffer | undefined;
    for (const c of sub.conns)
      this.send(
        c,
        c.combined
          ? (wrapped ??= Buffer.from(`{"stream":${JSON.stringify(name)},"data":${text}}`))
          : (raw ??= Buffer.from(text)),
      );
  }

  /** Send one text frame (a Buffer holds UTF-8 text already encoded). */
  private send(conn: StreamConn, text: string | Buffer): void {
    const ws = conn.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED) {
      ws.terminate();
      return;
    }
    const delay = this.faults.delayMs;
    if (delay === 0 && conn.queue.length === 0) {
      this.cork(conn);
      ws.send(text, { binary: false });
      return;
    }
    // A delayed connection is still one ordered stream: nothing overtakes what was queued before it.
    conn.queue.push({ at: Date.now() + delay, text });
    if (!conn.timer) this.drain(conn);
  }

  /** Hold a connection's writes until this turn of the event loop ends: one write for a burst of events, not one each. */
  private cork(conn: StreamConn): void {
    if (conn.corked) return;
    const socket = (conn.ws as unknown as { _socket?: Socket })._socket;
    if (!socket) return;
    conn.corked = true;
    socket.cork();
    setImmediate(() => {
      conn.corked = false;
      socket.uncork();
    });
  }

  private drain(conn: StreamConn): void {
    conn.timer = undefined;
    const now = Date.now();
    while (conn.queue.length > 0 && conn.queue[0].at <= now) {
      const { text } = conn.queue.shift()!;
      if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(text, { binary: false });
    }
    if (conn.queue.length > 0) conn.timer = setTimeout(() => this.drain(conn), conn.queue[0].at - now);
  }
}

let reported = false;
/** A bug in a protocol server is reported once, not once per market event. */
export function reportOnce(e: unknown): void {
  if (reported) return;
  reported = true;
  console.error('loopback binance: failed to publish an event:', e);
}
