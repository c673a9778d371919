import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simInstrument } from '../../gateways/sim/instruments.ts';
import { PaperVenue } from '../../gateways/paper/paper-venue.ts';
import { SimClock } from '../core/clock.ts';
import type { Instrument } from '../core/instrument.ts';
import { fx } from '../core/money.ts';
import type { OrderIntent, Strategy, StrategyContext } from '../core/strategy.ts';
import type { ExecutionListener, ExecutionVenue } from '../core/venue.ts';
import { Journal, readJournal } from '../../state/journal.ts';
import { Engine, key } from './engine.ts';

const BTC = simInstrument('binance', 'BTC');
const BNB: Instrument = { ...simInstrument('binance', 'SOL'), base: 'BNB', symbol: 'BNB/USDT:USDT' };

class Scripted implements Strategy {
  readonly kind = 'scripted';
  readonly label = 'BTC';
  readonly legs = [{ venue: 'binance', symbol: BTC.symbol }];
  idleReason: string | null = null;
  constructor(private readonly script: OrderIntent[][]) {}
  readonly name = 'scripted';
  decide(_ctx: StrategyContext): OrderIntent[] {
    return this.script.shift() ?? [];
  }
}

const buy = (qty: number, price: number): OrderIntent => ({
  venue: 'binance',
  symbol: BTC.symbol,
  side: 'buy',
  qty,
  price,
  tif: 'IOC',
  reduceOnly: false,
  decisionPrice: price - 0.1,
  tag: 'open',
});

/** Paper execution whose account pays its fees in BNB (as a Binance account with the BNB discount does). */
class PaysInBnb implements ExecutionVenue {
  constructor(private readonly paper: PaperVenue) {}
  readonly name = 'binance';
  setListener(l: ExecutionListener): void {
    this.paper.setListener({
      onOrderUpdate: (u) => l.onOrderUpdate(u),
      onFill: (f) => l.onFill({ ...f, fee: fx('0.0002'), feeCurrency: 'BNB' }),
    });
  }
  submit: ExecutionVenue['submit'] = (o, now) => this.paper.submit(o, now);
  cancel: ExecutionVenue['cancel'] = (id, now) => this.paper.cancel(id, now);
  advance: ExecutionVenue['advance'] = (now) => this.paper.advance(now);
  onBook: ExecutionVenue['onBook'] = (b, e) => this.paper.onBook(b, e);
  onTrade: ExecutionVenue['onTrade'] = (e) => this.paper.onTrade(e);
  openOrderIds = () => this.paper.openOrderIds();
}

function setup(
  o: {
    script?: OrderIntent[][];
    haltOnCritical?: boolean;
    bnbFees?: boolean;
    file?: string;
    instruments?: Instrument[];
  } = {},
) {
  const file = o.file ?? join(mkdtempSync(join(tmpdir(), 'td-integrity-')), 'journal.ndjson');
  const clock = new SimClock(1_000);
  const existing = readJournal(file);
  const journal = new Journal(file);
  const instruments = o.instruments ?? [BTC];
  const paper = new PaperVenue({
    name: 'binance',
    instruments,
    latencyMs: 10,
    book: (s) => engine.books.get(key('binance', s)),
  });
  const engine: Engine = new Engine({
    clock,
    mode: 'paper',
    liveAllowed: false,
    instruments,
    venues: [o.bnbFees ? new PaysInBnb(paper) : paper],
    strategies: [new Scripted(o.script ?? [])],
    journal,
    startBalances: [{ venue: 'binance', currency: 'USDT', amount: '100000' }],
    integrity: { haltOnCritical: o.haltOnCritical, everyMs: 1_000 },
  });
  engine.restore(existing);
  const book = (ts: number, bid: number, ask: number, seq: number, symbol = BTC.symbol, snapshot = true) => {
    clock.advanceTo(Math.max(clock.now(), ts));
    engine.onMarket({
      kind: 'book',
      venue: 'binance',
      symbol,
      ts,
      seq,
      snapshot,
      bids: [[bid, 5]],
      asks: [[ask, 5]],
    });
  };
  const integrityAlerts = () => engine.alerts.filter((a) => a.source === 'integrity');
  return { engine, journal, clock, book, file, integrityAlerts };
}

describe('continuous integrity', () => {
  it('a position moved without a fill is a critical finding that HALTS trading when haltOnCritical', () => {
    const { engine, book, integrityAlerts } = setup({ script: [[buy(0.1, 64000.1)]], haltOnCritical: true });
    book(1_000, 64000, 64000.1, 1);
    book(1_020, 64000, 64000.1, 2);
    expect(engine.ledger.totals().trades).toBe(1);
    book(2_100, 64000, 64000.1, 3);
    expect(integrityAlerts()).toEqual([]);
    // Corrupt the ledger: 0.5 BTC appears with no fill behind it.
    engine.ledger.account('scripted', 'binance', BTC.symbol, 'USDT').qty += fx('0.5');
    book(3_200, 64000, 64000.1, 4);
    expect(integrityAlerts().map((a) => [a.severity, a.message])).toContainEqual([
      'critical',
      `position scripted binance ${BTC.symbol}: ledger 0.6 but fills sum to 0.1`,
    ]);
    expect(engine.state).toBe('HALTED');
    expect(engine.alerts.find((a) => a.source === 'engine')?.message).toMatch(
      /^KILL SWITCH: integrity: position/,
    );
    // One alert per finding until it clears: later rounds do not repeat it.
    book(4_300, 64000, 64000.1, 5);
    book(5_400, 64000, 64000.1, 6);
    expect(integrityAlerts().filter((a) => a.message.startsWith('position'))).toHaveLength(1);
    expect(engine.alerts.filter((a) => a.message.startsWith('KILL SWITCH'))).toHaveLength(1);
  });

  it('with haltOnCritical off (paper default) the finding is raised and trading goes on', () => {
    const { engine, book, integrityAlerts } = setup({ script: [[buy(0.1, 64000.1)]] });
    book(1_000, 64000, 64000.1, 1);
    book(1_020, 64000, 64000.1, 2);
    // Corrupt the ledger: 5 USDT appear in its cash that no deposit, fill or funding put there.
    engine.ledger.deposit('binance', 'USDT', fx('5'));
    book(2_100, 64000, 64000.1, 3);
    const messages = integrityAlerts().map((a) => a.message);
    // 100000 − 0.1 × 64000.1 − fee 3.200005 = 93596.789995; the ledger has 5 more
    expect(messages).toContain(
      'cash binance:USDT: ledger 93601.789995 but start, fills, fees and funding sum to 93596.789995',
    );
    expect(engine.state).toBe('ACTIVE');
  });

  it('a crossed book, a sequence gap and time running backwards are market-data findings that clear', () => {
    const { engine, book, integrityAlerts } = setup();
    book(1_000, 64000, 64000.1, 1);
    book(1_100, 64000.5, 64000.1, 2, BTC.symbol, false);
    book(1_200, 64000, 64000.1, 5, BTC.symbol, false);
    book(1_150, 64000, 64000.1, 6);
    expect(integrityAlerts().map((a) => [a.severity, a.message])).toEqual([
      ['warning', `binance ${BTC.symbol}: time ran backwards (book at 1150 after 1200)`],
      ['warning', `binance ${BTC.symbol}: book sequence gap (5 after 2)`],
      ['warning', `binance ${BTC.symbol}: crossed book (bid 64000.5 ≥ ask 64000.1)`],
    ]);
    // Market findings never halt.
    expect(engine.state).toBe('ACTIVE');
    book(2_200, 64000, 64000.1, 7);
    book(3_300, 64000, 64000.1, 8);
    expect(integrityAlerts()[0]).toMatchObject({
      severity: 'info',
      message: expect.stringMatching(/^cleared: /),
    });
    expect(integrityAlerts().filter((a) => a.severity === 'info')).toHaveLength(3);
  });
});

describe('fees in a third currency', () => {
  it('convert at that currency’s mid on the same venue; the line records the rate and the restart uses it', () => {
    const { engine, book, journal, file } = setup({
      script: [[buy(0.1, 64000.1)]],
      bnbFees: true,
      instruments: [BTC, BNB],
    });
    book(1_000, 600.4, 600.6, 1, BNB.symbol);
    book(1_000, 64000, 64000.1, 1);
    book(1_020, 64000, 64000.1, 2);
    journal.close();
    const line = readJournal(file).find((l) => l.record.type === 'fill')!.record;
    // 0.0002 BNB × mid 600.5 = 0.1201 USDT
    expect(line).toMatchObject({ fee: '0.0002', feeCurrency: 'BNB', feeRate: '600.5', feeQuote: '0.1201' });
    expect(engine.ledger.totals().fees).toBe(fx('0.1201'));
    // A restart books the recorded 0.1201, whatever BNB trades at by then.
    const again = setup({ file, instruments: [BTC, BNB] });
    again.book(9_000, 900, 901, 1, BNB.symbol);
    expect(again.engine.ledger.totals().fees).toBe(fx('0.1201'));
    expect(again.engine.ledger.equity()).toBe(engine.ledger.equity());
  });

  it('with no book for the fee currency the fee is refused, not guessed: a critical finding names it', () => {
    const { engine, book, journal, file, integrityAlerts } = setup({
      script: [[buy(0.1, 64000.1)]],
      bnbFees: true,
      haltOnCritical: true,
    });
    book(1_000, 64000, 64000.1, 1);
    book(1_020, 64000, 64000.1, 2);
    book(2_100, 64000, 64000.1, 3);
    journal.close();
    expect(readJournal(file).find((l) => l.record.type === 'fill')!.record).toMatchObject({
      feeCurrency: 'BNB',
      feeRate: null,
      feeQuote: null,
    });
    expect(integrityAlerts()[0]).toMatchObject({
      severity: 'critical',
      message: expect.stringMatching(/^fees of 0.0002 BNB on binance could not be converted/),
    });
    expect(engine.state).toBe('HALTED');
  });
});
