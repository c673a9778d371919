// A loopback Binance spot exchange on 127.0.0.1: /api/v3 REST, the /stream market streams (diff depth with U and u,
// no pu) and the WebSocket API user data stream, over the SimExchange's 'binance-spot' venue, so an unmodified ccxt
// `binance` (defaultType 'spot') trades on it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Faults, type LoopbackVenue } from './faults.ts';
import type { SimExchange } from './sim-exchange.ts';
import { BinanceMarket } from './binance-market.ts';
import { StreamHub, parseStream } from './binance-streams.ts';
import { binanceLoopbackConfig } from './binance-server.ts';
import { BinanceSpotAccounts } from './binance-spot-account.ts';
import { SPOT_VENUE, spotBookTicker, spotDepth, spotExchangeInfo } from './binance-spot-market.ts';
import {
  BinanceError,
  binanceRestHandler,
  intParam,
  verifySignature,
  type ApiKey,
  type Ctx,
  type Route,
} from './binance-wire.ts';

/** The test keys this server accepts; the API key also names the SimExchange account it trades. */
export const BINANCE_SPOT_LOOPBACK_CREDENTIALS = {
  apiKey: 'tradedesk-loopback-binance-spot-api-key',
  secret: 'tradedesk-loopback-binance-spot-secret',
} as const;

/** ccxt's `binance` constructor config for this server: spot markets only, spot streams on /stream (ccxt tells spot
 * connections by that path), the user data stream on /ws-api/v3; every other Binance url points here too and 404s. */
export function binanceSpotLoopbackConfig(host: string, port: number): LoopbackVenue['config'] {
  const base = binanceLoopbackConfig(host, port);
  const api = base.urls.api as Record<string, unknown> & { ws: Record<string, unknown> };
  const stream = `WS://${host}:${port}/stream`;
  const spotApi = { ...api, ws: { ...api.ws, spot: stream, margin: stream } };
  return {
    urls: { api: spotApi, test: spotApi, demo: spotApi },
    options: {
      defaultType: 'spot',
      fetchMarkets: { types: ['spot'] },
      // With keys set, loadMarkets would otherwise ask the wallet (sapi) for currencies and margin pairs.
      fetchCurrencies: false,
      fetchMargins: false,
      adjustForTimeDifference: false,
    },
  };
}

export async function startBinanceSpotServer(
  exchange: SimExchange,
  opts: { port?: number; host?: string } = {},
): Promise<LoopbackVenue> {
  const host = opts.host ?? '127.0.0.1';
  const faults = new Faults();
  const market = new BinanceMarket(exchange, { venue: SPOT_VENUE, spot: true });
  const hub = new StreamHub(market, faults);
  const accounts = new BinanceSpotAccounts(market, faults);
  const keys = new Map<string, ApiKey>([
    [
      BINANCE_SPOT_LOOPBACK_CREDENTIALS.apiKey,
      {
        secret: BINANCE_SPOT_LOOPBACK_CREDENTIALS.secret,
        account: BINANCE_SPOT_LOOPBACK_CREDENTIALS.apiKey,
      },
    ],
  ]);
  const rest = binanceRestHandler({ routes: spotRoutes(market, accounts), keys, faults });
  const server = createServer(rest.handle);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const sessions = new Set<WebSocket>();
  // The user data stream lives on WebSocket API sessions, which the market hub does not own: drop them too.
  faults.on('drop', () => {
    for (const ws of sessions) ws.terminate();
  });

  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://loopback');
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/ws-api/v3') {
      wss.handleUpgrade(req, socket, head, (ws) => {
        sessions.add(ws);
        ws.on('close', () => sessions.delete(ws));
        serveSpotWsApi(ws, keys, accounts, faults);
      });
      return;
    }
    const m = /^\/(ws|stream)(?:\/(.+))?$/.exec(path);
    if (!m) return refuse('404 Not Found');
    const combined = m[1] === 'stream';
    const names: string[] = [];
    if (combined) names.push(...(url.searchParams.get('streams') ?? '').split('/').filter(Boolean));
    // ccxt appends a stream index ("/stream/0"); Binance's raw form is "/ws/<stream>".
    else if (m[2] && !/^\d+$/.test(m[2])) names.push(...m[2].split('/').filter(Boolean));
    if (names.some((n) => parseStream(market, n) === null)) return refuse('400 Bad Request');
    wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws, { combined, streams: names }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    name: SPOT_VENUE,
    ccxt: 'binance',
    config: binanceSpotLoopbackConfig(host, port),
    credentials: { ...BINANCE_SPOT_LOOPBACK_CREDENTIALS },
    faults,
    port,
    close: async () => {
      hub.close();
      accounts.close();
      rest.close();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function spotRoutes(market: BinanceMarket, accounts: BinanceSpotAccounts): Map<string, Route> {
  const r = new Map<string, Route>();
  const pub = (run: (params: URLSearchParams) => unknown): Route => ({
    auth: 'NONE',
    run: (c) => run(c.params),
  });
  const signed = (run: (c: Ctx) => unknown, cancel = false): Route => ({ auth: 'SIGNED', run, cancel });
  const each = (params: URLSearchParams, one: (s: ReturnType<BinanceMarket['requireSymbol']>) => unknown) => {
    const { one: single, list } = market.optionalSymbols(params);
    return single ? one(list[0]) : list.map(one);
  };
  const routes: [string, Route][] = [
    ['GET /api/v3/ping', pub(() => ({}))],
    ['GET /api/v3/time', pub(() => ({ serverTime: Date.now() }))],
    ['GET /api/v3/exchangeInfo', pub(() => spotExchangeInfo(market))],
    ['GET /api/v3/depth', pub((p) => spotDepth(market, market.requireSymbol(p), intParam(p, 'limit')))],
    ['GET /api/v3/trades', pub((p) => market.recentTrades(market.requireSymbol(p), p, false))],
    ['GET /api/v3/aggTrades', pub((p) => market.recentTrades(market.requireSymbol(p), p, true))],
    ['GET /api/v3/ticker/bookTicker', pub((p) => each(p, (s) => spotBookTicker(market, s)))],
    ['GET /api/v3/ticker/price', pub((p) => each(p, (s) => market.tickerPrice(s)))],
    ['GET /api/v3/ticker/24hr', pub((p) => each(p, (s) => market.ticker24hr(s)))],
    ['POST /api/v3/order', signed((c) => accounts.placeOrder(c.account, c.params))],
    ['GET /api/v3/order', signed((c) => accounts.getOrder(c.account, c.params))],
    ['DELETE /api/v3/order', signed((c) => accounts.cancelOrder(c.account, c.params), true)],
    ['GET /api/v3/openOrders', signed((c) => accounts.openOrders(c.account, c.params))],
    ['DELETE /api/v3/openOrders', signed((c) => accounts.cancelAllOrders(c.account, c.params), true)],
    ['GET /api/v3/allOrders', signed((c) => accounts.allOrders(c.account, c.params))],
    ['GET /api/v3/myTrades', signed((c) => accounts.myTrades(c.account, c.params))],
    ['GET /api/v3/account', signed((c) => accounts.account(c.account))],
    ['GET /api/v3/account/commission', signed((c) => accounts.commission(c.params))],
    ['GET /sapi/v1/asset/tradeFee', signed((c) => accounts.tradeFee(c.params))],
  ];
  for (const [k, route] of routes) r.set(k, route);
  return r;
}

/**
 * The WebSocket API, as far as spot trading through ccxt needs it: ping, and the user data stream subscribed with a
 * signature (userDataStream.subscribe.signature), whose events arrive as {"subscriptionId","event"}.
 */
function serveSpotWsApi(
  ws: WebSocket,
  keys: Map<string, ApiKey>,
  accounts: BinanceSpotAccounts,
  faults: Faults,
): void {
  const answer = (payload: unknown) => {
    const text = JSON.stringify(payload);
    if (faults.delayMs > 0) setTimeout(() => ws.readyState === ws.OPEN && ws.send(text), faults.delayMs);
    else if (ws.readyState === ws.OPEN) ws.send(text);
  };
  ws.on('message', (data) => {
    let req: { id?: unknown; method?: unknown; params?: unknown };
    try {
      req = JSON.parse(data.toString()) as typeof req;
    } catch {
      return answer({ id: null, status: 400, error: { code: -1000, msg: 'Malformed request.' } });
    }
    const id = req.id ?? null;
    try {
      if (req.method === 'ping') return answer({ id, status: 200, result: {} });
      if (req.method === 'userDataStream.subscribe.signature') {
        const account = verifyWsSignature(keys, req.params);
        const subscriptionId = accounts.subscribe(ws, account);
        return answer({ id, status: 200, result: { subscriptionId } });
      }
      if (req.method === 'userDataStream.unsubscribe') {
        accounts.unsubscribe(ws);
        return answer({ id, status: 200, result: {} });
      }
      throw new BinanceError(
        400,
        -1000,
        `The loopback venue does not serve "${String(req.method)}"; use REST.`,
      );
    } catch (e) {
      const err = e instanceof BinanceError ? e : new BinanceError(500, -1000, (e as Error).message);
      answer({ id, status: err.status, error: err.body() });
    }
  });
  ws.on('error', () => ws.terminate());
}

/** WebSocket API signatures: HMAC-SHA256 over the params sorted by name (without the signature), as Binance signs. */
function verifyWsSignature(keys: Map<string, ApiKey>, raw: unknown): string {
  const params = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const apiKey = params.apiKey;
  if (typeof apiKey !== 'string' || apiKey === '')
    throw new BinanceError(401, -2014, 'API-key format invalid.');
  const key = keys.get(apiKey);
  if (!key)
    throw new BinanceError(
      401,
      -2015,
      'Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1',
    );
  const entries = Object.entries(params)
    .filter(([k]) => k !== 'signature')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${String(v)}`);
  const all = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) all.set(k, String(v));
  verifySignature(key.secret, entries.join('&'), '', all);
  return key.account;
}
