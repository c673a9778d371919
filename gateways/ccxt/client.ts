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
  return client;
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
