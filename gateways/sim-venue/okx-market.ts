// The loopback OKX market: linear USDT perpetuals mirrored off the simulated Binance perp books (zero basis), their
// contract terms (ctVal: sizes on the wire are contracts), and the public /api/v5 answers in OKX's shapes.
import type { Instrument } from '../../source/core/instrument.ts';
import { div, fx, mul, numberToDecimalString, roundTo, str } from '../../source/core/money.ts';
import type { SimExchange } from './sim-exchange.ts';

/** Our name for the loopback OKX venue, in the SimExchange and in `tradedesk sim-venue`'s first line. */
export const OKX_VENUE = 'okx';
/** The perp venue whose books and trades the OKX books mirror. */
export const OKX_SOURCE_VENUE = 'binance';
/** Base units per contract, as OKX lists its USDT swaps (BTC-USDT-SWAP is 0.01 BTC a contract). */
const CONTRACT_VALUE: Readonly<Record<string, string>> = { BTC: '0.01', ETH: '0.1', SOL: '1' };
/** lotSz and minSz of the USDT swaps, in contracts. */
const LOT_SIZE = '0.01';
/** OKX's base-tier swap fees, the market default ccxt also assumes. */
const OKX_DEFAULT_FEES = { maker: '0.0002', taker: '0.0005' } as const;
const LIST_TIME = 1611916828000;

export interface OkxSymbol {
  inst: Instrument;
  /** "BTC-USDT-SWAP" */
  instId: string;
  /** Base units per contract, as a decimal string. */
  ctVal: string;
}

/** The OKX twin of a simulated perp: same symbol and tick, a step of one lot in base units, OKX's default fees. */
export function okxInstrument(perp: Instrument): Instrument {
  const ctVal = CONTRACT_VALUE[perp.base] ?? '1';
  const step = Number(str(mul(fx(LOT_SIZE), fx(ctVal))));
  return {
    ...perp,
    venue: OKX_VENUE,
    step,
    amountDecimals: Math.max(0, Math.round(-Math.log10(step))),
    // OKX's floor is minSz contracts, not a notional.
    minNotional: 0,
    makerFee: OKX_DEFAULT_FEES.maker,
    takerFee: OKX_DEFAULT_FEES.taker,
    fundingIntervalHours: 8,
  };
}

/** A price as OKX writes it: the shortest decimal, no trailing zeros (what its checksum is computed over). */
export function okxPrice(inst: Instrument, price: number): string {
  return numberToDecimalString(Number(price.toFixed(inst.priceDecimals)));
}

/** A wire envelope: every OKX REST answer is {"code","msg","data":[…]}. */
export function okxOk(data: unknown[]): { code: string; msg: string; data: unknown[] } {
  return { code: '0', msg: '', data };
}

export class OkxMarket {
  readonly symbols: OkxSymbol[];
  private readonly byId = new Map<string, OkxSymbol>();
  private readonly bySymbol = new Map<string, OkxSymbol>();

  constructor(readonly exchange: SimExchange) {
    this.symbols = exchange.venueInstruments(OKX_VENUE).map((inst) => ({
      inst,
      instId: `${inst.base}-${inst.quote}-SWAP`,
      ctVal: CONTRACT_VALUE[inst.base] ?? '1',
    }));
    for (const s of this.symbols) {
      this.byId.set(s.instId, s);
      this.bySymbol.set(s.inst.symbol, s);
    }
  }

  byInstId(instId: string | null | undefined): OkxSymbol | undefined {
    return instId ? this.byId.get(instId) : undefined;
  }

  bySimSymbol(symbol: string): OkxSymbol | undefined {
    return this.bySymbol.get(symbol);
  }

  /** Base units → contracts on the wire, exact ("0.812" BTC → "81.2"). */
  contracts(s: OkxSymbol, base: number | string): string {
    const qty = typeof base === 'number' ? numberToDecimalString(base) : base;
    return str(roundTo(div(fx(qty), fx(s.ctVal)), 8));
  }

  /** Contracts from the wire → base units, exact. */
  baseQty(s: OkxSymbol, contracts: string): number {
    return Number(str(mul(fx(contracts), fx(s.ctVal))));
  }

  /** Is this size a whole number of lots? */
  onLot(contracts: string): boolean {
    return fx(contracts) % fx(LOT_SIZE) === 0n;
  }

  /** GET /api/v5/public/instruments: the swaps for instType SWAP, nothing for the other types. */
  instruments(instType: string | null): unknown[] {
    if (instType !== 'SWAP') return [];
    return this.symbols.map((s) => ({
      instType: 'SWAP',
      instId: s.instId,
      uly: `${s.inst.base}-${s.inst.quote}`,
      instFamily: `${s.inst.base}-${s.inst.quote}`,
      baseCcy: '',
      quoteCcy: '',
      settleCcy: s.inst.quote,
      ctVal: s.ctVal,
      ctMult: '1',
      ctValCcy: s.inst.base,
      ctType: 'linear',
      optType: '',
      stk: '',
      listTime: String(LIST_TIME),
      contTdSwTime: String(LIST_TIME),
      expTime: '',
      lever: '100',
      tickSz: numberToDecimalString(s.inst.tick),
      lotSz: LOT_SIZE,
      minSz: LOT_SIZE,
      maxLmtSz: '100000000',
      maxMktSz: '12000',
      maxLmtAmt: '20000000',
      maxMktAmt: '',
      state: 'live',
      ruleType: 'normal',
      alias: '',
      category: '1',
    }));
  }

  /**
   * GET /api/v5/public/funding-rate: the rate for the coming settlement (fundingTime) and the one after
   * (nextFundingTime). The loopback OKX pays the Binance perp's funding: it mirrors that market.
   */
  fundingRate(s: OkxSymbol): unknown {
    const f = this.exchange.fundingOf(OKX_SOURCE_VENUE, s.inst.symbol);
    const interval = s.inst.fundingIntervalHours * 3_600_000;
    const fundingTime = f?.nextFundingTs ?? Math.ceil(Date.now() / interval) * interval;
    const rate = f
      ? Number(f.rate)
          .toFixed(16)
          .replace(/\.?0+$/, '') || '0'
      : '0';
    return {
      instType: 'SWAP',
      instId: s.instId,
      fundingRate: rate,
      fundingTime: String(fundingTime),
      nextFundingRate: '',
      nextFundingTime: String(fundingTime + interval),
      method: 'current_period',
      formulaType: 'withRate',
      maxFundingRate: '0.00375',
      minFundingRate: '-0.00375',
      premium: rate,
      settFundingRate: rate,
      settState: 'settled',
      interestRate: '0.0001',
      impactValue: '20000',
      ts: String(Date.now()),
    };
  }

  /** GET /api/v5/market/books: the best `sz` levels a side, sizes in contracts. */
  books(s: OkxSymbol, sz: number): unknown {
    const book = this.exchange.book(OKX_VENUE, s.inst.symbol);
    const side = (levels: [number, number][]) =>
      levels.map(([p, q]) => [okxPrice(s.inst, p), this.contracts(s, q), '0', '1']);
    return {
      asks: side(book.asks.levels(sz)),
      bids: side(book.bids.levels(sz)),
      ts: String(book.ts || Date.now()),
    };
  }
}
