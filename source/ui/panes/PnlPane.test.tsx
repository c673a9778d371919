import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { snapshotFixture } from '../fixtures.ts';
import { createConsoleStore } from '../store.ts';
import { fitsWidth, frameLines, renderAt, stripAnsi } from '../testing.ts';
import { PnlPane } from './PnlPane.tsx';

// Colors are what these tests check; a test run is not a terminal, so force them on before chalk loads.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

afterEach(cleanup);

describe('PnlPane', () => {
  it('shows net, realized, unrealized, fees and funding and a chart at 80 columns', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<PnlPane store={store} width={80} height={10} />, 80);
    const frame = stripAnsi(lastFrame() ?? '');
    for (const text of [
      '5 PnL',
      'net',
      '+12.47',
      'realized',
      '+14.51',
      'unreal',
      '+0.13',
      'fees',
      '3.36',
      'funding',
      '+0.19',
    ]) {
      expect(frame).toContain(text);
    }
    expect(frame).toMatch(/[╭╮╯╰─]/);
    expect(fitsWidth(lastFrame(), 80)).toBe(true);
    expect(frameLines(lastFrame())).toHaveLength(10);
  });

  it('puts the figures beside a tall chart with the break-even line at 200 columns', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<PnlPane store={store} width={200} height={18} />, 200);
    const frame = stripAnsi(lastFrame() ?? '');
    for (const text of [
      'drawdown',
      '1.20',
      'max dd',
      '7.70',
      'break-even',
      '10000.00',
      'equity',
      '10012.60',
    ]) {
      expect(frame).toContain(text);
    }
    const chartRows = frameLines(lastFrame()).filter((line) => /\d ┤|\d ┼|\d┤|\d┼/.test(line));
    expect(chartRows.length).toBeGreaterThanOrEqual(14);
    expect(fitsWidth(lastFrame(), 200)).toBe(true);
  });

  it('colors a loss red', () => {
    const store = createConsoleStore(snapshotFixture({ pnl: { ...snapshotFixture().pnl, net: '-4.20' } }));
    const { lastFrame } = renderAt(<PnlPane store={store} width={80} height={8} />, 80);
    const line = (lastFrame() ?? '').split('\n').find((l) => stripAnsi(l).includes('-4.20')) ?? '';
    expect(line).toContain('\u001B[31m');
    expect(line).toMatch(/\[31m\s*-4\.20/);
  });
});
