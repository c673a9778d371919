// Start the loopback exchanges: one simulated market served as Binance USDⓈ-M and as Hyperliquid on 127.0.0.1.
import { startBinanceServer } from './binance-server.ts';
import type { LoopbackVenue } from './faults.ts';
import { startHyperliquidServer } from './hyperliquid-server.ts';
import { SimExchange, type SimExchangeOptions } from './sim-exchange.ts';

export interface Loopback {
  exchange: SimExchange;
  venues: LoopbackVenue[];
  close(): Promise<void>;
}

/** Accounts the loopback venues accept besides their built-in test keys (the operator's own, with --live). */
export interface LoopbackAccounts {
  binance?: { apiKey: string; secret: string };
  hyperliquid?: { privateKey: string };
}

export async function startLoopback(
  opts: SimExchangeOptions & {
    ports?: { binance?: number; hyperliquid?: number };
    accounts?: LoopbackAccounts;
  },
): Promise<Loopback> {
  const exchange = new SimExchange(opts);
  exchange.start();
  const venues: LoopbackVenue[] = [];
  try {
    const accounts = opts.accounts ?? {};
    venues.push(
      await startBinanceServer(exchange, {
        port: opts.ports?.binance ?? 0,
        accounts: accounts.binance ? [accounts.binance] : [],
      }),
    );
    venues.push(
      await startHyperliquidServer(exchange, {
        port: opts.ports?.hyperliquid ?? 0,
        privateKey: accounts.hyperliquid?.privateKey,
      }),
    );
  } catch (e) {
    exchange.stop();
    await Promise.all(venues.map((v) => v.close()));
    throw e;
  }
  return {
    exchange,
    venues,
    close: async () => {
      await Promise.all(venues.map((v) => v.close()));
      exchange.stop();
    },
  };
}

/** The first line `tradedesk sim-venue` prints: how a plain ccxt client reaches each venue. */
export function describeLoopback(venues: LoopbackVenue[]): string {
  return JSON.stringify({ venues: venues.map((v) => ({ name: v.name, ccxt: v.ccxt, config: v.config })) });
}
