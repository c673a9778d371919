// A loopback Bybit on 127.0.0.1: v5 REST and the v5 public (linear) and private websockets over the SimExchange's
// 'bybit' venue, so an unmodified ccxt `bybit` (REST and pro) trades the linear USDT perpetuals on it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { Faults, type LoopbackVenue } from './faults.ts';
import type { SimExchange } from './sim-exchange.ts';
import { BYBIT_VENUE, BybitMarket } from './bybit-market.ts';
import { BybitAccounts } from './bybit-account.ts';
import { BybitStreams } from './bybit-streams.ts';
import { bybitRestHandler, type ApiKey, type Ctx, type Route } from './bybit-wire.ts';

/** The test keys this server accepts; the API key also names the SimExchange account it trades. */
export const BYBIT_LOOPBACK_CREDENTIALS = {
  apiKey: 'tradedesk-loopback-bybit-api-key',
  secret: 'tradedesk-loopback-bybit-secret',
} as const;

/** ccxt's `bybit` constructor config: every Bybit url it knows points here (live, testnet and demo), linear only. */
export function bybitLoopbackConfig(host: string, port: number): LoopbackVenue['config'] {
  const http = `http://${host}:${port}`;
  // Upper-case scheme: ccxt refuses a lower-case "ws://" url until loadHttpProxyAgent() (see binance-server.ts).
  const ws = `WS://${host}:${port}`;
  const rest = { spot: http, futures: http, v2: http, public: http, private: http };
  const streams = {
    public: {
      linear: `${ws}/v5/public/linear`,
      // Not served (the loopback lists linear perps only), but kept on loopback: these refuse the upgrade.
      spot: `${ws}/v5/public/spot`,
      inverse: `${ws}/v5/public/inverse`,
      option: `${ws}/v5/public/option`,
    },
    private: {
      contract: `${ws}/v5/private`,
      spot: { unified: `${ws}/v5/private`, nonUnified: `${ws}/spot/private/v3` },
      usdc: `${ws}/trade/option/usdc/private/v1`,
      trade: `${ws}/v5/trade`,
    },
  };
  const api = { ...rest, ws: streams };
  return {
    urls: { api, test: api, demotrading: api },
    options: {
      defaultType: 'swap',
      defaultSubType: 'linear',
      defaultSettle: 'USDT',
      fetchMarkets: { types: ['linear'] },
      adjustForTimeDifference: false,
    },
  };
}

export async function startBybitServer(
  exchange: SimExchange,
  opts: { port?: number; host?: string; accounts?: { apiKey: string; secret: string }[] } = {},
): Promise<LoopbackVenue> {
  const host = opts.host ?? '127.0.0.1';
  const faults = new Faults();
  const market = new BybitMarket(exchange);
  const keys = new Map<string, ApiKey>([
    [
      BYBIT_LOOPBACK_CREDENTIALS.apiKey,
      { secret: BYBIT_LOOPBACK_CREDENTIALS.secret, account: BYBIT_LOOPBACK_CREDENTIALS.apiKey },
    ],
    // The operator's own keys: the loopback then stands in for the venue where that account lives.
    ...(opts.accounts ?? []).map((a) => [a.apiKey, { secret: a.secret, account: a.apiKey }] as const),
  ]);
  const streams = new BybitStreams(market, keys, faults);
  const accounts = new BybitAccounts(market, streams, faults);
  const rest = bybitRestHandler({ routes: bybitRoutes(market, accounts, streams), keys, faults });
  const server = createServer(rest.handle);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://loopback').pathname.replace(/\/+$/, '');
    if (path !== '/v5/public/linear' && path !== '/v5/private') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => streams.attach(ws, path === '/v5/private'));
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
    name: BYBIT_VENUE,
    ccxt: 'bybit',
    config: bybitLoopbackConfig(host, port),
    credentials: { ...BYBIT_LOOPBACK_CREDENTIALS },
    faults,
    port,
    close: async () => {
      streams.close();
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

function bybitRoutes(
  market: BybitMarket,
  accounts: BybitAccounts,
  streams: BybitStreams,
): Map<string, Route> {
  const pub = (run: (p: Record<string, string>) => unknown): Route => ({
    auth: false,
    run: (c) => run(c.params),
  });
  const signed = (run: (c: Ctx) => unknown, cancel = false): Route => ({ auth: true, run, cancel });
  const routes: [string, Route][] = [
    [
      'GET /v5/market/time',
      pub(() => {
        const now = Date.now();
        return { timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` };
      }),
    ],
    ['GET /v5/market/instruments-info', pub((p) => market.instrumentsInfo(p))],
    ['GET /v5/market/orderbook', pub((p) => market.orderbook(p, (s) => streams.updateId(s)))],
    ['GET /v5/market/tickers', pub((p) => market.tickers(p))],
    ['GET /v5/user/query-api', signed((c) => accounts.apiKeyInfo(c.account))],
    ['GET /v5/account/info', signed(() => accounts.accountInfo())],
    ['GET /v5/asset/coin/query-info', signed(() => accounts.coins())],
    ['GET /v5/account/fee-rate', signed((c) => accounts.feeRate(c.params))],
    ['GET /v5/account/wallet-balance', signed((c) => accounts.walletBalance(c.account, c.params))],
    ['GET /v5/position/list', signed((c) => accounts.positions(c.account, c.params))],
    ['POST /v5/order/create', signed((c) => accounts.placeOrder(c.account, c.params))],
    ['POST /v5/order/cancel', signed((c) => accounts.cancelOrder(c.account, c.params), true)],
    ['POST /v5/order/cancel-all', signed((c) => accounts.cancelAll(c.account, c.params), true)],
    ['GET /v5/order/realtime', signed((c) => accounts.openOrders(c.account, c.params))],
    ['GET /v5/execution/list', signed((c) => accounts.executions(c.account, c.params))],
  ];
  return new Map(routes);
}
