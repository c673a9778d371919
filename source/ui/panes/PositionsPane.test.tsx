import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotFixture } from '../fixtures.ts';
import { createConsoleStore } from '../store.ts';
import { fitsWidth, renderAt, stripAnsi } from '../testing.ts';
import { PositionsPane } from './PositionsPane.tsx';

afterEach(cleanup);

describe('PositionsPane', () => {
  it('shows each venue’s position and the net exposure at 80 columns', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<PositionsPane store={store} width={80} height={8} />, 80);
    const frame = stripAnsi(lastFrame() ?? '');
    for (const text of [
      '2 Positions',
      'binance',
      'hyperliquid',
      'BTC/USDT:USDT',
      'BTC/USDC:USDC',
      '0.010',
      '-0.010',
    ]) {
      expect(frame).toContain(text);
    }
    expect(frame).toContain('net BTC 0.000');
    expect(fitsWidth(lastFrame(), 80)).toBe(true);
  });

  it('shows entry, mark, unrealized, realized, fees and funding at 200 columns', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<PositionsPane store={store} width={200} height={8} />, 200);
    const frame = stripAnsi(lastFrame() ?? '');
    for (const text of [
      'entry',
      'mark',
      'unreal',
      'realized',
      'fees',
      'funding',
      '64012.5',
      '64020.1',
      '+8.41',
      '1.92',
      '-0.12',
      '+0.31',
    ]) {
      expect(frame).toContain(text);
    }
    expect(frame).toContain('gross 0.020');
    expect(fitsWidth(lastFrame(), 200)).toBe(true);
  });

  it('says flat when there is nothing open', () => {
    const store = createConsoleStore(snapshotFixture({ positions: [], exposure: [] }));
    const { lastFrame } = renderAt(<PositionsPane store={store} width={80} height={6} />, 80);
    expect(stripAnsi(lastFrame() ?? '')).toContain('no open positions');
  });

  it('puts the net per asset on one line when the pane is short', () => {
    const base = snapshotFixture();
    const store = createConsoleStore({
      ...base,
      exposure: [...base.exposure, { asset: 'ETH', net: '-0.500', gross: '0.500', netNotional: '-1575.20' }],
    });
    const { lastFrame } = renderAt(<PositionsPane store={store} width={80} height={6} />, 80);
    const frame = stripAnsi(lastFrame() ?? '');
    expect(frame).toContain('net  BTC 0.000  ETH -0.500');
    expect(frame).toContain('binance');
  });
});
