import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotFixture } from '../fixtures.ts';
import { createConsoleStore } from '../store.ts';
import { fitsWidth, renderAt, stripAnsi } from '../testing.ts';
import { SpreadsPane } from './SpreadsPane.tsx';

afterEach(cleanup);

describe('SpreadsPane', () => {
  it('shows gross and net edge in bps per asset at 80 columns', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<SpreadsPane store={store} width={80} height={8} />, 80);
    const frame = stripAnsi(lastFrame() ?? '');
    for (const text of ['3 Spreads', 'BTC', 'ETH', 'SOL', '+0.8', '-18.3', '-31.8', '120ms', '6.4s']) {
      expect(frame).toContain(text);
    }
    expect(fitsWidth(lastFrame(), 80)).toBe(true);
  });

  it('shows each venue’s bid/ask, the direction and the fee source at 200 columns', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<SpreadsPane store={store} width={200} height={8} />, 200);
    const frame = stripAnsi(lastFrame() ?? '');
    for (const text of [
      '64020.1/64020.2',
      '64025.0/64026.0',
      '3150.41/3150.42',
      'buy binance / sell hyperliquid',
      'default',
    ]) {
      expect(frame).toContain(text);
    }
    expect(fitsWidth(lastFrame(), 200)).toBe(true);
  });
});
