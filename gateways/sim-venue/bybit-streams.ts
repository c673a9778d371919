// The loopback Bybit's websockets: /v5/public/linear (orderbook.N.<symbol> snapshot then deltas with the update id u
// and the cross sequence seq; publicTrade.<symbol>) and /v5/private (auth, then order, execution, position, wallet).
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { BookEvent, MarketEvent } from '../../source/core/market-events.ts';
import type { Faults } from './faults.ts';
import { BYBIT_VENUE, type BybitMarket, type BybitSymbol } from './bybit-market.ts';
import { BybitError, verifyWsAuth, type ApiKey } from './bybit-wire.ts';

/** Book depths Bybit serves on linear, and how often each pushes a delta. */
const DEPTH_PUSH_MS: Record<number, number> = { 1: 10, 50: 20, 200: 100, 500: 100, 1000: 200 };
/** Bybit caps a public connection's topics. */
const MAX_TOPICS = 500;
const MAX_BUFFERED = 64 * 1024 * 1024;
export const PRIVATE_TOPICS = new Set(['order', 'execution', 'position', 'wallet']);

interface Conn {
  ws: WebSocket;
  id: string;
  private: boolean;
  topics: Set<string>;
  /** The account once `auth` succeeded (private connections). */
  account?: string;
  /** Messages held back by the delay fault, in order. */
  queue: { at: number; text: string }[];
  timer?: NodeJS.Timeout;
}

/** One order book topic: its update id (shared by every subscriber, as Bybit's is) and the delta being gathered. */
interface BookTopic {
  name: string;
  sym: BybitSymbol;
  depth: number;
  u: number;
  bids: Map<number, number>;
  asks: Map<number, number>;
  /** Fault: lose the next delta, so the one after it does not follow on. */
  skip: boolean;
  subscribers: Set<Conn>;
}

export class BybitStreams {
  private readonly conns = new Set<Conn>();
  private readonly books = new Map<string, BookTopic>();
  private readonly trades = new Map<string, Set<Conn>>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly offMarket: () => void;

  constructor(
    private readonly market: BybitMarket,
    private readonly keys: Map<string, ApiKey>,
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
    faults.on('drop', () => {
      // A dropped stream comes back as a restarted service: its books start again from update id 1.
      for (const b of this.books.values()) b.u = 0;
      for (const c of this.conns) c.ws.terminate();
    });
    faults.on('skipSequence', () => {
      for (const b of this.books.values()) b.skip = true;
    });
    faults.on('malformed', () => {
      // A frame cut off mid-JSON, the usual shape of a corrupt message.
      for (const c of this.conns)
        this.send(c, `{"topic":"orderbook.50.BTCUSDT","type":"delta","ts":${Date.now()},"data":{"s":`);
    });
  }

  /** The update id a REST orderbook answer carries: the stream's, so both speak of the same book. */
  updateId(sym: BybitSymbol): number {
    let u = 0;
    for (const b of this.books.values()) if (b.sym === sym) u = Math.max(u, b.u);
    return u;
  }

  attach(ws: WebSocket, isPrivate: boolean): void {
    const conn: Conn = { ws, id: randomUUID(), private: isPrivate, topics: new Set(), queue: [] };
    this.conns.add(conn);
    ws.on('message', (data, isBinary) => this.onClientMessage(conn, isBinary ? '' : data.toString()));
    ws.on('close', () => this.detach(conn));
    ws.on('error', () => ws.terminate());
  }

  hasPrivate(account: string): boolean {
    for (const c of this.conns) if (c.account === account) return true;
    return false;
  }

  /** One private push ({"id","topic","creationTime","data"}) to every connection of the account subscribed to it. */
  publishPrivate(account: string, topic: string, data: unknown[]): void {
    let text: string | undefined;
    for (const c of this.conns)
      if (c.account === account && c.topics.has(topic))
        this.send(c, (text ??= JSON.stringify({ id: randomUUID(), topic, creationTime: Date.now(), data })));
  }

  close(): void {
    this.offMarket();
    for (const t of this.timers.values()) clearInterval(t);
    this.timers.clear();
    for (const c of this.conns) c.ws.terminate();
  }

  private detach(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    clearTimeout(conn.timer);
    conn.queue.length = 0;
    for (const t of [...conn.topics]) this.unsubscribe(conn, t);
  }

  private onClientMessage(conn: Conn, text: string): void {
    let req: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
      if (typeof req !== 'object' || req === null) throw new Error('not an object');
    } catch {
      return this.send(
        conn,
        JSON.stringify({ success: false, ret_msg: 'error:request not valid JSON', conn_id: conn.id, op: '' }),
      );
    }
    const reqId = req.req_id === undefined ? undefined : String(req.req_id as string);
    const answer = (op: string, success: boolean, retMsg = '', extra: object = {}) =>
      this.send(
        conn,
        JSON.stringify({
          success,
          ret_msg: retMsg,
          conn_id: conn.id,
          ...(reqId !== undefined ? { req_id: reqId } : {}),
          op,
          ...extra,
        }),
      );
    const op = typeof req.op === 'string' ? req.op : '';
    const args = Array.isArray(req.args) ? req.args.map((a) => String(a)) : [];
    if (op === 'ping') {
      if (!conn.private) return answer('ping', true, 'pong');
      return this.send(
        conn,
        JSON.stringify({ req_id: reqId, op: 'pong', args: [String(Date.now())], conn_id: conn.id }),
      );
    }
    if (op === 'auth') {
      if (!conn.private) return answer('auth', false, 'error:auth is only for private streams');
      try {
        conn.account = verifyWsAuth(this.keys, req.args);
        return answer('auth', true);
      } catch (e) {
        answer('auth', false, e instanceof BybitError ? e.message : 'Params Error');
        // Bybit hangs up on a failed login: the client starts again on a clean connection.
        conn.ws.close(1008, 'auth failed');
        return;
      }
    }
    if (op === 'subscribe' || op === 'unsubscribe') {
      if (args.length === 0) return answer(op, false, 'error:args is empty');
      if (op === 'unsubscribe') {
        for (const t of args) this.unsubscribe(conn, t);
        return answer(op, true);
      }
      for (const t of args) {
        const problem = this.topicProblem(conn, t);
        if (problem) return answer(op, false, `error:${problem},topic:${t}`);
      }
      if (conn.topics.size + args.length > MAX_TOPICS) return answer(op, false, 'error:too many topics');
      answer(op, true);
      // Bybit sends a book's snapshot right after confirming its subscription.
      for (const t of args) this.subscribe(conn, t);
      return;
    }
    answer(op, false, `error:unknown op ${op}`);
  }

  /** Why a topic cannot be subscribed on this connection, or undefined when it can. */
  private topicProblem(conn: Conn, topic: string): string | undefined {
    if (conn.topics.has(topic)) return 'already subscribed';
    if (conn.private) {
      if (!PRIVATE_TOPICS.has(topic)) return 'handler not found';
      if (conn.account === undefined) return 'Request not authorized';
      return undefined;
    }
    const book = /^orderbook\.(\d+)\.([A-Z0-9]+)$/.exec(topic);
    if (book)
      return DEPTH_PUSH_MS[Number(book[1])] && this.market.byBybitId(book[2])
        ? undefined
        : 'handler not found';
    const trade = /^publicTrade\.([A-Z0-9]+)$/.exec(topic);
    if (trade && this.market.byBybitId(trade[1])) return undefined;
    return 'handler not found';
  }

  private subscribe(conn: Conn, topic: string): void {
    conn.topics.add(topic);
    if (conn.private) return;
    const trade = /^publicTrade\.([A-Z0-9]+)$/.exec(topic);
    if (trade) {
      let set = this.trades.get(trade[1]);
      if (!set) this.trades.set(trade[1], (set = new Set()));
      set.add(conn);
      return;
    }
    const [, depthText, id] = /^orderbook\.(\d+)\.([A-Z0-9]+)$/.exec(topic)!;
    let b = this.books.get(topic);
    if (!b) {
      const depth = Number(depthText);
      b = {
        name: topic,
        sym: this.market.byBybitId(id)!,
        depth,
        u: 0,
        bids: new Map(),
        asks: new Map(),
        skip: false,
        subscribers: new Set(),
      };
      this.books.set(topic, b);
      this.ensureTimer(DEPTH_PUSH_MS[depth]);
    }
    b.subscribers.add(conn);
    this.sendSnapshot(b, [conn], false);
  }

  private unsubscribe(conn: Conn, topic: string): void {
    if (!conn.topics.delete(topic)) return;
    for (const [id, set] of this.trades) if (topic === `publicTrade.${id}`) set.delete(conn);
    const b = this.books.get(topic);
    if (b) b.subscribers.delete(conn);
  }

  private ensureTimer(ms: number): void {
    if (this.timers.has(ms)) return;
    this.timers.set(
      ms,
      setInterval(() => {
        for (const b of this.books.values())
          if (DEPTH_PUSH_MS[b.depth] === ms && (b.bids.size > 0 || b.asks.size > 0)) this.flush(b);
      }, ms),
    );
  }

  private onMarket(ev: MarketEvent): void {
    if (ev.venue !== BYBIT_VENUE) return;
    const sym = this.market.bySimSymbol(ev.symbol);
    if (!sym) return;
    if (ev.kind === 'book') {
      for (const b of this.books.values()) if (b.sym === sym && b.subscribers.size > 0) this.fold(b, ev);
    } else if (ev.kind === 'trade') {
      const subs = this.trades.get(sym.id);
      if (!subs || subs.size === 0) return;
      const text = JSON.stringify({
        topic: `publicTrade.${sym.id}`,
        type: 'snapshot',
        ts: Date.now(),
        data: [
          {
            T: ev.ts,
            s: sym.id,
            S: ev.side === 'sell' ? 'Sell' : 'Buy',
            v: this.market.qty(sym, ev.size),
            p: this.market.price(sym, ev.price),
            L: 'ZeroPlusTick',
            i: randomUUID(),
            BT: false,
            RPI: false,
          },
        ],
      });
      for (const c of subs) this.send(c, text);
    }
  }

  /** Gather one book update into the topic's next delta; a snapshot of the market restarts the stream with one. */
  private fold(b: BookTopic, ev: BookEvent): void {
    if (ev.snapshot) {
      b.bids.clear();
      b.asks.clear();
      this.sendSnapshot(b, [...b.subscribers], true);
      return;
    }
    for (const [p, s] of ev.bids) b.bids.set(p, s);
    for (const [p, s] of ev.asks) b.asks.set(p, s);
  }

  private flush(b: BookTopic): void {
    b.u += 1;
    const sym = b.sym;
    const side = (m: Map<number, number>) => {
      const out: [string, string][] = [];
      for (const [p, s] of m) out.push([this.market.price(sym, p), this.market.qty(sym, s)]);
      return out;
    };
    const data = { s: sym.id, b: side(b.bids), a: side(b.asks), u: b.u, seq: this.market.book(sym).seq };
    b.bids.clear();
    b.asks.clear();
    if (b.skip) {
      // The fault: this delta is lost, and the next one's u no longer follows on.
      b.skip = false;
      return;
    }
    const book = this.market.book(sym);
    const text = JSON.stringify({ topic: b.name, type: 'delta', ts: Date.now(), data, cts: book.ts });
    for (const c of b.subscribers) this.send(c, text);
  }

  /**
   * A snapshot at the topic's current update id to a new subscriber (the next delta follows on from it, and repeats
   * what it already holds), or, when the stream restarts, a new update id to everyone.
   */
  private sendSnapshot(b: BookTopic, to: Conn[], restart: boolean): void {
    const book = this.market.book(b.sym);
    if (restart || b.u === 0) {
      b.bids.clear();
      b.asks.clear();
      b.u += 1;
    }
    const text = JSON.stringify({
      topic: b.name,
      type: 'snapshot',
      ts: Date.now(),
      data: {
        s: b.sym.id,
        b: this.market.levels(b.sym, book.bids.prices, book.bids.sizes, b.depth),
        a: this.market.levels(b.sym, book.asks.prices, book.asks.sizes, b.depth),
        u: b.u,
        seq: book.seq,
      },
      cts: book.ts,
    });
    for (const c of to) this.send(c, text);
  }

  private send(conn: Conn, text: string): void {
    const ws = conn.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED) {
      ws.terminate();
      return;
    }
    const delay = this.faults.delayMs;
    if (delay === 0 && conn.queue.length === 0) {
      ws.send(text);
      return;
    }
    // A delayed connection is still one ordered stream: nothing overtakes what was queued before it.
    conn.queue.push({ at: Date.now() + delay, text });
    if (!conn.timer) this.drain(conn);
  }

  private drain(conn: Conn): void {
    conn.timer = undefined;
    const now = Date.now();
    while (conn.queue.length > 0 && conn.queue[0].at <= now) {
      const { text } = conn.queue.shift()!;
      if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(text);
    }
    if (conn.queue.length > 0) conn.timer = setTimeout(() => this.drain(conn), conn.queue[0].at - now);
  }
}

let reported = false;
/** A bug in the protocol server is reported once, not once per market event. */
export function reportOnce(e: unknown): void {
  if (reported) return;
  reported = true;
  console.error('loopback bybit: failed to publish an event:', e);
}
