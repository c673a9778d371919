import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fx, mul, str, ZERO } from '../core/money.ts';
import type { Fill, Side } from '../core/trading.ts';
import { Ledger, averageEntry, unrealized } from './ledger.ts';

function fill(side: Side, qty: string, price: string, fee = '0'): Fill {
  return {
    ts: 0,
    venue: 'binance',
    symbol: 'BTC/USDT:USDT',
    side,
    qty: fx(qty),
    price: fx(price),
    fee: fx(fee),
    feeCurrency: 'USDT',
    liquidity: 'taker',
    orderId: 'o',
    strategy: 's',
  };
}

function book(ledger: Ledger, f: Fill) {
  return ledger.applyFill(f, 'USDT', f.fee);
}

describe('Ledger known answers', () => {
  it('long then partial close then full close', () => {
    const l = new Ledger();
    l.deposit('binance', 'USDT', fx('10000'));
    book(l, fill('buy', '2', '100', '0.1'));
    let acc = book(l, fill('buy', '1', '130', '0.065'));
    expect(str(averageEntry(acc))).toBe('110');
    acc = book(l, fill('sell', '1.5', '120', '0.09'));
    expect(str(acc.realized)).toBe('15');
    expect(str(acc.qty)).toBe('1.5');
    expect(str(averageEntry(acc))).toBe('110');
    acc = book(l, fill('sell', '1.5', '100'));
    expect(str(acc.realized)).toBe('0');
    expect(acc.qty).toBe(ZERO);
    expect(acc.cost).toBe(ZERO);
    expect(str(acc.fees)).toBe('0.255');
    // cash: 10000 -200 -130 +180 +150 - fees
    expect(str(l.equity())).toBe('9999.745');
  });

  it('short, flip through zero, and unrealized at mark', () => {
    const l = new Ledger();
    book(l, fill('sell', '1', '200'));
    const acc = book(l, fill('buy', '3', '150'));
    expect(str(acc.realized)).toBe('50');
    expect(str(acc.qty)).toBe('2');
    expect(str(averageEntry(acc))).toBe('150');
    l.mark('binance', 'BTC/USDT:USDT', fx('160'));
    expect(str(unrealized(acc))).toBe('20');
  });

  it('negative maker fees are rebates that add to cash', () => {
    const l = new Ledger();
    l.deposit('binance', 'USDT', fx('1000'));
    book(l, fill('buy', '1', '100', '-0.01'));
    l.mark('binance', 'BTC/USDT:USDT', fx('100'));
    expect(str(l.equity())).toBe('1000.01');
    expect(str(l.totals().net)).toBe('0.01');
  });

  it('funding paid and received moves cash and net', () => {
    const l = new Ledger();
    l.deposit('binance', 'USDT', fx('1000'));
    book(l, fill('buy', '1', '100'));
    l.applyFunding(
      {
        ts: 1,
        venue: 'binance',
        symbol: 'BTC/USDT:USDT',
        strategy: 's',
        amount: fx('-0.01'),
        rate: fx('0.0001'),
        qty: fx('1'),
        markPrice: fx('100'),
      },
      'USDT',
    );
    l.mark('binance', 'BTC/USDT:USDT', fx('100'));
    expect(str(l.totals().funding)).toBe('-0.01');
    expect(str(l.equity())).toBe('999.99');
  });
});

describe('Ledger identities (property)', () => {
  const fillArb = fc.record({
    side: fc.constantFrom<Side>('buy', 'sell'),
    qty: fc.integer({ min: 1, max: 5000 }).map((n) => (n / 1000).toFixed(3)),
    price: fc.integer({ min: 50_000, max: 70_000_0 }).map((n) => (n / 10).toFixed(1)),
    fee: fc.integer({ min: -100, max: 1000 }).map((n) => (n / 100).toFixed(2)),
  });

  it('net PnL equals equity change and an independent cash-flow recomputation, exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fillArb, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 50_000, max: 700_000 }),
        (fills, markTenths) => {
          const l = new Ledger();
          l.deposit('binance', 'USDT', fx('100000'));
          let cashFlow = ZERO;
          let qty = ZERO;
          let fees = ZERO;
          for (const f of fills) {
            const x = fill(f.side, f.qty, f.price, f.fee);
            book(l, x);
            const signed = f.side === 'buy' ? x.qty : -x.qty;
            cashFlow -= mul(signed, x.price);
            qty += signed;
            fees += x.fee;
          }
          const mark = fx((markTenths / 10).toFixed(1));
          l.mark('binance', 'BTC/USDT:USDT', mark);
          const t = l.totals();
          const bruteNet = cashFlow + mul(qty, mark) - fees;
          expect(t.net).toBe(bruteNet);
          expect(l.equity() - l.startEquity()).toBe(bruteNet);
          const acc = l.accountsList()[0];
          expect(acc.qty).toBe(qty);
          expect(t.realized + unrealized(acc)).toBe(cashFlow + mul(qty, mark));
        },
      ),
      { numRuns: 300 },
    );
  });
});
