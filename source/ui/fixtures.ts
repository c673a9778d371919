// A fixed, realistic snapshot of a paper desk arbitraging BTC between Binance and Hyperliquid, for UI tests.
import type { Snapshot, StrategyRow } from '../control/protocol.ts';

const T0 = Date.UTC(2025, 5, 2, 14, 30, 0);

/** Equity drifting up from 10 000 USDT with a dip under break-even: deterministic, 40 samples. */
function equityCurve(): number[] {
  return Array.from({ length: 40 }, (_, i) => {
    const dip = i >= 8 && i <= 14 ? -(7 - Math.abs(11 - i)) * 1.1 : 0;
    return Math.round((10_000 + i * 0.32 + Math.sin(i / 3) * 2.4 + dip) * 100) / 100;
  });
}

export const ARB_BTC: StrategyRow = {
  name: 'arb-btc',
  venues: ['binance', 'hyperliquid'],
  symbol: 'BTC/USDT:USDT',
  mode: 'paper',
  state: 'RUNNING',
  netPnl: '12.4731',
  trades: 38,
  idleReason: 'edge 1.2 bp < 19.0 bp needed',
};

export const ARB_ETH: StrategyRow = {
  name: 'arb-eth',
  venues: ['binance', 'hyperliquid'],
  symbol: 'ETH/USDT:USDT',
  mode: 'paper',
  state: 'PAUSED',
  netPnl: '-3.2050',
  trades: 11,
  idleReason: 'paused by operator',
};

export function snapshotFixture(overrides: Partial<Snapshot> = {}): Snapshot {
  const curve = equityCurve();
  return {
    seq: 4812,
    ts: T0,
    mode: 'paper',
    state: 'ACTIVE',
    liveAllowed: false,
    openOrders: 3,
    fills: 76,
    venues: [
      { name: 'binance', connected: true, dataAgeMs: 120 },
      { name: 'hyperliquid', connected: true, dataAgeMs: 85 },
    ],
    strategies: [ARB_BTC, ARB_ETH],
    positions: [
      {
        venue: 'binance',
        symbol: 'BTC/USDT:USDT',
        qty: '0.010',
        entry: '64012.5',
        mark: '64020.1',
        unrealized: '0.076',
        realized: '8.4120',
        fees: '1.9230',
        funding: '-0.1204',
      },
      {
        venue: 'hyperliquid',
        symbol: 'BTC/USDC:USDC',
        qty: '-0.010',
        entry: '64030.0',
        mark: '64025.0',
        unrealized: '0.05',
        realized: '6.1010',
        fees: '1.4410',
        funding: '0.3120',
      },
    ],
    exposure: [{ asset: 'BTC', net: '0.000', gross: '0.020', netNotional: '0.00' }],
    spreads: [
      {
        asset: 'BTC',
        quotes: [
          { venue: 'binance', bid: 64020.1, ask: 64020.2, ageMs: 120, feeSource: 'account' },
          { venue: 'hyperliquid', bid: 64025.0, ask: 64026.0, ageMs: 85, feeSource: 'default' },
        ],
        grossBps: 0.75,
        netBps: -18.25,
        direction: 'buy binance / sell hyperliquid',
      },
      {
        asset: 'ETH',
        quotes: [
          { venue: 'binance', bid: 3150.41, ask: 3150.42, ageMs: 140, feeSource: 'account' },
          { venue: 'hyperliquid', bid: 3151.2, ask: 3151.3, ageMs: 90, feeSource: 'default' },
        ],
        grossBps: 2.48,
        netBps: -16.52,
        direction: 'buy binance / sell hyperliquid',
      },
      {
        asset: 'SOL',
        quotes: [
          { venue: 'binance', bid: 148.52, ask: 148.53, ageMs: 6_400, feeSource: 'account' },
          { venue: 'hyperliquid', bid: 148.31, ask: 148.33, ageMs: 95, feeSource: 'default' },
        ],
        grossBps: -12.8,
        netBps: -31.8,
        direction: 'none',
      },
    ],
    signals: [
      {
        model: 'ofi-lgbm',
        symbol: 'BTC/USDT:USDT',
        prediction: 2.4,
        confidence: 0.61,
        version: 'v3-20250601',
        ageMs: 800,
        drift: false,
      },
      {
        model: 'basis-ridge',
        symbol: 'ETH/USDT:USDT',
        prediction: -1.1,
        confidence: 0.38,
        version: 'v1-20250512',
        ageMs: 4_200,
        drift: true,
      },
    ],
    pnl: {
      start: '10000.00',
      equity: '10012.60',
      realized: '14.5130',
      unrealized: '0.126',
      fees: '3.3640',
      funding: '0.1916',
      net: '12.4731',
      drawdown: '1.2000',
      maxDrawdown: '7.7000',
      curve,
      breakEven: 10_000,
    },
    alerts: [
      {
        id: 3,
        ts: T0 - 5_000,
        severity: 'critical',
        source: 'integrity',
        message: 'journal gap: seq 4790 follows 4788',
      },
      {
        id: 2,
        ts: T0 - 60_000,
        severity: 'warning',
        source: 'risk',
        message: 'order denied: notional 120 USDT over per-order cap 100',
      },
      {
        id: 1,
        ts: T0 - 300_000,
        severity: 'info',
        source: 'binance',
        message: 'websocket reconnected after 2.1 s',
      },
    ],
    ...overrides,
  };
}
