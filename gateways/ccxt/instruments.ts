// ccxt markets → our Instrument: precision, limits and default fees as the venue states them.
import { decimalsOf, type Instrument } from '../../source/core/instrument.ts';
import { numberToDecimalString } from '../../source/core/money.ts';
import { contractSizeOf, contractsToBase } from './contract-size.ts';

/** The subset of a ccxt market we read (ccxt's precisionMode is TICK_SIZE for the venues we use). */
export interface CcxtMarket {
  symbol: string;
  base: string;
  quote: string;
  settle?: string;
  /** Perpetuals and futures pay funding; spot does not. */
  contract?: boolean;
  /** Base units per contract where the venue counts amounts in contracts (OKX swaps); 1 or absent elsewhere (spot, most linear perps). */
  contractSize?: number;
  maker?: number;
  taker?: number;
  precision: { price?: number; amount?: number };
  limits: { cost?: { min?: number }; amount?: { min?: number } };
}

export interface InstrumentQuirks {
  /** Maximum significant figures of a price (Hyperliquid: 5). */
  priceSigFigs?: number;
  fundingIntervalHours?: number;
  /** Venue minimum notional when ccxt's market does not carry one. */
  minNotional?: number;
}

export function instrumentFromMarket(
  venue: string,
  m: CcxtMarket,
  quirks: InstrumentQuirks = {},
): Instrument {
  const tick = m.precision.price ?? 0.01;
  // The venue's amount step is in contracts; ours is in base units.
  const step = contractsToBase(m.precision.amount ?? 0.001, contractSizeOf(m));
  return {
    venue,
    symbol: m.symbol,
    base: m.base,
    quote: m.settle ?? m.quote,
    tick: quirks.priceSigFigs ? 0 : tick,
    priceSigFigs: quirks.priceSigFigs ?? 0,
    priceDecimals: decimalsOf(tick),
    step,
    amountDecimals: decimalsOf(step),
    minNotional: m.limits.cost?.min ?? quirks.minNotional ?? 0,
    makerFee: numberToDecimalString(m.maker ?? 0.0002),
    takerFee: numberToDecimalString(m.taker ?? 0.0005),
    // Spot pays no funding: no interval.
    fundingIntervalHours: m.contract === false ? 0 : (quirks.fundingIntervalHours ?? 8),
    feeSource: 'default',
  };
}
