import { describe, expect, it } from 'vitest';
import { SafetyTriggers } from './safety-triggers.ts';

const limits = {
  dailyLossLimit: 500,
  trailingDrawdown: 800,
  staleKillMs: 60_000,
  unhedgedMs: 10_000,
  unhedgedNotional: 100,
};
const reading = (
  now: number,
  equity: number,
  over: { ages?: [string, number][]; gaps?: [string, number][] } = {},
) => ({
  now,
  equity,
  dataAgeMs: new Map(over.ages ?? []),
  hedgeGaps: new Map(over.gaps ?? []),
});
const DAY = 86_400_000;

describe('the kill switch triggers', () => {
  it('trips on the daily loss from the day opening equity, and a new UTC day starts over', () => {
    const t = new SafetyTriggers({ ...limits, trailingDrawdown: 0 });
    expect(t.check(reading(DAY + 1, 10_000))).toBeNull();
    expect(t.check(reading(DAY + 2, 9_600))).toBeNull();
    expect(t.check(reading(DAY + 3, 9_500))).toBe('daily loss 500.00 reached the limit 500');
    expect(t.check(reading(2 * DAY + 1, 9_500))).toBeNull();
  });

  it('trips on a trailing drawdown from the equity peak', () => {
    const t = new SafetyTriggers({ ...limits, dailyLossLimit: 0 });
    t.check(reading(1, 10_000));
    t.check(reading(2, 10_700));
    expect(t.check(reading(3, 9_950))).toBeNull();
    expect(t.check(reading(4, 9_900))).toBe(
      'drawdown 800.00 from the equity peak 10700.00 reached the limit 800',
    );
    t.reset(9_900);
    expect(t.check(reading(5, 9_900))).toBeNull();
  });

  it('trips on stale data, naming the venue', () => {
    const t = new SafetyTriggers(limits);
    expect(t.check(reading(1, 10_000, { ages: [['binance', 59_000]] }))).toBeNull();
    expect(t.check(reading(2, 10_000, { ages: [['binance', 61_000]] }))).toBe(
      'binance market data stale for 61 s (limit 60 s)',
    );
  });

  it('trips on a leg left unhedged longer than the limit, and forgets a gap that closed', () => {
    const t = new SafetyTriggers(limits);
    expect(t.check(reading(1_000, 10_000, { gaps: [['arb-btc', 3_000]] }))).toBeNull();
    expect(t.check(reading(6_000, 10_000, { gaps: [['arb-btc', 0]] }))).toBeNull();
    expect(t.check(reading(7_000, 10_000, { gaps: [['arb-btc', -3_000]] }))).toBeNull();
    expect(t.check(reading(16_000, 10_000, { gaps: [['arb-btc', -3_000]] }))).toBeNull();
    expect(t.check(reading(17_000, 10_000, { gaps: [['arb-btc', -3_000]] }))).toBe(
      'arb-btc: a leg unhedged by -3000 for 10.0 s (limit 10 s)',
    );
  });
});
