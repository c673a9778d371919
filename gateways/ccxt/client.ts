// Build a ccxt pro client for a centralized exchange, loading ccxt only when a venue actually needs it.
import type { CcxtProClient } from './ccxt-feed.ts';
import { bybitProClass } from './bybit-client.ts';

export interface CcxtClientConfig {
  /** ccxt class id: "binanceusdm", "binance", "bybit", "okx", … */
  ccxt: string;
  urls?: Record<string, unknown>;
  options?: Record<string, unknown>;
  /** apiKey/secret/password/walletAddress/privateKey; absent for market data only. */
  credentials?: Record<string, string>;
  timeoutMs?: number;
}

export type ProClass = new (config: Record<string, unknown>) => CcxtProClient & {
  urls: Record<string, unknown>;
  loadHttpProxyAgent(): Promise<unknown>;
};

export async function ccxtProClass(id: string): Promise<ProClass> {
  const ccxt = (await import('ccxt')).default as unknown as { pro: Record<string, ProClass> };
  const cls = ccxt.pro[id];
  if (!cls) throw new Error(`ccxt has no websocket (pro) class "${id}"`);
  return cls;
}

/** Construct and prepare: ccxt refuses plain ws:// (loopback) urls until its http agent is loaded. */
export async function prepareClient<
  T extends CcxtProClient & { urls: Record<string, unknown>; loadHttpProxyAgent(): Promise<unknown> },
>(client: T): Promise<T> {
  if (JSON.stringify(client.urls).includes('"ws://')) await client.loadHttpProxyAgent();
  guardSockets(client as unknown as SocketOwner);
  return client;
}

interface SocketOwner {
  client(url: string): {
    send(message: unknown): Promise<unknown>;
    future(messageHash: string): Promise<unknown>;
  } & { guarded?: boolean };
}

/**
 * Two promises ccxt drops, each of which ends a Node process as an unhandled rejection:
 * - With rate limiting on, ccxt sends a subscription from inside a throttle callback and drops the promise: a socket
 *   that closes at that moment rejects it ("WebSocket is not open"). The close itself already fails the watch (and our
 *   feed retries it), so the lost send needs no second voice.
 * - Binance spot's user stream logon parks a "flight" future (`authenticate:…`) for concurrent callers, then rejects
 *   it when the venue refuses the key, with nobody waiting on it. The logon throws the same error to its own caller,
 *   and any concurrent caller awaits the flight itself, so the flight's rejection needs no second voice either.
 */
function guardSockets(owner: SocketOwner): void {
  const clientFor = owner.client.bind(owner);
  owner.client = (url) => {
    const socket = clientFor(url);
    if (!socket.guarded) {
      const send = socket.send.bind(socket);
      socket.send = (message) => {
        const sent = send(message);
        sent?.catch?.(() => undefined);
        return sent;
      };
      const future = socket.future.bind(socket);
      socket.future = (messageHash) => {
        const flight = future(messageHash);
        if (messageHash.startsWith('authenticate:')) flight?.catch?.(() => undefined);
        return flight;
      };
      socket.guarded = true;
    }
    return socket;
  };
}

export async function createCcxtClient(config: CcxtClientConfig): Promise<CcxtProClient> {
  // Bybit's book stream needs its update ids checked, which ccxt's own class does not do.
  const Cls = config.ccxt === 'bybit' ? await bybitProClass() : await ccxtProClass(config.ccxt);
  const probe = new Cls({});
  const client = new Cls({
    ...config.credentials,
    ...(config.urls ? { urls: mergeDeep(probe.urls, config.urls) } : {}),
    options: config.options ?? {},
    timeout: config.timeoutMs ?? 10_000,
    enableRateLimit: true,
  });
  return prepareClient(client);
}

export function mergeDeep(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlain(v) && isPlain(b) ? mergeDeep(b, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
