// The simulated venues' instruments and the per-asset numbers that drive the simulated market.
import { decimalsOf, type Instrument } from '../../source/core/instrument.ts';

export const SIM_VENUES = ['binance', 'hyperliquid'] as const;
export type SimVenue = (typeof SIM_VENUES)[number];

/** The interest part of Hyperliquid's hourly funding: 0.01 % per 8 h. */
export const HYPERLIQUID_INTEREST_PER_HOUR = 0.0000125;

export const DEFAULT_SIM_ASSETS = ['BTC', 'ETH', 'SOL'];

export interface SimAssetSpec {
  base: string;
  startPrice: number;
  /** Annualised volatility of the diffusive part (the GARCH long-run level), jumps not included. */
  annualVol: number;
  /** Mean time between jumps of the fair price, seconds. */
  jumpMeanIntervalS: number;
  /** Jump size range in bp, drawn uniformly, random sign. */
  jumpBps: [min: number, max: number];
  /** Mean time between venue-only dislocations (a book swept on one venue), seconds. */
  dislocationMeanIntervalS: number;
  dislocationBps: [min: number, max: number];
  binance: { tick: number; step: number; minNotional: number };
  hyperliquidSzDecimals: number;
  /** Resting size per book level, in base units: typical size near the top, and hard bounds. */
  levelSize: { typical: number; min: number; max: number };
  /** Smallest public trade; trade sizes are Pareto-tailed above it. */
  tradeSizeMin: number;
}

export const SIM_ASSETS: Readonly<Record<string, SimAssetSpec>> = {
  BTC: {
    base: 'BTC',
    startPrice: 64_000,
    annualVol: 0.5,
    jumpMeanIntervalS: 3_600,
    jumpBps: [10, 30],
    dislocationMeanIntervalS: 90,
    dislocationBps: [15, 45],
    binance: { tick: 0.1, step: 0.001, minNotional: 100 },
    hyperliquidSzDecimals: 5,
    levelSize: { typical: 0.8, min: 0.05, max: 3 },
    tradeSizeMin: 0.002,
  },
  ETH: {
    base: 'ETH',
    startPrice: 3_400,
    annualVol: 0.65,
    jumpMeanIntervalS: 3_600,
    jumpBps: [10, 30],
    dislocationMeanIntervalS: 90,
    dislocationBps: [15, 45],
    binance: { tick: 0.01, step: 0.001, minNotional: 20 },
    hyperliquidSzDecimals: 4,
    levelSize: { typical: 10, min: 1, max: 40 },
    tradeSizeMin: 0.03,
  },
  SOL: {
    base: 'SOL',
    startPrice: 150,
    annualVol: 0.85,
    jumpMeanIntervalS: 3_600,
    jumpBps: [10, 30],
    dislocationMeanIntervalS: 90,
    dislocationBps: [15, 45],
    binance: { tick: 0.01, step: 1, minNotional: 5 },
    hyperliquidSzDecimals: 2,
    levelSize: { typical: 200, min: 20, max: 800 },
    tradeSizeMin: 0.5,
  },
};

export function simAssetSpec(base: string): SimAssetSpec {
  const spec = SIM_ASSETS[base];
  if (!spec)
    throw new RangeError(`no simulated market for asset "${base}" (have ${Object.keys(SIM_ASSETS)})`);
  return spec;
}

function binanceInstrument(spec: SimAssetSpec): Instrument {
  const { tick, step, minNotional } = spec.binance;
  return {
    venue: 'binance',
    symbol: `${spec.base}/USDT:USDT`,
    base: spec.base,
    quote: 'USDT',
    tick,
    priceSigFigs: 0,
    priceDecimals: decimalsOf(tick),
    step,
    amountDecimals: decimalsOf(step),
    minNotional,
    makerFee: '0.0002',
    takerFee: '0.0005',
    fundingIntervalHours: 8,
  };
}

function hyperliquidInstrument(spec: SimAssetSpec): Instrument {
  const sz = spec.hyperliquidSzDecimals;
  return {
    venue: 'hyperliquid',
    symbol: `${spec.base}/USDC:USDC`,
    base: spec.base,
    quote: 'USDC',
    tick: 0,
    priceSigFigs: 5,
    priceDecimals: 6 - sz,
    step: Number((10 ** -sz).toFixed(sz)),
    amountDecimals: sz,
    minNotional: 10,
    makerFee: '0.00015',
    takerFee: '0.00045',
    fundingIntervalHours: 1,
  };
}

/** One instrument per venue × asset, venue-major: all binance books first, then hyperliquid. */
export function simInstruments(assets: string[] = DEFAULT_SIM_ASSETS): Instrument[] {
  const specs = assets.map(simAssetSpec);
  return [...specs.map(binanceInstrument), ...specs.map(hyperliquidInstrument)];
}

/** One simulated venue's instrument for an asset (the venues' real precision, limits and fees). */
export function simInstrument(venue: SimVenue, base: string): Instrument {
  const inst = simInstruments([base]).find((i) => i.venue === venue);
  if (!inst) throw new RangeError(`no simulated ${base} on ${venue}`);
  return inst;
}
