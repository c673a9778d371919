import { describe, expect, it } from 'vitest';
import type { PaperVenue } from '../../gateways/paper/paper-venue.ts';
import { fx } from '../core/money.ts';
import { readJournal } from '../../state/journal.ts';
import { BTC, buy, setup } from './scripted-desk.ts';

/** Paper execution that also reports a position of its own, as a real venue's account does. */
function reportsPosition(qty: string) {
  return (paper: PaperVenue) =>
    Object.assign(Object.create(paper) as PaperVenue, {
      position: (symbol: string) => (symbol === BTC.symbol ? qty : '0'),
      positionSymbols: () => [BTC.symbol],
    });
}

describe('startup reconciliation', () => {
  it('a restart over a journal with an order left open holds trading until the venue state is accepted', () => {
    // First run: a GTC bid rests below the touch; the process dies without cancelling it.
    const first = setup({ script: [[buy(0.01, 63000, 'GTC')]] });
    first.book(1_000, 64000, 64000.1, 1);
    first.book(1_020, 64000, 64000.1, 2);
    expect(first.engine.orders.openCount).toBe(1);
    first.journal.close();

    // Second run: the paper venue has no open orders after the restart, so the journal's open order is a mismatch.
    const again = setup({ file: first.file, script: [[buy(0.1, 64000.1)]] });
    expect(again.engine.reconciliation.map((d) => d.message)).toEqual([
      `order scripted-1 (buy 0.01 ${BTC.symbol}, journal line 2) is open in the journal but not at binance`,
    ]);
    expect(again.engine.alerts[0]).toMatchObject({
      severity: 'critical',
      source: 'reconcile',
      message: expect.stringMatching(/^trading held: local state differs from the venues: order scripted-1 /),
    });
    again.book(1_000, 64000, 64000.1, 1);
    again.book(1_100, 64000, 64000.1, 2);
    expect(again.engine.orders.openCount).toBe(0);
    expect(again.engine.ledger.totals().trades).toBe(0);

    const result = again.engine.command({ type: 'acceptVenueState' });
    expect(result).toEqual({ ok: true, message: 'venue state accepted: 1 difference(s) resolved' });
    expect(again.engine.command({ type: 'acceptVenueState' }).ok).toBe(false);
    again.book(1_200, 64000, 64000.1, 3);
    again.book(1_300, 64000, 64000.1, 4);
    expect(again.engine.ledger.totals().trades).toBe(1);
    again.journal.close();
    const records = readJournal(first.file).map((l) => l.record);
    expect(records.find((r) => r.type === 'orderUpdate' && r.orderId === 'scripted-1')).toMatchObject({
      status: 'cancelled',
      reason: 'reconciled: not at venue',
    });
    expect(records.find((r) => r.type === 'state' && r.scope === 'reconcile')).toMatchObject({
      from: 'HOLD',
      to: 'ACCEPTED',
    });
    // The new order did not reuse the orphan's id.
    expect(records.filter((r) => r.type === 'order').map((r) => r.orderId)).toEqual([
      'scripted-1',
      'scripted-2',
    ]);

    // A third start finds nothing to reconcile.
    const third = setup({ file: first.file });
    expect(third.engine.reconciliation).toEqual([]);
    third.journal.close();
  });

  it('a venue position that differs from the ledger is named with both sizes', () => {
    const first = setup({ script: [[buy(0.1, 64000.1)]] });
    first.book(1_000, 64000, 64000.1, 1);
    first.book(1_020, 64000, 64000.1, 2);
    first.journal.close();
    const again = setup({ file: first.file, venue: reportsPosition('0.3') });
    expect(again.engine.reconciliation).toMatchObject([
      {
        kind: 'position',
        symbol: BTC.symbol,
        local: '0.1',
        atVenue: '0.3',
        message: `position ${BTC.symbol} on binance: local 0.1, venue 0.3`,
      },
    ]);
    // Accepting takes the venue's 0.3: the 0.2 difference is booked as a journaled fill at the mid.
    expect(again.engine.command({ type: 'acceptVenueState' }).message).toMatch(/^no price for /);
    again.book(2_000, 64000, 64000.2, 3);
    expect(again.engine.command({ type: 'acceptVenueState' }).ok).toBe(true);
    expect(again.engine.ledger.account('scripted', 'binance', BTC.symbol, 'USDT').qty).toBe(fx('0.3'));
    again.journal.close();
    expect(readJournal(first.file).at(-3)!.record).toMatchObject({
      type: 'fill',
      side: 'buy',
      qty: '0.2',
      price: '64000.1',
      fee: '0',
      orderId: 'reconcile-2',
    });
    const same = setup({ file: first.file, venue: reportsPosition('0.3') });
    expect(same.engine.reconciliation).toEqual([]);
    same.journal.close();
  });
});
