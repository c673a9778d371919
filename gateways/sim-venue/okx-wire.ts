// OKX wire details of the loopback: errors in OKX's envelope, the OK-ACCESS-* REST signature and the websocket login,
// and a websocket sender that honours the delay fault without reordering frames.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { Faults } from './faults.ts';

/** A request OKX refuses: HTTP status, its top-level code and message, and per-order results when it has them. */
export class OkxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    msg: string,
    readonly data: unknown[] = [],
  ) {
    super(msg);
  }

  body(): { code: string; msg: string; data: unknown[] } {
    return { code: this.code, msg: this.message, data: this.data };
  }
}

/** The keys this loopback accepts: OKX API keys come with a secret and a passphrase (ccxt's `password`). */
export interface OkxApiKey {
  secret: string;
  passphrase: string;
  /** The SimExchange account it trades. */
  account: string;
}

/** OKX refuses requests whose timestamp is more than 30 s off its clock. */
const MAX_SKEW_MS = 30_000;
const MAX_BODY = 1 << 20;

/** OKX's signature: base64(HMAC-SHA256(secret, prehash)). */
export function okxSign(secret: string, prehash: string): string {
  return createHmac('sha256', secret).update(prehash).digest('base64');
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A private REST request's OK-ACCESS-* headers, checked as OKX checks them: the key, the passphrase, an ISO 8601
 * timestamp within 30 s, and the signature over timestamp + method + requestPath (with its query) + body.
 */
export function verifyRest(
  keys: Map<string, OkxApiKey>,
  req: IncomingMessage,
  requestPath: string,
  body: string,
): string {
  const header = (name: string) => {
    const v = req.headers[name];
    return typeof v === 'string' ? v : '';
  };
  const apiKey = header('ok-access-key');
  const sign = header('ok-access-sign');
  const timestamp = header('ok-access-timestamp');
  const passphrase = header('ok-access-passphrase');
  if (!apiKey) throw new OkxError(401, '50103', 'Request header "OK-ACCESS-KEY" cannot be empty.');
  if (!passphrase) throw new OkxError(401, '50104', 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.');
  if (!sign) throw new OkxError(401, '50106', 'Request header "OK-ACCESS-SIGN" cannot be empty.');
  if (!timestamp) throw new OkxError(401, '50107', 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.');
  const key = keys.get(apiKey);
  if (!key) throw new OkxError(401, '50111', 'Invalid OK-ACCESS-KEY.');
  const ts = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(timestamp) ? Date.parse(timestamp) : NaN;
  if (!Number.isFinite(ts)) throw new OkxError(401, '50112', 'Invalid OK-ACCESS-TIMESTAMP.');
  if (Math.abs(Date.now() - ts) > MAX_SKEW_MS) throw new OkxError(401, '50102', 'Timestamp request expired.');
  if (!sameSignature(passphrase, key.passphrase))
    throw new OkxError(401, '50105', 'Request header "OK-ACCESS-PASSPHRASE" incorrect.');
  const expected = okxSign(key.secret, timestamp + (req.method ?? 'GET') + requestPath + body);
  if (!sameSignature(sign, expected)) throw new OkxError(401, '50113', 'Invalid Sign.');
  return key.account;
}

/**
 * The websocket login ({"op":"login","args":[{apiKey, passphrase, timestamp, sign}]}): the timestamp in seconds,
 * the signature over timestamp + "GET" + "/users/self/verify". Returns the account, or the OKX error frame's code.
 */
export function verifyLogin(
  keys: Map<string, OkxApiKey>,
  args: unknown,
): { account: string } | { code: string; msg: string } {
  const a = (Array.isArray(args) ? args[0] : undefined) as Record<string, unknown> | undefined;
  const text = (k: string) => (a && typeof a[k] === 'string' ? (a[k] as string) : '');
  const key = keys.get(text('apiKey'));
  if (!key) return { code: '60005', msg: `Invalid OK-ACCESS-KEY` };
  const ts = Number(text('timestamp'));
  if (!/^\d+(\.\d+)?$/.test(text('timestamp')) || Math.abs(Date.now() / 1000 - ts) > MAX_SKEW_MS / 1000)
    return { code: '60004', msg: 'Invalid timestamp' };
  if (!sameSignature(text('passphrase'), key.passphrase)) return { code: '60024', msg: 'Wrong passphrase' };
  if (!sameSignature(text('sign'), okxSign(key.secret, `${text('timestamp')}GET/users/self/verify`)))
    return { code: '60009', msg: 'Login failed.' };
  return { account: key.account };
}

export function readBody(req: IncomingMessage): Promise<string> {
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

/** One websocket's outbox: frames wait out the delay fault in order, so lifting it never lets a later frame pass. */
export class OkxSocket {
  private readonly queue: { at: number; text: string }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly ws: WebSocket,
    private readonly faults: Faults,
  ) {}

  send(text: string): void {
    if (this.faults.delayMs <= 0 && this.queue.length === 0) {
      if (this.ws.readyState === this.ws.OPEN) this.ws.send(text);
      return;
    }
    this.queue.push({ at: Date.now() + this.faults.delayMs, text });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const now = Date.now();
        while (this.queue.length > 0 && this.queue[0].at <= now) {
          const { text } = this.queue.shift()!;
          if (this.ws.readyState === this.ws.OPEN) this.ws.send(text);
        }
        this.schedule();
      },
      Math.max(0, this.queue[0].at - Date.now()),
    );
  }

  close(): void {
    clearTimeout(this.timer);
    this.queue.length = 0;
  }
}
