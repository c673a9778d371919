import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotFixture } from '../fixtures.ts';
import { createConsoleStore } from '../store.ts';
import { fitsWidth, frameLines, renderAt, stripAnsi } from '../testing.ts';
import { StrategiesPane } from './StrategiesPane.tsx';

afterEach(cleanup);

describe('StrategiesPane', () => {
  it('shows name, mode, state, net PnL and why idle at 80 columns, every line within 80', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<StrategiesPane store={store} width={80} height={8} />, 80);
    const frame = stripAnsi(lastFrame() ?? '');
    for (const text of [
      '1 Strategies',
      'arb-btc',
      'arb-eth',
      'PAPER',
      'RUNNING',
      'PAUSED',
      '+12.47',
      '-3.21',
    ]) {
      expect(frame).toContain(text);
    }
    expect(frame).toContain('edge 1.2 bp < 19.0 bp needed');
    expect(fitsWidth(lastFrame(), 80)).toBe(true);
    expect(frameLines(lastFrame())).toHaveLength(8);
  });

  it('shows venues, symbol and trades too at 200 columns', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<StrategiesPane store={store} width={200} height={8} />, 200);
    const frame = stripAnsi(lastFrame() ?? '');
    for (const text of [
      'binance+hyperliquid',
      'BTC/USDT:USDT',
      'ETH/USDT:USDT',
      'trades',
      '38',
      'paused by operator',
    ]) {
      expect(frame).toContain(text);
    }
    expect(fitsWidth(lastFrame(), 200)).toBe(true);
  });

  it('gives the selected strategy’s idle reason its own line when the column does not fit', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<StrategiesPane store={store} width={40} height={7} />, 40);
    const frame = stripAnsi(lastFrame() ?? '');
    expect(frame).toContain('↳ arb-btc: edge 1.2 bp');
    expect(fitsWidth(lastFrame(), 40)).toBe(true);
  });

  it('marks the selected row and keeps it on screen', () => {
    const store = createConsoleStore(snapshotFixture());
    store.getState().moveRow(1);
    const { lastFrame } = renderAt(<StrategiesPane store={store} width={80} height={4} />, 80);
    const lines = frameLines(lastFrame());
    expect(lines.some((line) => line.includes('▸ arb-eth'))).toBe(true);
    expect(lines.join('\n')).toContain('2-2/2');
  });

  it('shows HALTED strategies', () => {
    const base = snapshotFixture();
    const store = createConsoleStore({
      ...base,
      strategies: [{ ...base.strategies[0], state: 'HALTED', idleReason: 'kill switch' }],
    });
    const { lastFrame } = renderAt(<StrategiesPane store={store} width={80} height={6} />, 80);
    expect(stripAnsi(lastFrame() ?? '')).toContain('HALTED');
  });

  it('says so while no snapshot has arrived', () => {
    const store = createConsoleStore();
    const { lastFrame } = renderAt(<StrategiesPane store={store} width={80} height={6} />, 80);
    expect(stripAnsi(lastFrame() ?? '')).toContain('waiting for the engine');
  });
});
