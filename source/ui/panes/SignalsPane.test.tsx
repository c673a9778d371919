import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotFixture } from '../fixtures.ts';
import { createConsoleStore } from '../store.ts';
import { fitsWidth, renderAt, stripAnsi } from '../testing.ts';
import { SignalsPane } from './SignalsPane.tsx';

afterEach(cleanup);

describe('SignalsPane', () => {
  it('shows model, prediction, confidence and drift at 80 columns', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<SignalsPane store={store} width={80} height={6} />, 80);
    const frame = stripAnsi(lastFrame() ?? '');
    for (const text of ['4 Signals', 'ofi-lgbm', 'basis-ridge', '+2.4', '-1.1', '61%', '38%', 'DRIFT']) {
      expect(frame).toContain(text);
    }
    expect(fitsWidth(lastFrame(), 80)).toBe(true);
  });

  it('shows version and age at 200 columns', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<SignalsPane store={store} width={200} height={6} />, 200);
    const frame = stripAnsi(lastFrame() ?? '');
    for (const text of ['v3-20250601', 'v1-20250512', '800ms', '4.2s', 'BTC/USDT:USDT']) {
      expect(frame).toContain(text);
    }
    expect(fitsWidth(lastFrame(), 200)).toBe(true);
  });
});
