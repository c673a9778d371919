import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DECIMALS, SCALE, fixedOf, fmt, fx, roundTo } from './money.ts';

/** The plain way to write it: round, then cut the 18-digit fraction down to dp digits. */
function fmtByHand(a: bigint, dp: number): string {
  const r = roundTo(a, dp);
  const neg = r < 0n;
  const u = neg ? -r : r;
  const frac = dp > 0 ? '.' + (u % SCALE).toString().padStart(DECIMALS, '0').slice(0, dp) : '';
  return `${neg ? '-' : ''}${u / SCALE}${frac}`;
}

describe('fmt', () => {
  it('rounds half away from zero and keeps the decimals asked for', () => {
    expect(fmt(fx('1.005'))).toBe('1.01');
    expect(fmt(fx('-1.005'))).toBe('-1.01');
    expect(fmt(fx('0.004'))).toBe('0.00');
    expect(fmt(fx('-0.004'))).toBe('0.00');
    expect(fmt(fx('999.995'))).toBe('1000.00');
    expect(fmt(fx('0.05'), 1)).toBe('0.1');
    expect(fmt(fx('123.456'), 0)).toBe('123');
    expect(fmt(fx('-0.5'), 0)).toBe('-1');
    expect(fmt(fx('-64000.5'), 4)).toBe('-64000.5000');
    expect(fmt(1n, 18)).toBe('0.000000000000000001');
  });

  it('says what rounding and cutting the fraction by hand says, for any amount and decimals', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.integer({ min: 0, max: 18 }),
        (a, dp) => {
          expect(fmt(a, dp)).toBe(fmtByHand(a, dp));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('fixedOf', () => {
  it('is what toFixed and parsing say, for prices on any tick and halves between them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.integer({ min: 0, max: 12 }),
        fc.boolean(),
        (units, dp, half) => {
          // A mid is two prices on a tick averaged: its decimals are the tick's plus one.
          const x = half ? (units + 0.5) / 10 ** dp : units / 10 ** dp;
          expect(fixedOf(x, dp + 1)).toBe(fx(x.toFixed(dp + 1)));
          expect(fixedOf(x, dp)).toBe(fx(x.toFixed(dp)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('takes the string way for values too large for the shortcut, and gives the same', () => {
    expect(fixedOf(123456789012345.67, 2)).toBe(fx((123456789012345.67).toFixed(2)));
    expect(fixedOf(0.1 + 0.2, 1)).toBe(fx('0.3'));
    expect(fixedOf(64000.05, 2)).toBe(fx('64000.05'));
  });
});
