import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simInstrument } from '../../gateways/sim/instruments.ts';
import { SimClock } from '../core/clock.ts';
import { str } from '../core/money.ts';
import type { OrderIntent, Strategy, StrategyContext } from '../core/strategy.ts';
import { PaperVenue } from '../../gateways/paper/paper-venue.ts';
import { Journal, readJournal } from '../../state/journal.ts';
import { Engine, key } from './engine.ts';

const BTC = simInstrument('binance', 'BTC');

/** A strategy with a script: each decision takes the next list of intents. */
class Scripted implements Strategy {
  readonly kind = 'scripted';
  readonly label = 'BTC';
  readonly legs = [{ venue: 'binance', symbol: BTC.symbol }];
  idleReason: string | null = null;
  constructor(
    readonly name: string,
    private readonly script: OrderIntent[][],
  ) {}
  decide(_ctx: StrategyContext): OrderIntent[] {
    return this.script.shift() ?? [];
  }
}

const buy = (qty: number, price: number, tif: 'IOC' | 'GTC'): OrderIntent => ({
  venue: 'binance',
  symbol: BTC.symbol,
  side: 'buy',
  qty,
  price,
  tif,
  reduceOnly: false,
  decisionPrice: price,
  tag: 'open',
});

function setup(script: OrderIntent[][], halted = false) {
  const dir = mkdtempSync(join(tmpdir(), 'td-engine-'));
  const clock = new SimClock(1_000);
  const journal = new Journal(join(dir, 'journal.ndjson'));
  const venue = new PaperVenue({
    name: 'binance',
    instruments: [BTC],
    latencyMs: 10,
    book: (s) => engine.books.get(key('binance', s)),
  });
  const killStates: boolean[] = [];
  const engine: Engine = new Engine({
    clock,
    mode: 'paper',
    liveAllowed: false,
    instruments: [BTC],
    venues: [venue],
    strategies: [new Scripted('scripted', script)],
    journal,
    startBalances: [{ venue: 'binance', currency: 'USDT', amount: '100000' }],
    halted,
    onKillStateChange: (h) => killStates.push(h),
  });
  engine.restore([]);
  const book = (ts: number, bid: number, ask: number, seq: number) => {
    clock.advanceTo(ts);
    engine.onMarket({
      kind: 'book',
      venue: 'binance',
      symbol: BTC.symbol,
      ts,
      seq,
      snapshot: true,
      bids: [[bid, 5]],
      asks: [[ask, 5]],
    });
  };
  return { engine, journal, clock, book, killStates, file: join(dir, 'journal.ndjson') };
}

describe('Engine', () => {
  it('fills after latency, journals order and fill, and books the ledger', () => {
    const { engine, book, journal, file } = setup([[buy(0.1, 64000.1, 'IOC')]]);
    book(1_000, 64000, 64000.1, 1);
    expect(engine.orders.openCount).toBe(1);
    book(1_011, 64000, 64000.1, 2);
    expect(engine.orders.openCount).toBe(0);
    journal.close();
    const types = readJournal(file).map((l) => l.record.type);
    expect(types).toEqual(['deposit', 'order', 'fill', 'orderUpdate']);
    const fill = readJournal(file)[2].record;
    expect(fill).toMatchObject({
      venue: 'binance',
      side: 'buy',
      qty: '0.1',
      price: '64000.1',
      fee: '3.200005',
      feeCurrency: 'USDT',
      liquidity: 'taker',
      mode: 'paper',
      strategy: 'scripted',
    });
    expect(str(engine.ledger.totals().fees)).toBe('3.200005');
  });

  it('settles funding at the boundary: a long pays a positive rate, journaled', () => {
    const { engine, book, journal, file, clock } = setup([[buy(0.1, 64000.1, 'IOC')]]);
    book(1_000, 64000, 64000.1, 1);
    book(1_020, 64000, 64000.1, 2);
    engine.onMarket({
      kind: 'fundingRate',
      venue: 'binance',
      symbol: BTC.symbol,
      ts: 1_030,
      rate: '0.0001',
      nextFundingTs: 2_000,
      markPrice: 64000,
    });
    clock.advanceTo(2_001);
    engine.advance(2_001);
    journal.close();
    const funding = readJournal(file).find((l) => l.record.type === 'funding')!.record;
    expect(funding).toMatchObject({
      amount: '-0.64',
      rate: '0.0001',
      qty: '0.1',
      markPrice: '64000',
      ts: 2_000,
    });
    expect(str(engine.ledger.totals().funding)).toBe('-0.64');
    // Settled once, not again on the next advance.
    engine.advance(3_000);
    expect(str(engine.ledger.totals().funding)).toBe('-0.64');
  });

  it('KILL cancels resting orders, halts every strategy and persists HALTED; rearm restores ACTIVE', () => {
    const { engine, book, killStates } = setup([[buy(0.01, 63000, 'GTC')], [], [buy(0.01, 63000, 'GTC')]]);
    book(1_000, 64000, 64000.1, 1);
    book(1_011, 64000, 64000.1, 2);
    expect(engine.orders.openCount).toBe(1);
    const result = engine.command({ type: 'kill' });
    expect(result.ok).toBe(true);
    expect(engine.state).toBe('HALTED');
    expect(engine.strategies[0].state).toBe('HALTED');
    expect(killStates).toEqual([true]);
    book(1_030, 64000, 64000.1, 3);
    expect(engine.orders.openCount).toBe(0);
    // Halted: the script's next order is not even asked for.
    book(1_040, 64000, 64000.1, 4);
    expect(engine.orders.openCount).toBe(0);
    expect(engine.alerts[0]).toMatchObject({ severity: 'critical' });
    expect(engine.command({ type: 'rearm' }).ok).toBe(true);
    expect(engine.state).toBe('ACTIVE');
    expect(killStates).toEqual([true, false]);
  });

  it('starts HALTED when the kill state was persisted', () => {
    const { engine, book } = setup([[buy(1, 64000.1, 'IOC')]], true);
    book(1_000, 64000, 64000.1, 1);
    expect(engine.orders.openCount).toBe(0);
    expect(engine.state).toBe('HALTED');
  });

  it('pause cancels the strategy orders and stops its decisions; resume restarts them', () => {
    const { engine, book } = setup([[buy(0.01, 63000, 'GTC')], [], [buy(0.01, 63000, 'GTC')]]);
    book(1_000, 64000, 64000.1, 1);
    book(1_011, 64000, 64000.1, 2);
    expect(engine.command({ type: 'pause', strategy: 'scripted' }).message).toMatch(/PAUSED \(1 order/);
    book(1_030, 64000, 64000.1, 3);
    expect(engine.orders.openCount).toBe(0);
    expect(engine.command({ type: 'resume', strategy: 'scripted' }).ok).toBe(true);
    book(1_040, 64000, 64000.1, 4);
    expect(engine.orders.openCount).toBe(1);
    expect(engine.command({ type: 'pause', strategy: 'nope' }).ok).toBe(false);
    expect(engine.command({ type: 'promote', strategy: 'scripted' }).message).toMatch(/needs --live/);
  });

  it('denies orders beyond the risk limits with an alert naming the reason', () => {
    const { engine, book } = setup([[buy(1, 64000.1, 'IOC')]]);
    // defaults: max order notional 10 000
    book(1_000, 64000, 64000.1, 1);
    expect(engine.orders.openCount).toBe(0);
    expect(engine.alerts[0].message).toMatch(/denied buy 1 .* order notional 64000 > max 10000/);
  });

  it('rebuilds positions, cash and fees from its journal after a restart', () => {
    const first = setup([[buy(0.1, 64000.1, 'IOC')]]);
    first.book(1_000, 64000, 64000.1, 1);
    first.book(1_011, 64000, 64000.1, 2);
    first.journal.close();
    const clock = new SimClock(5_000);
    const journal = new Journal(first.file);
    const again = new Engine({
      clock,
      mode: 'paper',
      liveAllowed: false,
      instruments: [BTC],
      venues: [],
      strategies: [],
      journal,
      startBalances: [{ venue: 'binance', currency: 'USDT', amount: '100000' }],
    });
    again.restore(readJournal(first.file));
    expect(again.ledger.equity()).toBe(first.engine.ledger.equity());
    expect(again.ledger.totals().fees).toBe(first.engine.ledger.totals().fees);
    journal.close();
    expect(readFileSync(first.file, 'utf8').match(/"type":"deposit"/g)).toHaveLength(1);
  });
});

describe('Engine data health', () => {
  it('alerts once when a venue goes stale and once when it is fresh again, naming the venue', () => {
    const { engine, book, clock } = setup([]);
    book(1_000, 64000, 64000.1, 1);
    clock.advanceTo(7_000);
    engine.advance(7_000);
    engine.advance(7_300);
    expect(engine.alerts.filter((a) => a.source === 'binance').map((a) => a.message)).toEqual([
      'market data stale (6.0 s old): no new positions on binance',
    ]);
    book(7_600, 64000, 64000.1, 2);
    book(7_900, 64000, 64000.1, 3);
    expect(engine.alerts[0]).toMatchObject({
      source: 'binance',
      severity: 'info',
      message: 'market data fresh again',
    });
  });

  it('a feed reporting a broken connection raises an alert naming the venue', () => {
    const { engine } = setup([]);
    engine.venueHealth({
      venue: 'binance',
      connected: false,
      severity: 'warning',
      message: 'BTC/USDT:USDT book: NetworkError; retrying in 0.25 s',
    });
    expect(engine.venueDown.has('binance')).toBe(true);
    expect(engine.alerts[0]).toMatchObject({ source: 'binance', severity: 'warning' });
    engine.venueHealth({
      venue: 'binance',
      connected: true,
      severity: 'info',
      message: 'BTC/USDT:USDT book recovered',
    });
    expect(engine.venueDown.has('binance')).toBe(false);
  });
});
