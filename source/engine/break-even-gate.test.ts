import { describe, expect, it } from 'vitest';
import { judgeBreakEven } from './break-even-gate.ts';

const rules = { minTrades: 200, minNetPnl: 0, maxDrawdown: 1_000 };
const good = { trades: 250, netPnl: 12.5, maxDrawdown: 300, criticalFindings: 0 };

describe('the break-even gate', () => {
  it('passes a paper record that meets every criterion, listing each value', () => {
    const v = judgeBreakEven(good, rules);
    expect(v.ok).toBe(true);
    expect(v.message).toBe(
      'break-even gate passed: ok paper trades 250 (≥ 200); ok net PnL after fees and funding 12.50 (≥ 0); ok max drawdown 300.00 (≤ 1000); ok critical integrity findings 0 (= 0)',
    );
  });

  it.each([
    [{ trades: 199 }, 'FAIL paper trades 199 (≥ 200)'],
    [{ netPnl: -0.01 }, 'FAIL net PnL after fees and funding -0.01 (≥ 0)'],
    [{ maxDrawdown: 1_000.5 }, 'FAIL max drawdown 1000.50 (≤ 1000)'],
    [{ criticalFindings: 1 }, 'FAIL critical integrity findings 1 (= 0)'],
  ])('refuses %j and names the failing criterion first', (change, named) => {
    const v = judgeBreakEven({ ...good, ...change }, rules);
    expect(v.ok).toBe(false);
    expect(v.message.startsWith(`break-even gate refused: ${named}`)).toBe(true);
    expect(v.criteria.filter((c) => !c.ok)).toHaveLength(1);
  });
});
