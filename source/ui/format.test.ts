import { describe, expect, it } from 'vitest';
import { age, bps, fit, price, roundDecimal, signedMoney, wrapWords } from './format.ts';

describe('format', () => {
  it('rounds decimal strings exactly, half away from zero', () => {
    expect(roundDecimal('12.4731', 2)).toBe('12.47');
    expect(roundDecimal('12.475', 2)).toBe('12.48');
    expect(roundDecimal('-3.205', 2)).toBe('-3.21');
    expect(roundDecimal('0.999', 2)).toBe('1.00');
    expect(roundDecimal('-0.004', 2)).toBe('0.00');
    expect(roundDecimal('7', 2)).toBe('7.00');
    // A float would print 1.0049999999999999 as 1.00 and lose the cent; the string keeps it.
    expect(roundDecimal('100000000000000000.005', 2)).toBe('100000000000000000.01');
    expect(roundDecimal('n/a', 2)).toBe('n/a');
  });

  it('signs money the way a PnL column reads', () => {
    expect(signedMoney('12.4731')).toBe('+12.47');
    expect(signedMoney('-3.2050')).toBe('-3.21');
    expect(signedMoney('0')).toBe('0.00');
  });

  it('formats ages, prices and bps compactly', () => {
    expect(age(85)).toBe('85ms');
    expect(age(6_400)).toBe('6.4s');
    expect(age(180_000)).toBe('3m');
    expect(age(7_200_000)).toBe('2h');
    expect(price(64020.1)).toBe('64020.1');
    expect(price(3150.41)).toBe('3150.41');
    expect(price(0.5)).toBe('0.500000');
    expect(bps(0.75)).toBe('+0.8');
    expect(bps(-18.25)).toBe('-18.3');
    expect(bps(0.01)).toBe('0.0');
  });

  it('fits text to an exact width', () => {
    expect(fit('arb-btc', 10)).toBe('arb-btc   ');
    expect(fit('12.47', 8, 'right')).toBe('   12.47');
    expect(fit('hyperliquid', 6)).toBe('hyper…');
    expect(fit('x', 0)).toBe('');
  });

  it('wraps prose for dialogs within width and line count', () => {
    const lines = wrapWords('paper net +12.47 USDT over 38 trades clears break-even after fees', 20, 3);
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(lines.every((line) => line.length <= 20)).toBe(true);
    expect(lines[0]).toBe('paper net +12.47');
  });
});
