import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { walkForwardFolds } from './walk-forward.ts';

describe('walk-forward folds', () => {
  it('never test on a sample whose label window overlaps a training label window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 20, maxLength: 400 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        (gaps, folds, horizonMs, purgeMs) => {
          let t = 1_000_000;
          const ts = gaps.map((g) => (t += g));
          const plan = walkForwardFolds(ts, { folds, horizonMs, purgeMs });
          let lastTestEnd = 0;
          for (const { train, test } of plan) {
            expect(train[0]).toBe(0);
            expect(train[1]).toBeGreaterThan(0);
            expect(train[1]).toBeLessThanOrEqual(test[0]);
            expect(test[0]).toBeGreaterThanOrEqual(lastTestEnd);
            lastTestEnd = test[1];
            const firstTest = ts[test[0]];
            for (let i = train[0]; i < train[1]; i++) {
              // The training label [ts, ts + horizon] ends more than the purge gap before any test sample.
              expect(ts[i] + horizonMs + purgeMs).toBeLessThan(firstTest);
            }
            // Test labels start after every training label has ended: the windows are disjoint.
            for (let i = test[0]; i < test[1]; i++)
              expect(ts[i]).toBeGreaterThan(ts[train[1] - 1] + horizonMs);
          }
        },
      ),
    );
  });

  it('cuts a regular history into expanding training windows and consecutive test blocks', () => {
    const ts = Array.from({ length: 1_000 }, (_, i) => i * 100);
    const plan = walkForwardFolds(ts, { folds: 4, horizonMs: 5_000, purgeMs: 5_000 });
    expect(plan.map((f) => f.test)).toEqual([
      [200, 400],
      [400, 600],
      [600, 800],
      [800, 1000],
    ]);
    // 10 s of samples (100 of them) purged before each test block.
    expect(plan.map((f) => f.train[1])).toEqual([100, 300, 500, 700]);
  });
});
