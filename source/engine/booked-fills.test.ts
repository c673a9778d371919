// The duplicate rule for venue fills looked up after a restart: by the venue's trade id, else by order, qty and price,
// one journal line standing for one fill. Real journals on disk, read back as a restart reads them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fx, str } from '../core/money.ts';
import type { Fill } from '../core/trading.ts';
import { Journal, readJournal } from '../../state/journal.ts';
import { BookedFills } from './booked-fills.ts';

function fill(orderId: string, qty: string, price: string, tradeId?: string): Fill {
  return {
    ts: 1,
    venue: 'binance',
    symbol: 'BTC/USDT:USDT',
    side: 'buy',
    qty: fx(qty),
    price: fx(price),
    fee: fx('0.01'),
    feeCurrency: 'USDT',
    liquidity: 'maker',
    orderId,
    strategy: 'arb-btc',
    ...(tradeId === undefined ? {} : { tradeId }),
  };
}

/** A live journal on disk holding these fill lines, as bookFill writes them (a trade id only where one was known). */
function journalOf(fills: Fill[]) {
  const file = join(mkdtempSync(join(tmpdir(), 'td-booked-')), 'journal.ndjson');
  const journal = new Journal(file);
  for (const f of fills)
    journal.append({
      type: 'fill',
      ts: f.ts,
      venue: f.venue,
      symbol: f.symbol,
      side: f.side,
      qty: str(f.qty),
      price: str(f.price),
      fee: '0.01',
      feeCurrency: f.feeCurrency,
      liquidity: f.liquidity,
      orderId: f.orderId,
      strategy: f.strategy,
      ...(f.tradeId === undefined ? {} : { tradeId: f.tradeId }),
      mode: 'live',
    });
  journal.close();
  return readJournal(file);
}

describe('BookedFills: a venue fill is booked once', () => {
  it('tells fills apart by the venue trade id, even of one order at one qty and price', () => {
    const booked = BookedFills.of(journalOf([fill('o-1', '0.002', '60000', '7')]));
    const fresh = booked.notBooked([
      fill('o-1', '0.002', '60000', '7'),
      fill('o-1', '0.002', '60000', '8'),
      fill('o-1', '0.002', '60000', '8'), // listed twice by the venue: one fill
    ]);
    expect(fresh.map((f) => f.tradeId)).toEqual(['8']);
  });

  it('books nothing twice across two restarts: what was booked is on record with its trade id', () => {
    const venue = [fill('o-1', '0.002', '60000', '7'), fill('o-2', '0.001', '59000', '9')];
    const first = BookedFills.of(journalOf([])).notBooked(venue);
    expect(first).toHaveLength(2);
    expect(BookedFills.of(journalOf(first)).notBooked(venue)).toEqual([]);
  });

  it('a fill added while running (a streamed one) is not booked again from the venue record', () => {
    const booked = BookedFills.of(journalOf([]));
    booked.add(fill('o-1', '0.002', '60000', '7'));
    expect(booked.notBooked([fill('o-1', '0.002', '60000', '7')])).toEqual([]);
  });

  it('a journal line without a trade id stands for one fill of its order, qty and price, matched once', () => {
    const booked = BookedFills.of(journalOf([fill('o-1', '0.002', '60000')]));
    const fresh = booked.notBooked([
      fill('o-1', '0.002', '60000', '7'),
      fill('o-1', '0.002', '60000', '8'),
      fill('o-1', '0.002', '60100', '9'),
      fill('o-2', '0.002', '60000', '10'),
    ]);
    expect(fresh.map((f) => f.tradeId)).toEqual(['8', '9', '10']);
    // Asked again in the same run: the matched one keeps its id, the booked ones are added by the engine.
    for (const f of fresh) booked.add(f);
    expect(
      booked.notBooked([fill('o-1', '0.002', '60000', '7'), fill('o-1', '0.002', '60000', '8')]),
    ).toEqual([]);
  });

  it('venue fills without trade ids: as many as the journal lacks of that order, qty and price', () => {
    const booked = BookedFills.of(journalOf([fill('o-1', '0.002', '60000')]));
    const same = [fill('o-1', '0.002', '60000'), fill('o-1', '0.002', '60000')];
    expect(booked.notBooked(same)).toHaveLength(1);
  });

  it('fills of another venue with the same trade id are other fills', () => {
    const booked = BookedFills.of(journalOf([fill('o-1', '0.002', '60000', '7')]));
    expect(booked.notBooked([{ ...fill('o-1', '0.002', '60000', '7'), venue: 'hyperliquid' }])).toHaveLength(
      1,
    );
  });
});
