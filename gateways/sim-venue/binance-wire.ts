// Binance wire details shared by the loopback servers (USDⓈ-M and spot): errors, ids, number formatting, and the REST
// front door (request parsing, API keys, HMAC signatures, faults) in front of each server's routes.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fmt, type Fixed } from '../../source/core/money.ts';
import type { Instrument } from '../../source/core/instrument.ts';
import { faultsEndpoint, type Faults } from './faults.ts';

/** A request Binance refuses: HTTP status plus its {"code","msg"} body. */
export class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }

  body(): { code: number; msg: string } {
    return { code: this.code, msg: this.message };
  }
}

export const missingParam = (name: string): BinanceError =>
  new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

export const invalidSymbol = (): BinanceError => new BinanceError(400, -1121, 'Invalid symbol.');

/** Binance's market id of a simulated perp: "BTC/USDT:USDT" → "BTCUSDT". */
export function binanceId(inst: Instrument): string {
  return `${inst.base}${inst.quote}`;
}

/** Prices and sizes as Binance writes them: fixed decimals of the symbol's precision. */
export function priceText(inst: Instrument, price: number): string {
  return price.toFixed(inst.priceDecimals);
}

export function qtyText(inst: Instrument, qty: number): string {
  return qty.toFixed(inst.amountDecimals);
}

/** Money (balances, PnL, commissions) with Binance's 8 decimals. */
export function money(a: Fixed): string {
  return fmt(a, 8);
}

/** Parse an optional integer parameter; malformed → Binance's -1100. */
export function intParam(params: URLSearchParams, name: string): number | undefined {
  const v = params.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v))
    throw new BinanceError(
      400,
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '^-?[0-9]+$'.`,
    );
  return Number(v);
}

/** Parse a decimal parameter (price, quantity); malformed → Binance's -1100. */
export function decimalParam(params: URLSearchParams, name: string): number | undefined {
  const v = params.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(v))
    throw new BinanceError(
      400,
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`,
    );
  return Number(v);
}

/** Is `value` a whole number of `increment`s (within float noise)? */
export function onGrid(value: number, increment: number): boolean {
  const n = value / increment;
  return Math.abs(n - Math.round(n)) < 1e-6;
}

const DEFAULT_RECV_WINDOW = 5000;
const MAX_RECV_WINDOW = 60000;
const MAX_BODY = 1 << 20;

export type Auth = 'NONE' | 'USER_STREAM' | 'SIGNED';

export interface Ctx {
  params: URLSearchParams;
  /** The SimExchange account of the API key, on USER_STREAM and SIGNED endpoints. */
  account: string;
}

export interface Route {
  auth: Auth;
  /** Cancels hang while the hangCancels fault is on. */
  cancel?: boolean;
  run(ctx: Ctx): unknown;
}

/** An API key the server accepts: its secret and the SimExchange account it trades. */
export interface ApiKey {
  secret: string;
  account: string;
}

/** The HTTP side of a loopback Binance: faults, rate limits, keys and signatures, then the route's answer. */
export function binanceRestHandler(o: {
  routes: Map<string, Route>;
  keys: Map<string, ApiKey>;
  faults: Faults;
}): { handle(req: IncomingMessage, res: ServerResponse): void; close(): void } {
  const { routes, keys, faults } = o;
  const hung = new Set<ServerResponse>();

  const reply = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = JSON.stringify(body);
    const send = () => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
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
      return reply(res, 413, { code: -1000, msg: 'Request body too large.' });
    }
    if (url.pathname === '/__faults') return faultsEndpoint(method, body, faults, res);
    if (faults.takeRateLimit())
      return reply(
        res,
        429,
        {
          code: -1003,
          msg: 'Too many requests; current limit of IP(127.0.0.1) is 2400 requests per minute. Please use the websocket for live updates to avoid polling the API.',
        },
        { 'Retry-After': '1' },
      );
    const route = routes.get(`${method} ${url.pathname}`);
    if (!route)
      return reply(res, 404, { code: -5000, msg: `Path ${url.pathname}, Method ${method} is invalid` });
    try {
      const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : '';
      const isForm =
        (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded') ||
        body.includes('=');
      const params = new URLSearchParams(rawQuery);
      if (body && isForm) for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
      let account = '';
      if (route.auth !== 'NONE') {
        const apiKey = req.headers['x-mbx-apikey'];
        if (typeof apiKey !== 'string' || apiKey === '')
          throw new BinanceError(401, -2014, 'API-key format invalid.');
        const key = keys.get(apiKey);
        if (!key)
          throw new BinanceError(
            401,
            -2015,
            'Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1',
          );
        if (route.auth === 'SIGNED') verifySignature(key.secret, rawQuery, isForm ? body : '', params);
        account = key.account;
      }
      if (route.cancel && faults.hangCancels) {
        // The venue swallowed the cancel: no answer ever comes and nothing is cancelled.
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return;
      }
      reply(res, 200, route.run({ params, account }));
    } catch (e) {
      if (e instanceof BinanceError) return reply(res, e.status, e.body());
      reply(res, 500, {
        code: -1000,
        msg: `An unknown error occurred while processing the request. ${(e as Error).message ?? ''}`,
      });
    }
  };
  return {
    handle: (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    },
    close: () => {
      for (const res of hung) res.destroy();
    },
  };
}

/** Binance's SIGNED check: HMAC-SHA256 over query string + body (without the signature), then the recvWindow. */
export function verifySignature(
  secret: string,
  rawQuery: string,
  rawBody: string,
  params: URLSearchParams,
): void {
  const signature = params.get('signature');
  if (!signature) throw missingParam('signature');
  const timestamp = intParam(params, 'timestamp');
  if (timestamp === undefined) throw missingParam('timestamp');
  const recvWindow = intParam(params, 'recvWindow') ?? DEFAULT_RECV_WINDOW;
  if (recvWindow <= 0 || recvWindow > MAX_RECV_WINDOW)
    throw new BinanceError(400, -1131, `recvWindow must be less than ${MAX_RECV_WINDOW}`);
  const strip = (s: string) =>
    s
      .split('&')
      .filter((kv) => kv !== '' && !kv.startsWith('signature='))
      .join('&');
  const payload = strip(rawQuery) + strip(rawBody);
  const expected = createHmac('sha256', secret).update(payload).digest();
  const given = /^[0-9a-fA-F]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new BinanceError(400, -1022, 'Signature for this request is not valid.');
  const now = Date.now();
  if (timestamp > now + 1000)
    throw new BinanceError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");
  if (now - timestamp > recvWindow)
    throw new BinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
