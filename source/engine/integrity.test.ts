import { describe, expect, it } from 'vitest';
import { fx } from '../core/money.ts';
import { readJournal } from '../../state/journal.ts';
import { BNB, BTC, buy, setup } from './scripted-desk.ts';

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

  it('in live mode a critical finding halts by default', () => {
    const { engine, book } = setup({ mode: 'live' });
    book(1_000, 64000, 64000.1, 1);
    engine.ledger.deposit('binance', 'USDT', fx('1'));
    book(2_100, 64000, 64000.1, 2);
    expect(engine.state).toBe('HALTED');
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
    // At once, with the fill: not at the next round of checks.
    expect(engine.state).toBe('HALTED');
    book(2_100, 64000, 64000.1, 3);
    journal.close();
    expect(readJournal(file).find((l) => l.record.type === 'fill')!.record).toMatchObject({
      feeCurrency: 'BNB',
      feeRate: null,
      feeQuote: null,
    });
    expect(integrityAlerts().map((a) => [a.severity, a.message])).toEqual([
      [
        'critical',
        'fees of 0.0002 BNB on binance could not be converted to the quote (no BNB book there): PnL leaves them out',
      ],
    ]);
    expect(engine.state).toBe('HALTED');
  });
});
