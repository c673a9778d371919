// The live side of startup reconciliation: the live journal's open orders and the live ledger's positions against
// what each live venue says it holds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fx } from '../core/money.ts';
import type { VenueAccountState } from '../core/venue.ts';
import { Journal, readJournal } from '../../state/journal.ts';
import { openOrdersInJournal, ordersPlacedOn, reconcileLive } from './reconcile.ts';

const BTC = 'BTC/USDT:USDT';

/** A live journal on disk as a crashed run left it: three orders placed, one of them finished. */
function crashedLiveJournal() {
  const file = join(mkdtempSync(join(tmpdir(), 'td-live-rec-')), 'journal.ndjson');
  const journal = new Journal(file);
  const order = (orderId: string, venue: string, side: string, qty: string) =>
    journal.append({
      type: 'order',
      ts: 1,
      orderId,
      venue,
      symbol: BTC,
      side,
      qty,
      price: '60000',
      strategy: 'arb-btc',
      mode: 'live',
    });
  order('arb-btc-1', 'binance', 'buy', '0.01');
  order('arb-btc-2', 'binance', 'sell', '0.02');
  order('arb-btc-3', 'binance', 'buy', '0.03');
  order('arb-btc-4', 'okx', 'buy', '0.04');
  journal.append({
    type: 'orderUpdate',
    ts: 2,
    orderId: 'arb-btc-3',
    status: 'cancelled',
    filledQty: '0',
    reason: null,
  });
  journal.close();
  return readJournal(file);
}

const venueSays = (s: Partial<VenueAccountState>): VenueAccountState => ({
  orders: [],
  foreignOrders: 0,
  positions: new Map(),
  ...s,
});

describe('live reconciliation', () => {
  it('knows an order as ours by the ids the live journal placed on that venue, open or finished', () => {
    const lines = crashedLiveJournal();
    expect([...ordersPlacedOn(lines, 'binance')]).toEqual([
      ['arb-btc-1', 'arb-btc'],
      ['arb-btc-2', 'arb-btc'],
      ['arb-btc-3', 'arb-btc'],
    ]);
    expect([...ordersPlacedOn(lines, 'okx').keys()]).toEqual(['arb-btc-4']);
  });

  it('names every live order still resting, open only in the journal, or resting though closed in it, and positions', () => {
    const lines = crashedLiveJournal();
    const at = (orderId: string, qty: string) => ({
      orderId,
      symbol: BTC,
      side: 'buy',
      qty,
      filled: '0',
      price: '60000',
    });
    const differences = reconcileLive(
      openOrdersInJournal(lines),
      new Map([[`binance|${BTC}`, fx('0.05')]]),
      new Map([
        [
          'binance',
          venueSays({
            orders: [at('arb-btc-1', '0.01'), at('arb-btc-3', '0.03')],
            positions: new Map([[BTC, '-0.1']]),
          }),
        ],
      ]),
    );
    expect(differences.map((d) => [d.kind, d.orderId ?? d.symbol])).toEqual([
      ['order-left-at-venue', 'arb-btc-1'],
      ['order-not-at-venue', 'arb-btc-2'],
      ['order-only-at-venue', 'arb-btc-3'],
      ['position', BTC],
    ]);
    expect(differences.map((d) => d.message)).toEqual([
      `live order arb-btc-1 (arb-btc: buy 0.01 ${BTC}, journal line 1) is still resting at binance (filled 0) and no strategy manages it since the restart`,
      `live order arb-btc-2 (arb-btc: sell 0.02 ${BTC}, journal line 2) is open in the live journal but not at binance`,
      `live order arb-btc-3 (buy 0.03 ${BTC} at 60000) is resting at binance but closed in the live journal`,
      `live position ${BTC} on binance: live ledger 0.05, venue -0.1`,
    ]);
    // A venue that did not answer (okx here) is compared with nothing: the caller holds it apart.
    expect(differences.some((d) => d.venue === 'okx')).toBe(false);
  });

  it('finds nothing when the venue holds what the journal says, and leaves positions alone where the venue keeps none', () => {
    const lines = crashedLiveJournal().filter(
      (l) => l.record.orderId !== 'arb-btc-1' && l.record.orderId !== 'arb-btc-2',
    );
    expect(
      reconcileLive(
        openOrdersInJournal(lines),
        new Map([[`binance|${BTC}`, fx('0.05')]]),
        new Map([['binance', venueSays({ positions: new Map([[BTC, '0.05']]) })]]),
      ),
    ).toEqual([]);
    // Spot: balances hold money the desk never traded, so no position is compared.
    expect(
      reconcileLive(
        openOrdersInJournal(lines),
        new Map([[`binance|${BTC}`, fx('0.05')]]),
        new Map([['binance', venueSays({ positions: null })]]),
      ),
    ).toEqual([]);
  });
});
