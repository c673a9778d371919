// A loopback Hyperliquid: POST /info, POST /exchange and WS /ws on one port, speaking Hyperliquid's wire protocol
// (signatures included) over the SimExchange's 'hyperliquid' venue, so a plain ccxt client trades against it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { Faults, type FaultPlan, type LoopbackVenue } from './faults.ts';
import {
  actionHash,
  addressOf,
  l1Digest,
  recoverSigner,
  userSignedDigest,
  USER_SIGNED_TYPES,
  type Signature,
} from './hyperliquid-signing.ts';
import {
  HyperliquidVenue,
  type FeeRates,
  type HlCoin,
  type HlTrade,
  type OrderStatusWire,
  type WireOrder,
} from './hyperliquid-venue.ts';
import type { SimExchange } from './sim-exchange.ts';

/** A throwaway key for the loopback only: never fund it anywhere. */
export const HYPERLIQUID_TEST_PRIVATE_KEY =
  '0xed2c1a9c50106fe5a4f7567ad5f5bc1dd1448667541ce7a83fbf7a279d5d9fc5';

export interface HyperliquidServerOptions {
  port?: number;
  host?: string;
  /** Expect testnet signatures (phantom agent source "b", chain "Testnet"); default mainnet. */
  testnet?: boolean;
  /** The account's fee tier; default maker 0.01 %, taker 0.04 % (better than the base tier). */
  fees?: FeeRates;
  /** The account's key (its wallet is derived from it); default the throwaway test key. */
  privateKey?: string;
}

export type HyperliquidLoopbackVenue = LoopbackVenue & {
  /** Every /exchange action type received, in order, whether or not it was accepted. */
  receivedActions(): string[];
  /** The builder ({b, f}) attached to each order action received; f is in tenths of a basis point. */
  builderFees(): { builder: string; fee: number }[];
  /** The last l2Book snapshot pushed for a coin, as sent. */
  lastPushedBook(coin: string): { coin: string; time: number; levels: [unknown[], unknown[]] } | undefined;
  /** l2Book pushes withheld by the skipSequence fault. */
  skippedBookPushes(): number;
};

const DAY_MS = 86_400_000;
/** At most one l2Book (and trades) push per coin per this many ms: ~10/s, about one per block. */
const BOOK_PUSH_MS = 100;
/** Asset contexts, mids and account states are pushed at this period while someone listens. */
const SLOW_PUSH_MS = 500;
const MAX_BODY = 1 << 20;
/** Received actions and builder attachments kept for inspection (the most recent). */
const MAX_RECORDED = 10_000;
/** A socket this far behind gets no book snapshots until it drains: the next one replaces them anyway. */
const MAX_BUFFERED = 1 << 22;
const MALFORMED_FRAME = '{"channel":"l2Book","data":{"coin":"BTC","levels":[[{"px":';
const DESERIALIZE_ERROR = 'Failed to deserialize the JSON body into the target type';
const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const USDC_TOKEN = {
  name: 'USDC',
  szDecimals: 8,
  weiDecimals: 8,
  index: 0,
  tokenId: '0x6d1e7cde53ba9467b783cb7c530ce054',
  isCanonical: true,
  evmContract: null,
  fullName: null,
};
const SPOT_META = { tokens: [USDC_TOKEN], universe: [] };

type Answer = { code: number; json: unknown } | { code: number; text: string } | 'hang';

interface Conn {
  ws: WebSocket;
  subs: Set<string>;
  queue: { at: number; text: string }[];
  timer: NodeJS.Timeout | null;
}

interface CoinPush {
  dirty: boolean;
  trades: HlTrade[];
  timer: NodeJS.Timeout | null;
  last: number;
  skip: boolean;
}

function ok(response: unknown): Answer {
  return { code: 200, json: { status: 'ok', response } };
}

function err(message: string): Answer {
  return { code: 200, json: { status: 'err', response: message } };
}

function unprocessable(detail = ''): Answer {
  return { code: 422, text: detail ? `${DESERIALIZE_ERROR}: ${detail}` : DESERIALIZE_ERROR };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isSignature(x: unknown): x is Signature {
  return isRecord(x) && typeof x.r === 'string' && typeof x.s === 'string' && typeof x.v === 'number';
}

function isWireOrder(x: unknown): x is WireOrder {
  return (
    isRecord(x) &&
    Number.isInteger(x.a) &&
    typeof x.b === 'boolean' &&
    (typeof x.p === 'string' || typeof x.p === 'number') &&
    (typeof x.s === 'string' || typeof x.s === 'number') &&
    typeof x.r === 'boolean' &&
    isRecord(x.t) &&
    (x.c === undefined || x.c === null || typeof x.c === 'string')
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class HyperliquidServer {
  readonly faults = new Faults();
  readonly venue: HyperliquidVenue;
  readonly wallet: string;
  readonly mainnet: boolean;
  private readonly http: http.Server;
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Conn>();
  private readonly topics = new Map<string, Set<Conn>>();
  private readonly pushes = new Map<string, CoinPush>();
  private readonly lastBooks = new Map<string, ReturnType<HyperliquidVenue['l2Book']>>();
  private readonly hanging = new Set<http.ServerResponse>();
  /** The last 100 nonces per signer, ascending. */
  private readonly nonces = new Map<string, number[]>();
  /** Approved API wallets (agents) → the user they act for. */
  private readonly agents = new Map<string, string>();
  private readonly actions: string[] = [];
  private readonly builders: { builder: string; fee: number }[] = [];
  private skipped = 0;
  private readonly slowTimer: NodeJS.Timeout;
  private readonly unsubscribeMarket: () => void;

  constructor(
    readonly exchange: SimExchange,
    privateKey: string,
    opts: HyperliquidServerOptions,
  ) {
    this.mainnet = !opts.testnet;
    this.wallet = addressOf(privateKey);
    this.venue = new HyperliquidVenue(exchange, opts.fees ?? { maker: '0.0001', taker: '0.0004' });
    this.venue.account(this.wallet);
    this.venue.setListener({
      onUserFill: (user, fill) => {
        const subs = this.topics.get(`userFills:${user}`);
        if (subs)
          this.broadcast(subs, JSON.stringify({ channel: 'userFills', data: { user, fills: [fill] } }));
      },
      onOrderUpdate: (user, update) => {
        const subs = this.topics.get(`orderUpdates:${user}`);
        if (subs) this.broadcast(subs, JSON.stringify({ channel: 'orderUpdates', data: [update] }));
      },
      onTrade: (coin, trade) => {
        if (!this.topics.has(`trades:${coin}`)) return;
        this.pushOf(coin).trades.push(trade);
        this.schedulePush(coin);
      },
    });
    this.unsubscribeMarket = exchange.onMarket((ev) => {
      if (ev.venue !== 'hyperliquid' || ev.kind !== 'book') return;
      const coin = this.venue.coinOfSymbol(ev.symbol);
      if (!coin) return;
      this.pushOf(coin.name).dirty = true;
      if (this.topics.has(`l2Book:${coin.name}`)) this.schedulePush(coin.name);
    });
    this.faults.on('drop', () => {
      for (const c of this.conns) this.dropConn(c);
    });
    this.faults.on('malformed', () => {
      for (const c of this.conns) this.send(c, MALFORMED_FRAME);
    });
    // Hyperliquid books are whole snapshots without sequence numbers: "skipping a sequence" withholds the next
    // l2Book push of every coin, so a client misses one update and is whole again at the one after.
    this.faults.on('skipSequence', () => {
      for (const c of this.venue.coins)
        if (this.topics.get(`l2Book:${c.name}`)?.size) this.pushOf(c.name).skip = true;
    });
    this.http = http.createServer((req, res) => {
      this.onRequest(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.wss = new WebSocketServer({ server: this.http, path: '/ws' });
    this.wss.on('connection', (ws) => this.onConnection(ws));
    this.slowTimer = setInterval(() => this.slowPush(), SLOW_PUSH_MS);
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => resolve((this.http.address() as AddressInfo).port));
    });
  }

  async close(): Promise<void> {
    clearInterval(this.slowTimer);
    this.unsubscribeMarket();
    this.venue.close();
    for (const p of this.pushes.values()) if (p.timer) clearTimeout(p.timer);
    for (const c of this.conns) this.dropConn(c);
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  receivedActions(): string[] {
    return [...this.actions];
  }

  builderFees(): { builder: string; fee: number }[] {
    return this.builders.map((b) => ({ ...b }));
  }

  lastPushedBook(coin: string): ReturnType<HyperliquidVenue['l2Book']> | undefined {
    return this.lastBooks.get(coin);
  }

  skippedBookPushes(): number {
    return this.skipped;
  }

  // ---- HTTP ---------------------------------------------------------------------------------------------

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://loopback').pathname;
    if (req.method !== 'POST') return void res.writeHead(405).end();
    const raw = await readBody(req);
    if (raw === null) return void res.writeHead(413).end();
    if (path === '/__faults') {
      let plan: FaultPlan;
      try {
        plan = JSON.parse(raw) as FaultPlan;
      } catch {
        return void res.writeHead(400, { 'content-type': 'text/plain' }).end('fault plan is not JSON');
      }
      this.faults.apply(plan);
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    }
    if (path !== '/info' && path !== '/exchange') return void res.writeHead(404).end();
    let answer: Answer;
    if (this.faults.takeRateLimit()) answer = { code: 429, text: 'Too Many Requests' };
    else {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      if (!isRecord(body)) answer = unprocessable();
      else answer = path === '/info' ? this.info(body) : this.exchangeAction(body);
    }
    if (answer === 'hang') {
      // the request reached the venue and is never answered: the client's own timeout is all it gets
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (this.faults.delayMs > 0) await sleep(this.faults.delayMs);
    if ('json' in answer)
      res.writeHead(answer.code, { 'content-type': 'application/json' }).end(JSON.stringify(answer.json));
    else res.writeHead(answer.code, { 'content-type': 'text/plain' }).end(answer.text);
  }

  private info(req: Record<string, unknown>): Answer {
    const user = typeof req.user === 'string' ? req.user.toLowerCase() : undefined;
    const needsUser = () => user === undefined || !ADDRESS_RE.test(user);
    const coinOf = (): HlCoin | undefined =>
      typeof req.coin === 'string' ? this.venue.coin(req.coin) : undefined;
    const json = (body: unknown): Answer => ({ code: 200, json: body });
    const dex = typeof req.dex === 'string' && req.dex !== '' ? req.dex : undefined;
    switch (req.type) {
      case 'meta':
        return json(dex ? { universe: [] } : this.venue.meta());
      case 'metaAndAssetCtxs':
        return json(dex ? [{ universe: [] }, []] : this.venue.metaAndAssetCtxs());
      case 'spotMeta':
        return json(SPOT_META);
      case 'spotMetaAndAssetCtxs':
        return json([SPOT_META, []]);
      case 'perpDexs':
        return json([null]);
      case 'exchangeStatus':
        return json({ specialStatuses: null, time: Date.now() });
      case 'allMids':
        return json(this.venue.allMids());
      case 'l2Book': {
        const coin = coinOf();
        return json(coin ? this.venue.l2Book(coin) : null);
      }
      case 'candleSnapshot':
        return json([]);
      case 'fundingHistory': {
        const coin = coinOf();
        if (!coin || typeof req.startTime !== 'number') return unprocessable();
        const end = typeof req.endTime === 'number' ? req.endTime : undefined;
        return json(this.venue.fundingHistoryOf(coin.name, req.startTime, end));
      }
    }
    if (needsUser()) return unprocessable('missing field `user`');
    const u = user!;
    switch (req.type) {
      case 'clearinghouseState':
        return json(this.venue.clearinghouseState(u));
      case 'spotClearinghouseState':
        return json({ balances: [{ coin: 'USDC', token: 0, hold: '0.0', total: '0.0', entryNtl: '0.0' }] });
      case 'openOrders':
        return json(this.venue.openOrders(u, false));
      case 'frontendOpenOrders':
        return json(this.venue.openOrders(u, true));
      case 'historicalOrders':
        return json(this.venue.historicalOrders(u));
      case 'userFills':
        return json(this.venue.userFills(u));
      case 'userFillsByTime': {
        if (typeof req.startTime !== 'number') return unprocessable('missing field `startTime`');
        const end = typeof req.endTime === 'number' ? req.endTime : undefined;
        return json(this.venue.userFills(u, req.startTime, end));
      }
      case 'orderStatus':
        if (typeof req.oid !== 'number' && typeof req.oid !== 'string')
          return unprocessable('missing field `oid`');
        return json(this.venue.orderStatus(u, req.oid));
      case 'userFees':
        return json(this.venue.userFees(u));
      case 'userFunding':
      case 'userNonFundingLedgerUpdates':
        return json([]);
      case 'userAbstraction':
        return json('default');
      case 'maxBuilderFee':
        return json(typeof req.builder === 'string' ? this.venue.maxBuilderFee(u, req.builder) : 0);
      case 'userRateLimit':
        return json({ cumVlm: '0.0', nRequestsUsed: 0, nRequestsCap: 10_000 });
    }
    return unprocessable(`unknown variant \`${String(req.type)}\``);
  }

  // ---- /exchange ----------------------------------------------------------------------------------------

  private exchangeAction(body: Record<string, unknown>): Answer {
    const { action, nonce, signature } = body;
    if (!isRecord(action) || typeof action.type !== 'string') return unprocessable('missing field `action`');
    if (!Number.isSafeInteger(nonce) || !isSignature(signature))
      return unprocessable('missing field `signature`');
    this.actions.push(action.type);
    if (this.actions.length > MAX_RECORDED) this.actions.shift();
    const n = nonce as number;
    const userSigned = USER_SIGNED_TYPES[action.type];
    if (userSigned) {
      const chain = this.mainnet ? 'Mainnet' : 'Testnet';
      if (action.hyperliquidChain !== chain) return err(`Invalid hyperliquidChain: expected ${chain}`);
      if (action.nonce !== n) return err('Action nonce does not match the request nonce');
      // the SDKs sign a missing agent name as ""
      const message: Record<string, unknown> =
        action.type === 'approveAgent' ? { agentName: '', ...action } : action;
      if (userSigned.fields.some((f) => message[f.name] === undefined || message[f.name] === null))
        return unprocessable(`missing fields of ${action.type}`);
      let signer: string | null;
      try {
        const chainId = Number(BigInt(String(action.signatureChainId)));
        signer = recoverSigner(
          userSignedDigest(userSigned.primaryType, userSigned.fields, message, chainId),
          signature,
        );
      } catch {
        return unprocessable('invalid user-signed action fields');
      }
      // only the account's own wallet signs approvals: an agent or a stranger has no deposit of its own
      if (signer !== this.wallet)
        return err(`Must deposit before performing actions. User: ${signer ?? 'unknown'}`);
      const nonceError = this.useNonce(signer, n);
      if (nonceError) return err(nonceError);
      if (action.type === 'approveBuilderFee') {
        if (typeof action.builder !== 'string' || typeof action.maxFeeRate !== 'string')
          return unprocessable();
        const e = this.venue.approveBuilderFee(signer, action.builder, action.maxFeeRate);
        return e ? err(e) : ok({ type: 'default' });
      }
      if (typeof action.agentAddress !== 'string' || !ADDRESS_RE.test(action.agentAddress))
        return unprocessable();
      this.agents.set(action.agentAddress.toLowerCase(), signer);
      return ok({ type: 'default' });
    }

    const vault =
      typeof body.vaultAddress === 'string' && body.vaultAddress !== '' ? body.vaultAddress : undefined;
    const expiresAfter = typeof body.expiresAfter === 'number' ? body.expiresAfter : undefined;
    let signer: string | null;
    try {
      signer = recoverSigner(l1Digest(actionHash(action, n, vault, expiresAfter), this.mainnet), signature);
    } catch {
      return unprocessable('invalid vaultAddress');
    }
    const user = signer === this.wallet ? this.wallet : signer ? this.agents.get(signer) : undefined;
    if (!signer || !user) return err(`User or API Wallet ${signer ?? '0x'} does not exist.`);
    if (vault) return err(`Vault not registered: 0x${vault.replace(/^0x/i, '').toLowerCase()}`);
    if (expiresAfter !== undefined && expiresAfter < Date.now())
      return err(`Action expired at ${expiresAfter}`);
    const nonceError = this.useNonce(signer, n);
    if (nonceError) return err(nonceError);

    switch (action.type) {
      case 'order':
        return this.orderAction(user, action);
      case 'cancel':
      case 'cancelByCloid': {
        const cancels = action.cancels;
        if (!Array.isArray(cancels)) return unprocessable('missing field `cancels`');
        if (this.faults.hangCancels) return 'hang';
        const statuses = cancels.map((c: unknown) => {
          if (!isRecord(c)) return { error: 'Invalid cancel' };
          if (action.type === 'cancel') return this.venue.cancel(user, Number(c.a), { orderId: Number(c.o) });
          return this.venue.cancel(user, Number(c.asset), { clientOrderId: String(c.cloid) });
        });
        return ok({ type: 'cancel', data: { statuses } });
      }
      case 'updateLeverage': {
        const e = this.venue.updateLeverage(user, Number(action.asset), Number(action.leverage));
        return e ? err(e) : ok({ type: 'default' });
      }
      case 'setReferrer':
        this.venue.setReferrer(user, String(action.code));
        return ok({ type: 'default' });
      case 'scheduleCancel':
        return err('Cannot set scheduled cancel time until enough volume traded. Required: $1000000.');
    }
    return err(`Action ${action.type} is not supported by this simulated venue.`);
  }

  private orderAction(user: string, action: Record<string, unknown>): Answer {
    const orders = action.orders;
    if (!Array.isArray(orders) || !orders.every(isWireOrder)) return unprocessable('invalid `orders`');
    let builderFee = 0;
    if (action.builder !== undefined) {
      const b = action.builder;
      if (!isRecord(b) || typeof b.b !== 'string' || !Number.isInteger(b.f))
        return unprocessable('invalid `builder`');
      const builder = { b: b.b.toLowerCase(), f: b.f as number };
      this.builders.push({ builder: builder.b, fee: builder.f });
      if (this.builders.length > MAX_RECORDED) this.builders.shift();
      if (!this.venue.builderAllowed(user, builder)) return err('Builder fee has not been approved.');
      builderFee = builder.f;
    }
    const statuses: OrderStatusWire[] = orders.map((o) =>
      this.faults.takeReject()
        ? { error: `Insufficient margin to place order. asset=${o.a}` }
        : this.venue.placeOrder(user, o, builderFee),
    );
    return ok({ type: 'order', data: { statuses } });
  }

  /** Hyperliquid keeps the 100 highest nonces per signer: a new one must be unseen, above the lowest, and near now. */
  private useNonce(signer: string, nonce: number): string | null {
    const now = Date.now();
    if (nonce <= now - 2 * DAY_MS || nonce >= now + DAY_MS)
      return `Invalid nonce: ${nonce} is outside the allowed window (T - 2 days, T + 1 day)`;
    const used = this.nonces.get(signer) ?? [];
    if (used.includes(nonce)) return `Invalid nonce: duplicate nonce ${nonce}`;
    if (used.length >= 100 && nonce < used[0])
      return `Invalid nonce: ${nonce} is lower than the lowest kept nonce`;
    let at = used.length;
    while (at > 0 && used[at - 1] > nonce) at--;
    used.splice(at, 0, nonce);
    if (used.length > 100) used.shift();
    this.nonces.set(signer, used);
    return null;
  }

  // ---- WebSocket ----------------------------------------------------------------------------------------

  private onConnection(ws: WebSocket): void {
    const conn: Conn = { ws, subs: new Set(), queue: [], timer: null };
    this.conns.add(conn);
    ws.on('message', (data) => this.onWsMessage(conn, data));
    ws.on('close', () => this.forget(conn));
    ws.on('error', () => this.forget(conn));
  }

  private forget(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    for (const key of conn.subs) this.topics.get(key)?.delete(conn);
    conn.subs.clear();
    if (conn.timer) clearTimeout(conn.timer);
    conn.queue.length = 0;
  }

  private dropConn(conn: Conn): void {
    this.forget(conn);
    conn.ws.terminate();
  }

  /** Send in order, each frame held back by the current delay fault. */
  private send(conn: Conn, text: string): void {
    const delay = this.faults.delayMs;
    if (delay <= 0 && conn.queue.length === 0) {
      if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(text);
      return;
    }
    const last = conn.queue.length ? conn.queue[conn.queue.length - 1].at : 0;
    conn.queue.push({ at: Math.max(Date.now() + delay, last), text });
    if (!conn.timer) this.drain(conn);
  }

  private drain(conn: Conn): void {
    conn.timer = null;
    const now = Date.now();
    while (conn.queue.length && conn.queue[0].at <= now) {
      const { text } = conn.queue.shift()!;
      if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(text);
    }
    if (conn.queue.length) conn.timer = setTimeout(() => this.drain(conn), conn.queue[0].at - now);
  }

  private broadcast(subs: Set<Conn>, text: string, droppable = false): void {
    for (const c of subs) {
      if (droppable && c.ws.bufferedAmount > MAX_BUFFERED) continue;
      this.send(c, text);
    }
  }

  private reply(conn: Conn, message: unknown): void {
    this.send(conn, JSON.stringify(message));
  }

  private onWsMessage(conn: Conn, data: RawData): void {
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return this.reply(conn, {
        channel: 'error',
        data: `Invalid message: ${data.toString().slice(0, 200)}`,
      });
    }
    if (!isRecord(msg)) return this.reply(conn, { channel: 'error', data: 'Invalid message' });
    switch (msg.method) {
      case 'ping':
        return this.reply(conn, { channel: 'pong' });
      case 'subscribe':
      case 'unsubscribe':
        return this.onSubscription(conn, msg.method, msg.subscription);
      case 'post':
        return this.onPost(conn, msg);
    }
    this.reply(conn, { channel: 'error', data: `Unknown method: ${String(msg.method)}` });
  }

  /** The topic a subscription feeds from, or null when Hyperliquid would call it invalid. */
  private topicOf(sub: Record<string, unknown>): string | null {
    switch (sub.type) {
      case 'l2Book':
      case 'trades':
      case 'activeAssetCtx':
        return typeof sub.coin === 'string' && this.venue.coin(sub.coin) ? `${sub.type}:${sub.coin}` : null;
      case 'allMids':
        return 'allMids';
      case 'orderUpdates':
      case 'userFills':
      case 'clearinghouseState':
        return typeof sub.user === 'string' && ADDRESS_RE.test(sub.user)
          ? `${sub.type}:${sub.user.toLowerCase()}`
          : null;
    }
    return null;
  }

  private onSubscription(conn: Conn, method: 'subscribe' | 'unsubscribe', sub: unknown): void {
    const topic = isRecord(sub) ? this.topicOf(sub) : null;
    if (!topic || !isRecord(sub))
      return this.reply(conn, { channel: 'error', data: `Invalid subscription ${JSON.stringify(sub)}` });
    if (method === 'unsubscribe') {
      if (!conn.subs.delete(topic))
        return this.reply(conn, { channel: 'error', data: `Already unsubscribed: ${JSON.stringify(sub)}` });
      this.topics.get(topic)?.delete(conn);
      return this.reply(conn, { channel: 'subscriptionResponse', data: { method, subscription: sub } });
    }
    if (conn.subs.has(topic))
      return this.reply(conn, { channel: 'error', data: `Already subscribed: ${JSON.stringify(sub)}` });
    conn.subs.add(topic);
    let subs = this.topics.get(topic);
    if (!subs) this.topics.set(topic, (subs = new Set()));
    subs.add(conn);
    this.reply(conn, { channel: 'subscriptionResponse', data: { method, subscription: sub } });
    // what Hyperliquid sends at once on a new subscription
    const [type, key] = topic.split(':');
    const coin = this.venue.coin(key);
    if (type === 'l2Book' && coin) {
      const data = this.venue.l2Book(coin);
      this.lastBooks.set(coin.name, data);
      this.reply(conn, { channel: 'l2Book', data });
    } else if (type === 'trades' && coin) {
      const recent = this.venue.recentPublicTrades(coin.name).slice(-10);
      if (recent.length) this.reply(conn, { channel: 'trades', data: recent });
    } else if (type === 'activeAssetCtx' && coin)
      this.reply(conn, {
        channel: 'activeAssetCtx',
        data: { coin: coin.name, ctx: this.venue.assetCtx(coin) },
      });
    else if (type === 'allMids')
      this.reply(conn, { channel: 'allMids', data: { mids: this.venue.allMids() } });
    else if (type === 'userFills')
      this.reply(conn, {
        channel: 'userFills',
        data: { isSnapshot: true, user: key, fills: this.venue.userFills(key).slice(0, 500) },
      });
    else if (type === 'clearinghouseState') this.reply(conn, this.stateMessage(key));
  }

  private stateMessage(user: string): unknown {
    return {
      channel: 'clearinghouseState',
      data: { dex: '', user, clearinghouseState: this.venue.clearinghouseState(user) },
    };
  }

  private onPost(conn: Conn, msg: Record<string, unknown>): void {
    const id = msg.id;
    const request = msg.request;
    const answer = (response: unknown) => this.reply(conn, { channel: 'post', data: { id, response } });
    if (
      !isRecord(request) ||
      !isRecord(request.payload) ||
      (request.type !== 'info' && request.type !== 'action')
    )
      return answer({ type: 'error', payload: 'Invalid post request' });
    const payload = request.payload;
    const result = request.type === 'info' ? this.info(payload) : this.exchangeAction(payload);
    if (result === 'hang') return;
    if ('text' in result) return answer({ type: 'error', payload: result.text });
    if (request.type === 'info')
      return answer({ type: 'info', payload: { type: payload.type, data: result.json } });
    answer({ type: 'action', payload: result.json });
  }

  // ---- pushes -------------------------------------------------------------------------------------------

  private pushOf(coin: string): CoinPush {
    let p = this.pushes.get(coin);
    if (!p) this.pushes.set(coin, (p = { dirty: true, trades: [], timer: null, last: 0, skip: false }));
    return p;
  }

  private schedulePush(coin: string): void {
    const p = this.pushOf(coin);
    if (p.timer) return;
    // Block cadence is simulated time: a market running 10× pushes books 10× as often.
    const every = BOOK_PUSH_MS / this.exchange.speed;
    p.timer = setTimeout(() => this.flush(coin), Math.max(0, p.last + every - Date.now()));
  }

  /** One serialisation per update, sent to every subscriber of the coin. */
  private flush(name: string): void {
    const p = this.pushOf(name);
    p.timer = null;
    p.last = Date.now();
    const coin = this.venue.coin(name);
    const bookSubs = this.topics.get(`l2Book:${name}`);
    if (coin && p.dirty && bookSubs?.size) {
      p.dirty = false;
      if (p.skip) {
        p.skip = false;
        this.skipped++;
      } else {
        const data = this.venue.l2Book(coin);
        this.lastBooks.set(name, data);
        this.broadcast(bookSubs, JSON.stringify({ channel: 'l2Book', data }), true);
      }
    }
    if (p.trades.length) {
      const subs = this.topics.get(`trades:${name}`);
      if (subs?.size) this.broadcast(subs, JSON.stringify({ channel: 'trades', data: p.trades }));
      p.trades = [];
    }
  }

  private slowPush(): void {
    for (const coin of this.venue.coins) {
      const subs = this.topics.get(`activeAssetCtx:${coin.name}`);
      if (subs?.size)
        this.broadcast(
          subs,
          JSON.stringify({
            channel: 'activeAssetCtx',
            data: { coin: coin.name, ctx: this.venue.assetCtx(coin) },
          }),
        );
    }
    const mids = this.topics.get('allMids');
    if (mids?.size)
      this.broadcast(mids, JSON.stringify({ channel: 'allMids', data: { mids: this.venue.allMids() } }));
    for (const [topic, subs] of this.topics) {
      if (!topic.startsWith('clearinghouseState:') || subs.size === 0) continue;
      this.broadcast(subs, JSON.stringify(this.stateMessage(topic.slice('clearinghouseState:'.length))));
    }
  }
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Start a loopback Hyperliquid over the SimExchange's 'hyperliquid' venue. Pass `{ ...config, ...credentials }`
 * to `new ccxt.hyperliquid(...)` or `new ccxt.pro.hyperliquid(...)` (call `loadHttpProxyAgent()` before any
 * watch: ccxt opens plain ws:// only with it).
 */
export async function startHyperliquidServer(
  exchange: SimExchange,
  opts: HyperliquidServerOptions = {},
): Promise<HyperliquidLoopbackVenue> {
  const host = opts.host ?? '127.0.0.1';
  const privateKey = opts.privateKey ?? HYPERLIQUID_TEST_PRIVATE_KEY;
  const server = new HyperliquidServer(exchange, privateKey, opts);
  const port = await server.listen(opts.port ?? 0, host);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const rest = `http://${urlHost}:${port}`;
  const api = { public: rest, private: rest, ws: { public: `ws://${urlHost}:${port}/ws` } };
  return {
    name: 'hyperliquid',
    ccxt: 'hyperliquid',
    config: {
      // sandbox mode swaps urls.api for urls.test: both lead here
      urls: { api, test: { ...api, ws: { ...api.ws } } },
      options: {
        // only the perps this venue lists: no spot pairs, no HIP-3 dexes
        fetchMarkets: { types: ['swap'] },
        // skip ccxt's first-call approveBuilderFee (it then attaches its builder at f = 0, i.e. no fee)
        approvedBuilderFee: true,
        builderFee: false,
        // skip ccxt's first-call setReferrer
        refSet: true,
        ...(opts.testnet ? { sandboxMode: true } : {}),
      },
    },
    credentials: { walletAddress: server.wallet, privateKey },
    faults: server.faults,
    port,
    close: () => server.close(),
    receivedActions: () => server.receivedActions(),
    builderFees: () => server.builderFees(),
    lastPushedBook: (coin) => server.lastPushedBook(coin),
    skippedBookPushes: () => server.skippedBookPushes(),
  };
}
