import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fx, mul, str, ZERO } from '../core/money.ts';
import type { Fill, Side } from '../core/trading.ts';
import { feeInQuote } from './fee-conversion.ts';
import { Ledger, averageEntry, unrealized } from './ledger.ts';

function fill(
  side: Side,
  qty: string,
  price: string,
  fee = '0',
  feeCurrency = 'USDT',
  strategy = 's',
  symbol = 'BTC/USDT:USDT',
): Fill {
  return {
    ts: 0,
    venue: 'binance',
    symbol,
    side,
    qty: fx(qty),
    price: fx(price),
    fee: fx(fee),
    feeCurrency,
    liquidity: 'taker',
    orderId: 'o',
    strategy,
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

describe('Ledger known answers: fees in any currency, round trips, slippage', () => {
  const noRate = () => null;

  it('a plain long: cash, unrealized, net and equity', () => {
    const l = new Ledger();
    l.deposit('binance', 'USDT', fx('10000'));
    book(l, fill('buy', '2', '100', '0.2'));
    l.mark('binance', 'BTC/USDT:USDT', fx('110'));
    const t = l.totals();
    // unrealized 2×110 − 200 = 20; net 20 − 0.2 = 19.8
    expect(str(t.unrealized)).toBe('20');
    expect(str(t.net)).toBe('19.8');
    // cash 10000 − 200 − 0.2 = 9799.8; equity 9799.8 + 2×110 = 10019.8
    expect(str(l.cashBalances().get('binance:USDT')!)).toBe('9799.8');
    expect(str(l.equity())).toBe('10019.8');
  });

  it('a short closed at a profit is one winning round trip, net of both fees', () => {
    const l = new Ledger();
    book(l, fill('sell', '1', '200', '0.1'));
    const acc = book(l, fill('buy', '1', '180', '0.09'));
    // realized (200 − 180) × 1 = 20; fees 0.1 + 0.09 = 0.19; net 19.81
    expect(str(acc.realized)).toBe('20');
    expect(str(l.totals().net)).toBe('19.81');
    const trips = l.strategyRoundTrips('s');
    expect(trips).toMatchObject({ count: 1, wins: 1, won: fx('19.81'), lost: ZERO });
    // edge: 19.81 over traded notional 200 + 180 = 380 → 521.315… bp
    expect(trips.edgeBpsSum).toBeCloseTo((19.81 / 380) * 1e4, 9);
  });

  it('a flip through zero closes one round trip with the whole fill and opens the next', () => {
    const l = new Ledger();
    book(l, fill('sell', '1', '200'));
    // buy 3 @150: closes the short for (200 − 150) × 1 = +50, opens a long of 2 @150
    book(l, fill('buy', '3', '150'));
    expect(l.strategyRoundTrips('s')).toMatchObject({ count: 1, wins: 1, net: fx('50') });
    // sell 2 @140: the long loses (140 − 150) × 2 = −20
    const acc = book(l, fill('sell', '2', '140'));
    expect(acc.qty).toBe(ZERO);
    expect(str(acc.realized)).toBe('30');
    expect(l.strategyRoundTrips('s')).toMatchObject({ count: 2, wins: 1, won: fx('50'), lost: fx('20') });
  });

  it('a strategy round trip spans both legs: flat only when every position is flat', () => {
    const l = new Ledger();
    const hl = 'BTC/USDC:USDC';
    book(l, fill('buy', '1', '100', '0.05'));
    l.applyFill(fill('sell', '1', '101', '0.05', 'USDC', 's', hl), 'USDC', fx('0.05'));
    book(l, fill('sell', '1', '100.5', '0.05'));
    expect(l.strategyRoundTrips('s').count).toBe(0);
    l.applyFill(fill('buy', '1', '100.2', '0.05', 'USDC', 's', hl), 'USDC', fx('0.05'));
    // legs: +0.5 on binance, +0.8 on hyperliquid, fees 4 × 0.05 = 0.2 → net 1.1
    expect(l.strategyRoundTrips('s')).toMatchObject({ count: 1, wins: 1, net: fx('1.1') });
    // each position is a round trip of its own (by venue and symbol): +0.4 and +0.7
    expect(l.positionRoundTrips((a) => a.symbol === hl)).toMatchObject({ count: 1, net: fx('0.7') });
    expect(l.positionRoundTrips(() => true)).toMatchObject({ count: 2, net: fx('1.1') });
  });

  it('a fee in the base converts at the fill price, recording that rate', () => {
    const f = fill('buy', '1', '64000', '0.000001', 'BTC');
    const { feeQuote, rate } = feeInQuote(f, 'BTC', 'USDT', noRate);
    // 0.000001 BTC × 64000 = 0.064 USDT
    expect(str(feeQuote!)).toBe('0.064');
    expect(str(rate!)).toBe('64000');
    const l = new Ledger();
    l.deposit('binance', 'USDT', fx('100000'));
    l.applyFill(f, 'USDT', feeQuote);
    l.mark('binance', 'BTC/USDT:USDT', fx('64000'));
    expect(str(l.totals().fees)).toBe('0.064');
    expect(str(l.equity())).toBe('99999.936');
  });

  it('a fee in a third currency converts at that currency’s rate; with no rate it is held apart, not guessed', () => {
    const f = fill('buy', '0.01', '64000', '0.0002', 'BNB');
    // 0.0002 BNB × 600.5 USDT/BNB = 0.1201 USDT
    const converted = feeInQuote(f, 'BTC', 'USDT', (c) => (c === 'BNB' ? fx('600.5') : null));
    expect([str(converted.feeQuote!), str(converted.rate!)]).toEqual(['0.1201', '600.5']);
    const none = feeInQuote(f, 'BTC', 'USDT', noRate);
    expect(none).toEqual({ feeQuote: null, rate: null });
    const l = new Ledger();
    l.deposit('binance', 'USDT', fx('1000'));
    l.applyFill(f, 'USDT', none.feeQuote);
    expect(l.totals().fees).toBe(ZERO);
    expect(l.unconvertedFees()).toEqual(new Map([['binance:BNB', fx('0.0002')]]));
    // cash moved by the notional only: 1000 − 640
    expect(str(l.cashBalances().get('binance:USDT')!)).toBe('360');
  });

  it('slippage against the decision price: positive when worse for us, in quote and over decision notional', () => {
    const l = new Ledger();
    // buy at 100.2 decided at 100: 0.2 worse; sell at 99.9 decided at 100: 0.1 worse
    l.applyFill(fill('buy', '1', '100.2'), 'USDT', ZERO, fx('100'));
    l.applyFill(fill('sell', '1', '99.9'), 'USDT', ZERO, fx('100'));
    // a sell above its decision price is better: −0.5 on 1 × 100
    l.applyFill(fill('sell', '1', '100.5'), 'USDT', ZERO, fx('100'));
    const t = l.totals();
    expect(str(t.slippage)).toBe('-0.2');
    expect(str(t.decisionNotional)).toBe('300');
  });
});

describe('Ledger identities with fees in any currency and funding (property)', () => {
  // Integers in fixed units so the brute force never touches money.ts: qty in 1e-3, price in 1e-1,
  // quote fees in 1e-2, base fees in 1e-6 BTC, BNB fees in 1e-6 BNB at a rate in 1e-2, funding in 1e-8.
  const action = fc.oneof(
    fc.record({
      kind: fc.constant('fill' as const),
      strategy: fc.constantFrom('a', 'b'),
      symbol: fc.constantFrom('BTC/USDT:USDT', 'ETH/USDT:USDT'),
      side: fc.constantFrom<Side>('buy', 'sell'),
      qty: fc.integer({ min: 1, max: 3000 }),
      price: fc.integer({ min: 10_000, max: 700_000 }),
      feeKind: fc.constantFrom('quote', 'base', 'bnb'),
      fee: fc.integer({ min: -200, max: 2000 }),
      rate: fc.integer({ min: 20_000, max: 90_000 }),
    }),
    fc.record({
      kind: fc.constant('funding' as const),
      strategy: fc.constantFrom('a', 'b'),
      symbol: fc.constantFrom('BTC/USDT:USDT', 'ETH/USDT:USDT'),
      amount: fc.integer({ min: -5_000_000, max: 5_000_000 }),
    }),
  );
  const dec = (n: number | bigint, decimals: number) => {
    const neg = BigInt(n) < 0n;
    const s = (neg ? -BigInt(n) : BigInt(n)).toString().padStart(decimals + 1, '0');
    return `${neg ? '-' : ''}${s.slice(0, -decimals)}.${s.slice(-decimals)}`;
  };
  const UNIT = 10n ** 10n; // brute-force units are 1e-8; Fixed is 1e-18

  it('positions, cash, equity and net PnL match a brute-force recomputation exactly; round trips sum to net when flat', () => {
    fc.assert(
      fc.property(
        fc.array(action, { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 10_000, max: 700_000 }),
        (actions, markTenths) => {
          const l = new Ledger();
          l.deposit('binance', 'USDT', fx('100000'));
          let cash = 100000n * 10n ** 8n; // brute force, 1e-8 units
          let fees = 0n;
          let funding = 0n;
          const qty = new Map<string, bigint>(); // 1e-3 units per strategy|symbol
          const apply = (
            strategy: string,
            symbol: string,
            side: Side,
            q: number,
            p: number,
            feeQ: bigint,
            f: Fill,
          ) => {
            l.applyFill(f, 'USDT', fx(dec(feeQ, 8)));
            const signed = BigInt(side === 'buy' ? q : -q);
            cash -= signed * BigInt(p) * 10_000n + feeQ; // qty 1e-3 × price 1e-1 = 1e-4 → ×1e4 to 1e-8
            fees += feeQ;
            qty.set(`${strategy}|${symbol}`, (qty.get(`${strategy}|${symbol}`) ?? 0n) + signed);
          };
          for (const a of actions) {
            if (a.kind === 'funding') {
              if ((qty.get(`${a.strategy}|${a.symbol}`) ?? 0n) === 0n) continue;
              l.applyFunding(
                {
                  ts: 0,
                  venue: 'binance',
                  symbol: a.symbol,
                  strategy: a.strategy,
                  amount: fx(dec(a.amount, 8)),
                  rate: ZERO,
                  qty: ZERO,
                  markPrice: ZERO,
                },
                'USDT',
              );
              cash += BigInt(a.amount);
              funding += BigInt(a.amount);
              continue;
            }
            const feeCurrency = a.feeKind === 'quote' ? 'USDT' : a.feeKind === 'base' ? 'BTC' : 'BNB';
            const feeText = a.feeKind === 'quote' ? dec(a.fee, 2) : dec(a.fee, 6);
            const f = fill(
              a.side,
              dec(a.qty, 3),
              dec(a.price, 1),
              feeText,
              feeCurrency,
              a.strategy,
              a.symbol,
            );
            const conv = feeInQuote(f, 'BTC', 'USDT', () => fx(dec(a.rate, 2)));
            // brute force of the conversion: quote 1e-2 → ×1e6; base 1e-6 × price 1e-1 → ×10; BNB 1e-6 × 1e-2 → ×1
            const feeQ =
              a.feeKind === 'quote'
                ? BigInt(a.fee) * 1_000_000n
                : a.feeKind === 'base'
                  ? BigInt(a.fee) * BigInt(a.price) * 10n
                  : BigInt(a.fee) * BigInt(a.rate);
            expect(conv.feeQuote).toBe(feeQ * UNIT);
            apply(a.strategy, a.symbol, a.side, a.qty, a.price, feeQ, f);
          }
          const mark = fx(dec(markTenths, 1));
          for (const s of ['BTC/USDT:USDT', 'ETH/USDT:USDT']) l.mark('binance', s, mark);
          let marked = 0n;
          for (const [k, q] of qty) {
            marked += q * BigInt(markTenths) * 10_000n;
            const [strategy, symbol] = k.split('|');
            expect(l.account(strategy, 'binance', symbol, 'USDT').qty).toBe(fx(dec(q, 3)));
          }
          const t = l.totals();
          expect(l.cashBalances().get('binance:USDT')).toBe(cash * UNIT);
          expect(l.equity()).toBe((cash + marked) * UNIT);
          expect(t.fees).toBe(fees * UNIT);
          expect(t.funding).toBe(funding * UNIT);
          expect(t.net).toBe((cash + marked) * UNIT - fx('100000'));
          // Flatten everything at the mark: every round trip has closed, and they add up to net PnL.
          for (const [k, q] of qty) {
            if (q === 0n) continue;
            const [strategy, symbol] = k.split('|');
            const side: Side = q > 0n ? 'sell' : 'buy';
            const n = Number(q > 0n ? q : -q);
            apply(
              strategy,
              symbol,
              side,
              n,
              markTenths,
              0n,
              fill(side, dec(n, 3), dec(markTenths, 1), '0', 'USDT', strategy, symbol),
            );
          }
          const net = l.totals().net;
          expect(net).toBe(cash * UNIT - fx('100000'));
          expect(l.strategyRoundTrips().net).toBe(net);
          expect(l.positionRoundTrips(() => true).net).toBe(net);
        },
      ),
      { numRuns: 300 },
    );
  });
});
