import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { snapshotFixture } from '../fixtures.ts';
import { createConsoleStore } from '../store.ts';
import { fitsWidth, frameLines, renderAt, stripAnsi } from '../testing.ts';
import { AlertsPane } from './AlertsPane.tsx';

// Colors are what these tests check; a test run is not a terminal, so force them on before chalk loads.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

afterEach(cleanup);

describe('AlertsPane', () => {
  it('lists alerts newest first with their severity at 80 columns', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<AlertsPane store={store} width={80} height={7} />, 80);
    const lines = frameLines(lastFrame());
    const critical = lines.findIndex((line) => line.includes('CRIT'));
    const warning = lines.findIndex((line) => line.includes('WARN'));
    const info = lines.findIndex((line) => line.includes('info'));
    expect(critical).toBeGreaterThan(0);
    expect(warning).toBeGreaterThan(critical);
    expect(info).toBeGreaterThan(warning);
    expect(lines.join('\n')).toContain('journal gap: seq 4790 follows 4788');
    expect(lines.join('\n')).toContain('14:29:55');
    expect(fitsWidth(lastFrame(), 80)).toBe(true);
  });

  it('colors critical alerts red', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<AlertsPane store={store} width={80} height={7} />, 80);
    const line = (lastFrame() ?? '').split('\n').find((l) => stripAnsi(l).includes('CRIT')) ?? '';
    expect(line).toContain('\u001B[31m');
  });

  it('shows whole messages and sources at 200 columns', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<AlertsPane store={store} width={200} height={7} />, 200);
    const frame = stripAnsi(lastFrame() ?? '');
    for (const text of [
      'integrity',
      'risk',
      'order denied: notional 120 USDT over per-order cap 100',
      'websocket reconnected after 2.1 s',
    ]) {
      expect(frame).toContain(text);
    }
    expect(fitsWidth(lastFrame(), 200)).toBe(true);
  });

  it('tells how many rows are hidden when they do not fit', () => {
    const store = createConsoleStore(snapshotFixture());
    const { lastFrame } = renderAt(<AlertsPane store={store} width={80} height={4} />, 80);
    expect(stripAnsi(lastFrame() ?? '')).toContain('1-1/3');
  });
});
