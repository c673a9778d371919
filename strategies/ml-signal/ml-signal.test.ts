import { describe, expect, it } from 'vitest';
import { simInstrument } from '../../gateways/sim/instruments.ts';
import { OrderBook } from '../../source/core/order-book.ts';
import type { DecidingState, OrderView, StrategyContext } from '../../source/core/strategy.ts';
import type { ForecastSource, SignalForecast } from '../../source/signals/model-runtime.ts';
import { MlSignal, type MlSignalConfig } from './ml-signal.ts';

const HL = simInstrument('hyperliquid', 'BTC');
const BN = simInstrument('binance', 'BTC');

interface World {
  pos: number;
  now: number;
  state?: DecidingState;
  orders?: OrderView[];
  forecast: Partial<SignalForecast> | null;
}

function book(): OrderBook {
  const b = new OrderBook(HL.venue, HL.symbol);
  b.applySnapshot(
    [
      [64000, 1],
      [63999, 1],
    ],
    [
      [64001, 1],
      [64002, 1],
    ],
    1,
    0,
  );
  return b;
}

function setup(over: Partial<MlSignalConfig> = {}) {
  const w: World = { pos: 0, now: 1_000, forecast: null };
  const source: ForecastSource = {
    forecast: (model, venue, symbol) =>
      w.forecast && model === 'logistic' && venue === HL.venue && symbol === HL.symbol
        ? {
            model,
            symbol: 'BTC',
            prediction: 0,
            bps: 0,
            confidence: 0.5,
            version: 'v1',
            ts: w.now,
            drift: false,
            horizonMs: 5_000,
            ...w.forecast,
          }
        : null,
  };
  const s = new MlSignal(
    {
      name: 'ml-btc',
      asset: 'BTC',
      legs: [
        { venue: HL.venue, symbol: HL.symbol },
        { venue: BN.venue, symbol: BN.symbol },
      ],
      model: 'logistic',
      horizonMs: 5_000,
      marginBps: 1,
      minConfidence: 0.2,
      reversalBps: 2,
      slippageBps: 2,
      maxNotional: 2_000,
      ...over,
    },
    source,
  );
  const b = book();
  const ctx = (): StrategyContext => ({
    now: w.now,
    state: w.state ?? 'RUNNING',
    staleAfterMs: 5_000,
    book: (venue) => (venue === HL.venue ? b : undefined),
    instrument: () => HL,
    position: () => w.pos,
    openOrders: () => w.orders ?? [],
    dataAgeMs: () => 10,
  });
  return { s, w, decide: () => s.decide(ctx()) };
}

describe('MlSignal', () => {
  it('says why it is idle: no model, drift, too small a forecast, too little confidence', () => {
    const { s, w, decide } = setup();
    expect(decide()).toEqual([]);
    expect(s.idleReason).toBe('no model loaded (logistic)');
    w.forecast = { bps: 30, drift: true };
    expect(decide()).toEqual([]);
    expect(s.idleReason).toBe('model drift: logistic v1 inputs outside its training range');
    // Hyperliquid taker 4.5 bp in and 4.5 bp out, plus the 1 bp margin.
    w.forecast = { bps: 1.23 };
    expect(decide()).toEqual([]);
    expect(s.idleReason).toBe('predicted 1.2 bp < 10.0 bp needed');
    w.forecast = { bps: -9.9 };
    decide();
    expect(s.idleReason).toBe('predicted -9.9 bp < 10.0 bp needed');
    w.forecast = { bps: 12, confidence: 0.1 };
    expect(decide()).toEqual([]);
    expect(s.idleReason).toBe('confidence 10% < 20% needed');
    w.forecast = { bps: 12 };
    w.state = 'REDUCING';
    expect(decide()).toEqual([]);
    expect(s.idleReason).toBe('reducing: no new positions');
  });

  it('enters when the forecast beats the round trip: an IOC at the touch with the slippage cap', () => {
    const { s, w, decide } = setup();
    w.forecast = { bps: 10.5 };
    const [buy] = decide();
    expect(s.idleReason).toBeNull();
    expect(buy).toMatchObject({
      venue: HL.venue,
      symbol: HL.symbol,
      side: 'buy',
      tif: 'IOC',
      reduceOnly: false,
      tag: 'open',
    });
    expect(buy.decisionPrice).toBe(64001);
    // 2 bp above the ask, on hyperliquid's 5-significant-figure grid, never above the cap.
    expect(buy.price).toBe(64013);
    expect(buy.qty * buy.decisionPrice).toBeLessThanOrEqual(2_000);
    expect(buy.qty * buy.decisionPrice).toBeGreaterThan(1_900);
    const short = setup();
    short.w.forecast = { bps: -15 };
    expect(short.decide()[0]).toMatchObject({ side: 'sell', decisionPrice: 64000, price: 63988 });
  });

  it('exits at the horizon', () => {
    const { s, w, decide } = setup();
    w.forecast = { bps: 12 };
    decide();
    w.pos = 0.031;
    w.now += 4_999;
    expect(decide()).toEqual([]);
    expect(s.idleReason).toBe('holding long: exits in 0.0 s or on a reversal');
    w.now += 1;
    const [exit] = decide();
    expect(exit).toMatchObject({
      side: 'sell',
      qty: 0.031,
      reduceOnly: true,
      tag: 'close',
      decisionPrice: 64000,
    });
  });

  it('exits early on a reversal, and not on a forecast that merely fades', () => {
    const { s, w, decide } = setup();
    w.forecast = { bps: -12 };
    decide();
    w.pos = -0.031;
    w.now += 1_000;
    w.forecast = { bps: 1.5 };
    expect(decide()).toEqual([]);
    expect(s.idleReason).toMatch(/^holding short: exits in 4\.0 s/);
    w.forecast = { bps: 2.5 };
    const [exit] = decide();
    expect(exit).toMatchObject({
      side: 'buy',
      qty: 0.031,
      reduceOnly: true,
      tag: 'reversal',
      decisionPrice: 64001,
    });
  });

  it('waits on its own orders before deciding again', () => {
    const { s, w, decide } = setup();
    w.forecast = { bps: 12 };
    w.orders = [
      {
        clientOrderId: 'x',
        venue: HL.venue,
        symbol: HL.symbol,
        side: 'buy',
        qty: 0.03,
        filledQty: 0,
        price: 64013,
        tag: 'open',
        status: 'open',
      },
    ];
    expect(decide()).toEqual([]);
    expect(s.idleReason).toBe('waiting on 1 order');
  });
});
