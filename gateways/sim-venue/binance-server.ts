// A loopback Binance USDⓈ-M futures exchange on 127.0.0.1: Binance's REST and websocket wire protocol over the
// SimExchange's 'binance' venue, so an unmodified ccxt `binanceusdm` (REST) and `ccxt.pro.binanceusdm` trade on it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Faults, type LoopbackVenue } from './faults.ts';
import type { SimExchange } from './sim-exchange.ts';
import { BinanceAccounts } from './binance-account.ts';
import { BinanceMarket } from './binance-market.ts';
import { StreamHub, parseStream } from './binance-streams.ts';
import { BinanceError, binanceRestHandler, intParam, type Ctx, type Route } from './binance-wire.ts';

/** The test keys this server accepts; the API key also names the SimExchange account it trades. */
export const BINANCE_LOOPBACK_CREDENTIALS = {
  apiKey: 'tradedesk-loopback-binance-api-key',
  secret: 'tradedesk-loopback-binance-secret',
} as const;

/** ccxt's constructor config that points every Binance url it knows at this server and nowhere else. */
export function binanceLoopbackConfig(host: string, port: number): LoopbackVenue['config'] {
  const http = `http://${host}:${port}`;
  // The scheme is written upper case on purpose: ccxt refuses a lower-case "ws://" url unless the caller first runs
  // loadHttpProxyAgent() (its check is a case-sensitive prefix test), while URL schemes are case-insensitive
  // (RFC 3986 §3.1) and the ws library normalizes them — so this config alone is enough for a plain client.
  const ws = `WS://${host}:${port}`;
  const api = {
    fapiPublic: `${http}/fapi/v1`,
    fapiPublicV2: `${http}/fapi/v2`,
    fapiPublicV3: `${http}/fapi/v3`,
    fapiPrivate: `${http}/fapi/v1`,
    fapiPrivateV2: `${http}/fapi/v2`,
    fapiPrivateV3: `${http}/fapi/v3`,
    fapiData: `${http}/futures/data`,
    // The rest of Binance (spot, margin, coin-M, options, portfolio margin) is not served, but it must not leak out:
    // these answer 404 here.
    public: `${http}/api/v3`,
    private: `${http}/api/v3`,
    v1: `${http}/api/v1`,
    sapi: `${http}/sapi/v1`,
    sapiV2: `${http}/sapi/v2`,
    sapiV3: `${http}/sapi/v3`,
    sapiV4: `${http}/sapi/v4`,
    dapiPublic: `${http}/dapi/v1`,
    dapiPrivate: `${http}/dapi/v1`,
    dapiPrivateV2: `${http}/dapi/v2`,
    dapiData: `${http}/futures/data`,
    eapiPublic: `${http}/eapi/v1`,
    eapiPrivate: `${http}/eapi/v1`,
    papi: `${http}/papi/v1`,
    papiV2: `${http}/papi/v2`,
    ws: {
      spot: `${ws}/ws`,
      margin: `${ws}/ws`,
      future: `${ws}/ws`,
      delivery: `${ws}/ws`,
      stock: `${ws}/equity/ws`,
      option: `${ws}/public/ws`,
      optionMarket: `${ws}/market/ws`,
      optionPrivate: `${ws}/private/ws`,
      papi: `${ws}/pm/ws`,
      'ws-api': { spot: `${ws}/ws-api/v3`, future: `${ws}/ws-fapi/v1`, delivery: `${ws}/ws-dapi/v1` },
    },
  };
  return {
    // test and demo too: enabling sandbox or demo trading must not leave the machine either.
    urls: { api, test: api, demo: api },
    options: {
      defaultType: 'swap',
      defaultSubType: 'linear',
      fetchMarkets: { types: ['linear'] },
      // With keys set, loadMarkets would otherwise ask the spot wallet (sapi) for currencies.
      fetchCurrencies: false,
      fetchMargins: false,
      adjustForTimeDifference: false,
    },
  };
}

export async function startBinanceServer(
  exchange: SimExchange,
  opts: { port?: number; host?: string; accounts?: { apiKey: string; secret: string }[] } = {},
): Promise<LoopbackVenue> {
  const host = opts.host ?? '127.0.0.1';
  const faults = new Faults();
  const market = new BinanceMarket(exchange);
  const hub = new StreamHub(market, faults);
  const accounts = new BinanceAccounts(market, hub, faults);
  const keys = new Map<string, { secret: string; account: string }>([
    [
      BINANCE_LOOPBACK_CREDENTIALS.apiKey,
      { secret: BINANCE_LOOPBACK_CREDENTIALS.secret, account: BINANCE_LOOPBACK_CREDENTIALS.apiKey },
    ],
    // The operator's own keys: the loopback then stands in for the venue where that account lives.
    ...(opts.accounts ?? []).map((a) => [a.apiKey, { secret: a.secret, account: a.apiKey }] as const),
  ]);
  const routes = binanceRoutes(market, accounts, faults);
  const rest = binanceRestHandler({ routes, keys, faults });

  const server = createServer(rest.handle);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://loopback');
    const path = url.pathname.replace(/\/+$/, '');
    if (/^\/ws-(fapi|dapi|api)\//.test(path)) {
      wss.handleUpgrade(req, socket, head, (ws) => serveWsApi(ws));
      return;
    }
    const m = /^(?:\/(?:public|market|private|pm))?\/(ws|stream)(?:\/(.+))?$/.exec(path);
    if (!m) return refuse('404 Not Found');
    const combined = m[1] === 'stream';
    const names: string[] = [];
    if (combined) names.push(...(url.searchParams.get('streams') ?? '').split('/').filter(Boolean));
    // ccxt appends a stream index ("/ws/0"); Binance's raw form is "/ws/<stream>" or "/ws/<listenKey>".
    else if (m[2] && !/^\d+$/.test(m[2])) names.push(...m[2].split('/').filter(Boolean));
    let listenKey = url.searchParams.get('listenKey') ?? undefined;
    const streams = names.filter((n) => {
      if (accounts.accountOfListenKey(n) === undefined) return true;
      listenKey = n;
      return false;
    });
    // Neither a stream nor a live listen key (say, one already closed): refused, as Binance refuses it.
    if (streams.some((n) => parseStream(market, n) === null)) return refuse('400 Bad Request');
    let account: string | undefined;
    if (listenKey !== undefined) {
      account = accounts.accountOfListenKey(listenKey);
      if (account === undefined) return refuse('400 Bad Request');
    }
    wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws, { combined, streams, account, listenKey }));
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
    name: 'binance',
    ccxt: 'binanceusdm',
    config: binanceLoopbackConfig(host, port),
    credentials: { ...BINANCE_LOOPBACK_CREDENTIALS },
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

function binanceRoutes(market: BinanceMarket, accounts: BinanceAccounts, faults: Faults): Map<string, Route> {
  const r = new Map<string, Route>();
  const add = (method: string, paths: string[], route: Route) => {
    for (const p of paths) r.set(`${method} ${p}`, route);
  };
  const pub = (run: (params: URLSearchParams) => unknown): Route => ({
    auth: 'NONE',
    run: (c) => run(c.params),
  });
  const signed = (run: (c: Ctx) => unknown, cancel = false): Route => ({ auth: 'SIGNED', run, cancel });
  const each = (params: URLSearchParams, one: (s: ReturnType<BinanceMarket['requireSymbol']>) => unknown) => {
    const { one: single, list } = market.optionalSymbols(params);
    return single ? one(list[0]) : list.map(one);
  };

  add(
    'GET',
    ['/fapi/v1/ping'],
    pub(() => ({})),
  );
  add(
    'GET',
    ['/fapi/v1/time'],
    pub(() => ({ serverTime: Date.now() })),
  );
  add(
    'GET',
    ['/fapi/v1/exchangeInfo'],
    pub(() => market.exchangeInfo()),
  );
  add(
    'GET',
    ['/fapi/v1/depth'],
    pub((p) => market.depth(market.requireSymbol(p), intParam(p, 'limit'))),
  );
  add(
    'GET',
    ['/fapi/v1/trades'],
    pub((p) => market.recentTrades(market.requireSymbol(p), p, false)),
  );
  add(
    'GET',
    ['/fapi/v1/aggTrades'],
    pub((p) => market.recentTrades(market.requireSymbol(p), p, true)),
  );
  add(
    'GET',
    ['/fapi/v1/ticker/bookTicker'],
    pub((p) => each(p, (s) => market.bookTicker(s))),
  );
  add(
    'GET',
    ['/fapi/v1/ticker/price', '/fapi/v2/ticker/price'],
    pub((p) => each(p, (s) => market.tickerPrice(s))),
  );
  add(
    'GET',
    ['/fapi/v1/ticker/24hr'],
    pub((p) => each(p, (s) => market.ticker24hr(s))),
  );
  add(
    'GET',
    ['/fapi/v1/premiumIndex'],
    pub((p) => each(p, (s) => market.premiumIndex(s))),
  );
  add(
    'GET',
    ['/fapi/v1/fundingRate'],
    pub((p) => market.fundingRateHistory(p)),
  );
  add(
    'GET',
    ['/fapi/v1/fundingInfo'],
    pub(() => market.fundingInfo()),
  );

  add(
    'POST',
    ['/fapi/v1/order'],
    signed((c) => accounts.placeOrder(c.account, c.params)),
  );
  add(
    'GET',
    ['/fapi/v1/order'],
    signed((c) => accounts.getOrder(c.account, c.params, false)),
  );
  add(
    'DELETE',
    ['/fapi/v1/order'],
    signed((c) => accounts.cancelOrder(c.account, c.params), true),
  );
  add(
    'GET',
    ['/fapi/v1/openOrder'],
    signed((c) => accounts.getOrder(c.account, c.params, true)),
  );
  add(
    'GET',
    ['/fapi/v1/openOrders'],
    signed((c) => {
      if (faults.takeOpenOrdersRefusal())
        throw new BinanceError(
          503,
          -1001,
          'Internal error; unable to process your request. Please try again.',
        );
      return accounts.openOrders(c.account, c.params);
    }),
  );
  add(
    'DELETE',
    ['/fapi/v1/allOpenOrders'],
    signed((c) => accounts.cancelAllOrders(c.account, c.params), true),
  );
  add(
    'GET',
    ['/fapi/v1/allOrders'],
    signed((c) => accounts.allOrders(c.account, c.params)),
  );
  add(
    'GET',
    ['/fapi/v1/userTrades'],
    signed((c) => accounts.userTrades(c.account, c.params)),
  );
  add(
    'GET',
    ['/fapi/v2/balance', '/fapi/v3/balance'],
    signed((c) => accounts.balance(c.account)),
  );
  add(
    'GET',
    ['/fapi/v2/account'],
    signed((c) => accounts.account(c.account, 2)),
  );
  add(
    'GET',
    ['/fapi/v3/account'],
    signed((c) => accounts.account(c.account, 3)),
  );
  add(
    'GET',
    ['/fapi/v2/positionRisk'],
    signed((c) => accounts.positionRisk(c.account, c.params, 2)),
  );
  add(
    'GET',
    ['/fapi/v3/positionRisk'],
    signed((c) => accounts.positionRisk(c.account, c.params, 3)),
  );
  add(
    'GET',
    ['/fapi/v1/commissionRate'],
    signed((c) => accounts.commissionRate(c.params)),
  );
  add(
    'GET',
    ['/fapi/v1/leverageBracket'],
    signed((c) => accounts.leverageBrackets(c.params)),
  );
  add(
    'POST',
    ['/fapi/v1/leverage'],
    signed((c) => accounts.setLeverage(c.account, c.params)),
  );
  add(
    'POST',
    ['/fapi/v1/marginType'],
    signed((c) => accounts.setMarginType(c.params)),
  );
  add(
    'GET',
    ['/fapi/v1/positionSide/dual'],
    signed(() => ({ dualSidePosition: false })),
  );
  add(
    'POST',
    ['/fapi/v1/positionSide/dual'],
    signed((c) => accounts.setDualSide(c.params)),
  );
  add(
    'GET',
    ['/fapi/v1/accountConfig'],
    signed(() => accounts.accountConfig()),
  );
  add(
    'GET',
    ['/fapi/v1/symbolConfig'],
    signed((c) => accounts.symbolConfig(c.account, c.params)),
  );

  const stream = (run: (account: string) => unknown): Route => ({
    auth: 'USER_STREAM',
    run: (c) => run(c.account),
  });
  add(
    'POST',
    ['/fapi/v1/listenKey'],
    stream((a) => accounts.createListenKey(a)),
  );
  add(
    'PUT',
    ['/fapi/v1/listenKey'],
    stream((a) => accounts.keepAliveListenKey(a)),
  );
  add(
    'DELETE',
    ['/fapi/v1/listenKey'],
    stream((a) => accounts.deleteListenKey(a)),
  );
  return r;
}

/** The websocket API (order entry over ws) is not served: every request gets Binance's error frame. */
function serveWsApi(ws: WebSocket): void {
  ws.on('message', (data) => {
    let id: unknown = null;
    try {
      id = (JSON.parse(data.toString()) as { id?: unknown }).id ?? null;
    } catch {
      /* answer with a null id */
    }
    ws.send(
      JSON.stringify({
        id,
        status: 400,
        error: { code: -1000, msg: 'The loopback venue does not serve the WebSocket API; use REST.' },
      }),
    );
  });
  ws.on('error', () => ws.terminate());
}
