// Bybit v5 wire details for the loopback Bybit: the {"retCode","retMsg","result"} envelope, errors, the X-BAPI-*
// HMAC signature of REST requests, the websocket auth signature, and the REST front door (faults, keys, routes).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { faultsEndpoint, type Faults } from './faults.ts';

/** A request Bybit refuses: its retCode and retMsg (Bybit answers most refusals with HTTP 200). */
export class BybitError extends Error {
  constructor(
    readonly retCode: number,
    msg: string,
    readonly httpStatus = 200,
  ) {
    super(msg);
  }
}

export const paramError = (msg: string): BybitError => new BybitError(10001, msg);

/** Every v5 answer: retCode 0 and the result, or the error's code and message with an empty result. */
export function envelope(result: unknown, err?: BybitError): unknown {
  return {
    retCode: err ? err.retCode : 0,
    retMsg: err ? err.message : 'OK',
    result: err ? {} : result,
    retExtInfo: {},
    time: Date.now(),
  };
}

/** An API key the server accepts: its secret and the SimExchange account it trades. */
export interface ApiKey {
  secret: string;
  account: string;
}

export interface Ctx {
  /** Query parameters (GET) or the JSON body's fields (POST), as strings. */
  params: Record<string, string>;
  /** The SimExchange account of the API key on private endpoints. */
  account: string;
}

export interface Route {
  auth: boolean;
  /** Cancels hang while the hangCancels fault is on. */
  cancel?: boolean;
  run(ctx: Ctx): unknown;
}

const MAX_RECV_WINDOW = 60_000;
const MAX_BODY = 1 << 20;

function hmacHex(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

function sameHex(given: string, expected: Buffer): boolean {
  const buf = /^[0-9a-fA-F]{64}$/.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
  return buf.length === expected.length && timingSafeEqual(buf, expected);
}

/**
 * Bybit v5's REST check: X-BAPI-SIGN = hex HMAC-SHA256(timestamp + apiKey + recvWindow + (query string | body)),
 * then the timestamp must fall inside the receive window. Returns the key's account.
 */
export function verifyRestSignature(
  keys: Map<string, ApiKey>,
  headers: IncomingMessage['headers'],
  signed: string,
): string {
  const header = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const apiKey = header('x-bapi-api-key');
  const timestamp = header('x-bapi-timestamp');
  const sign = header('x-bapi-sign');
  const recvWindow = header('x-bapi-recv-window') ?? '5000';
  if (!apiKey || !timestamp || !sign)
    throw new BybitError(
      10003,
      `empty value: apiTimestamp[${timestamp ?? ''}] apiKey[${apiKey ?? ''}] apiSignature[${sign ?? ''}]: openapi sign params error!`,
    );
  const key = keys.get(apiKey);
  if (!key) throw new BybitError(10003, 'API key is invalid.');
  const expected = hmacHex(key.secret, timestamp + apiKey + recvWindow + signed);
  if (!sameHex(sign, expected))
    throw new BybitError(
      10004,
      'error sign! origin_string[' + timestamp + apiKey + recvWindow + signed + ']',
    );
  const ts = Number(timestamp);
  const window = Number(recvWindow);
  const now = Date.now();
  if (!Number.isInteger(ts) || !Number.isInteger(window) || window <= 0 || window > MAX_RECV_WINDOW)
    throw new BybitError(10001, 'params error: X-BAPI-TIMESTAMP or X-BAPI-RECV-WINDOW is malformed');
  if (ts > now + 1000 || now - ts > window)
    throw new BybitError(
      10002,
      `invalid request, please check your server timestamp or recv_window param. req_timestamp[${ts}],server_timestamp[${now}],recv_window[${window}]`,
    );
  return key.account;
}

/** The websocket `auth` op: args [apiKey, expires, hex HMAC-SHA256("GET/realtime" + expires)], expires in the future. */
export function verifyWsAuth(keys: Map<string, ApiKey>, args: unknown): string {
  const [apiKey, expires, signature] = Array.isArray(args) ? args.map((a) => String(a)) : [];
  if (!apiKey || !expires || !signature) throw new BybitError(10001, 'Params Error');
  const key = keys.get(apiKey);
  if (!key) throw new BybitError(10003, 'Invalid apikey');
  if (!sameHex(signature, hmacHex(key.secret, 'GET/realtime' + expires)))
    throw new BybitError(10004, 'Invalid sign');
  if (!/^\d+$/.test(expires) || Number(expires) < Date.now()) throw new BybitError(10002, 'Request expired');
  return key.account;
}

/** The HTTP side of the loopback Bybit: faults, rate limits, keys and signatures, then the route's envelope. */
export function bybitRestHandler(o: {
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
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
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
      return reply(res, 413, envelope({}, paramError('request body too large')));
    }
    if (url.pathname === '/__faults') return faultsEndpoint(method, body, faults, res);
    // Bybit's per-UID limit answer: HTTP 200, retCode 10006, and the limit headers.
    if (faults.takeRateLimit())
      return reply(res, 200, envelope({}, new BybitError(10006, 'Too many visits!')), {
        'X-Bapi-Limit': '10',
        'X-Bapi-Limit-Status': '0',
        'X-Bapi-Limit-Reset-Timestamp': String(Date.now() + 1000),
      });
    const route = routes.get(`${method} ${url.pathname}`);
    if (!route) return reply(res, 404, { retCode: 404, retMsg: 'Not Found' });
    try {
      const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : '';
      const params: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(rawQuery)) params[k] = v;
      if (method === 'POST' && body) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          throw paramError('request body is not valid JSON');
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw paramError('request body must be a JSON object');
        for (const [k, v] of Object.entries(parsed)) if (v !== null && v !== undefined) params[k] = String(v);
      }
      let account = '';
      if (route.auth) account = verifyRestSignature(keys, req.headers, method === 'POST' ? body : rawQuery);
      if (route.cancel && faults.hangCancels) {
        // The venue swallowed the cancel: no answer ever comes and nothing is cancelled.
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return;
      }
      reply(res, 200, envelope(route.run({ params, account })));
    } catch (e) {
      if (e instanceof BybitError) return reply(res, e.httpStatus, envelope({}, e));
      reply(res, 200, envelope({}, new BybitError(10016, `Internal System Error. ${(e as Error).message}`)));
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
