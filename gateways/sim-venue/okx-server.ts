// A loopback OKX on 127.0.0.1: the /api/v5 REST endpoints and the /ws/v5/public and /ws/v5/private websockets that
// ccxt 4.5.84's `okx` uses for linear USDT swaps, over the SimExchange's 'okx' venue, so an unmodified ccxt `okx`
// (REST) and `ccxt.pro.okx` trade on it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { Faults, faultsEndpoint, type LoopbackVenue } from './faults.ts';
import type { TradeEvent } from '../../source/core/market-events.ts';
import type { SimExchange } from './sim-exchange.ts';
import { OkxAccounts } from './okx-account.ts';
import { OkxBooks } from './okx-books.ts';
import { OKX_VENUE, OkxMarket, okxOk, okxPrice } from './okx-market.ts';
import { OkxError, OkxSocket, readBody, verifyLogin, verifyRest, type OkxApiKey } from './okx-wire.ts';

/** The test keys this server accepts (an OKX key has a passphrase too: ccxt's `password`). */
export const OKX_LOOPBACK_CREDENTIALS = {
  apiKey: 'tradedesk-loopback-okx-api-key',
  secret: 'tradedesk-loopback-okx-secret',
  password: 'tradedesk-loopback-okx-passphrase',
} as const;

/** ccxt's `okx` constructor config for this server: swaps only, REST at the root, websockets under /ws/v5. */
export function okxLoopbackConfig(host: string, port: number): LoopbackVenue['config'] {
  // Upper-case scheme: ccxt's ws:// check is case-sensitive, URL schemes are not (see binanceLoopbackConfig).
  const api = { rest: `http://${host}:${port}`, ws: `WS://${host}:${port}/ws/v5` };
  return {
    urls: { api, test: api },
    options: {
      defaultType: 'swap',
      fetchMarkets: { types: ['swap'] },
      adjustForTimeDifference: false,
    },
  };
}

type Handler = (c: { account: string; params: URLSearchParams; body: unknown }) => unknown;
interface Route {
  private: boolean;
  cancel?: boolean;
  /** Answers that carry their own code (batch results); others are wrapped as {"code":"0","data":[…]}. */
  raw?: boolean;
  run: Handler;
}

export async function startOkxServer(
  exchange: SimExchange,
  opts: { port?: number; host?: string } = {},
): Promise<LoopbackVenue> {
  const host = opts.host ?? '127.0.0.1';
  const faults = new Faults();
  const market = new OkxMarket(exchange);
  const books = new OkxBooks(market, faults);
  const accounts = new OkxAccounts(market, faults);
  const keys = new Map<string, OkxApiKey>([
    [
      OKX_LOOPBACK_CREDENTIALS.apiKey,
      {
        secret: OKX_LOOPBACK_CREDENTIALS.secret,
        passphrase: OKX_LOOPBACK_CREDENTIALS.password,
        account: OKX_LOOPBACK_CREDENTIALS.apiKey,
      },
    ],
  ]);
  const routes = okxRoutes(market, accounts);
  const hung = new Set<ServerResponse>();

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    const send = () => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(text);
    };
    if (faults.delayMs > 0) setTimeout(send, faults.delayMs);
    else send();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const method = req.method ?? 'GET';
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return reply(res, 413, { code: '50000', msg: 'Body too large', data: [] });
    }
    if (url.pathname === '/__faults') return faultsEndpoint(method, body, faults, res);
    if (faults.takeRateLimit()) return reply(res, 429, { code: '50011', msg: 'Too Many Requests', data: [] });
    const route = routes.get(`${method} ${url.pathname}`);
    if (!route) return reply(res, 404, { code: '404', msg: `Not Found ${method} ${url.pathname}`, data: [] });
    try {
      const account = route.private ? verifyRest(keys, req, url.pathname + url.search, body) : '';
      let parsed: unknown = undefined;
      if (method === 'POST') {
        try {
          parsed = JSON.parse(body || 'null');
        } catch {
          throw new OkxError(400, '50002', 'JSON syntax error');
        }
      }
      if (route.cancel && faults.hangCancels) {
        // The venue swallowed the cancel: no answer ever comes and nothing is cancelled.
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return;
      }
      const out = route.run({ account, params: url.searchParams, body: parsed });
      reply(res, 200, route.raw ? out : okxOk(out as unknown[]));
    } catch (e) {
      if (e instanceof OkxError) return reply(res, e.status, e.body());
      reply(res, 500, { code: '50026', msg: `System error: ${(e as Error).message}`, data: [] });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const sockets = new Set<OkxSocket>();
  const publicTrades = new Map<OkxSocket, Set<string>>();
  let nextTradeId = 1;
  const offMarket = exchange.onMarket((ev) => {
    if (ev.kind !== 'trade' || ev.venue !== OKX_VENUE) return;
    const s = market.bySimSymbol(ev.symbol);
    if (!s) return;
    const text = JSON.stringify({
      arg: { channel: 'trades', instId: s.instId },
      data: [tradeJson(market, s.instId, ev, nextTradeId++)],
    });
    for (const [sock, ids] of publicTrades) if (ids.has(s.instId)) sock.send(text);
  });
  faults.on('drop', () => {
    for (const s of sockets) s.ws.terminate();
  });
  faults.on('malformed', () => {
    // Book subscribers get a book frame cut short (OkxBooks); everyone else a cut-off frame of its own.
    for (const s of sockets)
      if (!books.has(s)) s.send('{"arg":{"channel":"orders","instType":"ANY"},"data":[{"instId":');
  });

  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://loopback').pathname.replace(/\/+$/, '');
    const kind = path === '/ws/v5/public' ? 'public' : path === '/ws/v5/private' ? 'private' : undefined;
    if (!kind) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const sock = new OkxSocket(ws, faults);
      sockets.add(sock);
      ws.on('close', () => {
        sockets.delete(sock);
        sock.close();
        books.unsubscribe(sock);
        publicTrades.delete(sock);
        accounts.drop(sock);
      });
      ws.on('error', () => ws.terminate());
      ws.on('message', (data) => onFrame(kind, sock, data.toString()));
    });
  });

  const connId = (sock: OkxSocket) => `c${[...sockets].indexOf(sock) + 1}`;
  const onFrame = (kind: 'public' | 'private', sock: OkxSocket, text: string) => {
    if (text === 'ping') return sock.send('pong');
    let msg: { op?: unknown; args?: unknown; id?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return sock.send(
        JSON.stringify({
          event: 'error',
          code: '60012',
          msg: `Invalid request: ${text.slice(0, 100)}`,
          connId: connId(sock),
        }),
      );
    }
    const error = (code: string, message: string) =>
      sock.send(JSON.stringify({ event: 'error', code, msg: message, connId: connId(sock) }));
    if (msg.op === 'login') {
      if (kind !== 'private') return error('60018', 'Wrong URL or channel: login needs /ws/v5/private');
      const result = verifyLogin(keys, msg.args);
      if ('code' in result) return error(result.code, result.msg);
      accounts.login(sock, result.account);
      return sock.send(JSON.stringify({ event: 'login', code: '0', msg: '', connId: connId(sock) }));
    }
    if (msg.op !== 'subscribe' && msg.op !== 'unsubscribe')
      return error('60012', `Invalid request: ${text.slice(0, 100)}`);
    const args = Array.isArray(msg.args) ? (msg.args as Record<string, unknown>[]) : [];
    for (const arg of args) {
      const channel = String(arg?.channel ?? '');
      const s = market.byInstId(typeof arg?.instId === 'string' ? arg.instId : undefined);
      try {
        if (msg.op === 'unsubscribe') {
          if (channel === 'books') books.unsubscribe(sock, s?.instId);
          if (channel === 'trades' && s) publicTrades.get(sock)?.delete(s.instId);
          sock.send(JSON.stringify({ event: 'unsubscribe', arg, connId: connId(sock) }));
          continue;
        }
        if (kind === 'public') {
          if ((channel !== 'books' && channel !== 'trades') || !s)
            throw new OkxError(
              200,
              '60018',
              `Wrong URL or channel:${channel},instId:${String(arg?.instId)} doesn't exist.`,
            );
          sock.send(JSON.stringify({ event: 'subscribe', arg, connId: connId(sock) }));
          if (channel === 'books') books.subscribe(sock, s);
          else {
            const ids = publicTrades.get(sock) ?? new Set<string>();
            ids.add(s.instId);
            publicTrades.set(sock, ids);
          }
        } else {
          accounts.subscribe(sock, arg);
          // The ack goes first: the positions and account snapshots follow it.
        }
      } catch (e) {
        if (e instanceof OkxError) error(e.code, e.message);
        else error('60012', (e as Error).message);
      }
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    name: OKX_VENUE,
    ccxt: 'okx',
    config: okxLoopbackConfig(host, port),
    credentials: { ...OKX_LOOPBACK_CREDENTIALS },
    faults,
    port,
    close: async () => {
      offMarket();
      books.close();
      accounts.close();
      for (const res of hung) res.destroy();
      for (const s of sockets) s.close();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function tradeJson(market: OkxMarket, instId: string, t: TradeEvent, id: number): unknown {
  const s = market.byInstId(instId)!;
  return {
    instId,
    tradeId: String(id),
    px: okxPrice(s.inst, t.price),
    sz: market.contracts(s, t.size),
    side: t.side,
    count: '1',
    source: '0',
    ts: String(t.ts),
  };
}

function okxRoutes(market: OkxMarket, accounts: OkxAccounts): Map<string, Route> {
  const pub = (run: (p: URLSearchParams) => unknown[]): Route => ({
    private: false,
    run: (c) => run(c.params),
  });
  const priv = (run: Handler, extra: Partial<Route> = {}): Route => ({ private: true, run, ...extra });
  const symbolOf = (p: URLSearchParams) => {
    const s = market.byInstId(p.get('instId'));
    if (!s) throw new OkxError(200, '51001', "Instrument ID doesn't exist.");
    return s;
  };
  const routes: [string, Route][] = [
    ['GET /api/v5/public/time', pub(() => [{ ts: String(Date.now()) }])],
    ['GET /api/v5/system/status', pub(() => [])],
    ['GET /api/v5/public/instruments', pub((p) => market.instruments(p.get('instType')))],
    ['GET /api/v5/public/funding-rate', pub((p) => [market.fundingRate(symbolOf(p))])],
    [
      'GET /api/v5/market/books',
      pub((p) => [market.books(symbolOf(p), Math.min(400, Number(p.get('sz') ?? 1) || 1))]),
    ],
    // With keys set, ccxt's loadMarkets asks for the currencies (chains, deposit rules); the swaps need none.
    ['GET /api/v5/asset/currencies', priv(() => [])],
    [
      'GET /api/v5/account/config',
      priv((c) => [
        {
          uid: c.account,
          acctLv: '2',
          posMode: 'net_mode',
          autoLoan: false,
          greeksType: 'PA',
          level: 'Lv1',
          levelTmp: '',
          ctIsoMode: 'automatic',
          mgnIsoMode: 'automatic',
        },
      ]),
    ],
    ['GET /api/v5/account/trade-fee', priv((c) => accounts.tradeFee(c.params))],
    ['GET /api/v5/account/balance', priv((c) => accounts.balance(c.account))],
    ['GET /api/v5/account/positions', priv((c) => accounts.positions(c.account, c.params))],
    ['POST /api/v5/trade/order', priv((c) => accounts.placeOrders(c.account, c.body, false), { raw: true })],
    [
      'POST /api/v5/trade/batch-orders',
      priv((c) => accounts.placeOrders(c.account, c.body, true), { raw: true }),
    ],
    [
      'POST /api/v5/trade/cancel-order',
      priv((c) => accounts.cancelOrders(c.account, c.body, false), { raw: true, cancel: true }),
    ],
    [
      'POST /api/v5/trade/cancel-batch-orders',
      priv((c) => accounts.cancelOrders(c.account, c.body, true), { raw: true, cancel: true }),
    ],
    ['GET /api/v5/trade/orders-pending', priv((c) => accounts.pending(c.account, c.params))],
    ['GET /api/v5/trade/order', priv((c) => accounts.order(c.account, c.params))],
    ['GET /api/v5/trade/fills', priv((c) => accounts.fills(c.account, c.params))],
    ['GET /api/v5/trade/fills-history', priv((c) => accounts.fills(c.account, c.params))],
  ];
  return new Map(routes);
}
