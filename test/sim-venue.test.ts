// tradedesk sim-venue: its first stdout line points a plain ccxt client at each loopback venue.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { BIN } from './run-cli.ts';

describe('tradedesk sim-venue', () => {
  it('prints the ccxt constructor options first, and a plain ccxt client reads books from each venue', async () => {
    const child = spawn(process.execPath, [BIN, 'sim-venue', '--seed', '4', '--duration', '30'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        void exited.then((code) => reject(new Error(`exited ${code}`)));
      });
      const { venues } = JSON.parse(first) as {
        venues: { name: string; ccxt: string; config: { urls: object; options: object } }[];
      };
      expect(venues.map((v) => [v.name, v.ccxt])).toEqual([
        ['binance', 'binanceusdm'],
        ['hyperliquid', 'hyperliquid'],
        ['binance-spot', 'binance'],
        ['bybit', 'bybit'],
        ['okx', 'okx'],
      ]);
      for (const v of venues) {
        const Cls = (
          ccxt as unknown as {
            pro: Record<
              string,
              new (c: object) => {
                loadHttpProxyAgent(): Promise<unknown>;
                loadMarkets(): Promise<unknown>;
                watchOrderBook(s: string): Promise<{ bids: number[][]; asks: number[][] }>;
                close(): Promise<unknown>;
              }
            >;
          }
        ).pro[v.ccxt];
        const client = new Cls({ ...v.config });
        await client.loadHttpProxyAgent();
        try {
          await client.loadMarkets();
          const symbol =
            {
              binance: 'BTC/USDT:USDT',
              hyperliquid: 'BTC/USDC:USDC',
              bybit: 'BTC/USDT:USDT',
              okx: 'BTC/USDT:USDT',
            }[v.name] ?? 'BTC/USDT';
          const book = await client.watchOrderBook(symbol);
          expect(book.bids.length, v.name).toBeGreaterThanOrEqual(20);
          expect(book.bids[0][0]).toBeLessThan(book.asks[0][0]);
        } finally {
          await client.close();
        }
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
