import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Command, CommandResult } from '../control/protocol.ts';
import { App } from './App.tsx';
import { snapshotFixture } from './fixtures.ts';
import { keymap } from './keymap.ts';
import { ACCEPT_QUESTION, QUIT_QUESTION, REARM_QUESTION } from './Overlay.tsx';
import { createConsoleStore } from './store.ts';
import { FakeEngineClient, fitsWidth, frameLines, renderAt, stripAnsi, tick } from './testing.ts';

afterEach(cleanup);

const DOWN = '\u001B[B';
const UP = '\u001B[A';
const ESC = '\u001B';
const ENTER = '\r';
const CTRL_C = '\u0003';
const TAB = '\t';
const SHIFT_TAB = '\u001B[Z';

const GATE = 'paper net +12.47 USDT over 38 trades clears break-even after fees';

async function mount({
  columns = 80,
  rows = 24,
  answer,
}: { columns?: number; rows?: number; answer?: (c: Command) => CommandResult } = {}) {
  const store = createConsoleStore(snapshotFixture());
  const client = new FakeEngineClient(answer);
  const onExit = vi.fn();
  const view = renderAt(
    <App store={store} client={client} columns={columns} rows={rows} onExit={onExit} />,
    columns,
  );
  await tick();
  const press = async (...keys: string[]): Promise<void> => {
    for (const key of keys) {
      view.stdin.write(key);
      await tick();
    }
  };
  const screen = (): string => stripAnsi(view.lastFrame() ?? '');
  return { store, client, onExit, press, screen, ...view };
}

const PANE_TITLES = ['1 Strategies', '2 Positions', '3 Spreads', '4 Signals', '5 PnL', '6 Alerts'];

describe('App layout', () => {
  it('fits 80×24: at most 23 lines of at most 80 columns, all six panes visible', async () => {
    const { lastFrame, screen } = await mount({ columns: 80, rows: 24 });
    expect(frameLines(lastFrame()).length).toBeLessThanOrEqual(23);
    expect(fitsWidth(lastFrame(), 80)).toBe(true);
    for (const title of PANE_TITLES) expect(screen()).toContain(title);
    for (const text of [
      'tradedesk',
      'PAPER',
      'ACTIVE',
      'binance',
      'orders 3',
      '? help',
      'K KILL',
      'q quit',
    ]) {
      expect(screen()).toContain(text);
    }
  });

  it('uses the room of 200×60: more rows and more columns', async () => {
    const { lastFrame, screen } = await mount({ columns: 200, rows: 60 });
    const lines = frameLines(lastFrame());
    expect(lines.length).toBeLessThanOrEqual(59);
    expect(lines.length).toBeGreaterThan(50);
    expect(fitsWidth(lastFrame(), 200)).toBe(true);
    for (const title of PANE_TITLES) expect(screen()).toContain(title);
    for (const text of [
      'why idle',
      'funding',
      'version',
      'hyperliquid ● 85ms',
      'break-even',
      '1-6 pane',
      '↑↓ row',
    ]) {
      expect(screen()).toContain(text);
    }
  });

  it('shows HALTED in the header after a kill', async () => {
    const { store, screen } = await mount();
    store.getState().receive(snapshotFixture({ state: 'HALTED' }));
    await tick();
    expect(screen().split('\n')[0]).toContain('HALTED');
  });

  it('marks a disconnected venue', async () => {
    const { store, screen } = await mount();
    store
      .getState()
      .receive(snapshotFixture({ venues: [{ name: 'binance', connected: false, dataAgeMs: 12_000 }] }));
    await tick();
    expect(screen().split('\n')[0]).toContain('binance ✕ DOWN 12.0s');
  });
});

describe('App keys', () => {
  it('K sends kill at once, with no confirmation', async () => {
    const { client, press, screen } = await mount();
    await press('K');
    expect(client.sent).toEqual([{ type: 'kill' }]);
    expect(screen()).not.toContain('(y/n)');
  });

  it('p pauses the selected strategy', async () => {
    const { client, press, screen } = await mount({
      answer: () => ({ ok: true, message: 'arb-btc paused' }),
    });
    await press('p');
    expect(client.sent).toEqual([{ type: 'pause', strategy: 'arb-btc' }]);
    expect(screen()).toContain('✓ arb-btc paused');
  });

  it('down then p targets the second strategy, resuming it because it is paused', async () => {
    const { client, press } = await mount();
    await press(DOWN, 'p');
    expect(client.sent).toEqual([{ type: 'resume', strategy: 'arb-eth' }]);
    await press(UP, 'p');
    expect(client.sent.at(-1)).toEqual({ type: 'pause', strategy: 'arb-btc' });
  });

  it('D demotes the selected strategy', async () => {
    const { client, press } = await mount();
    await press('D');
    expect(client.sent).toEqual([{ type: 'demote', strategy: 'arb-btc' }]);
  });

  it('shows a refused or failed command in the footer', async () => {
    const { press, screen } = await mount({
      answer: () => {
        throw new Error('engine unreachable');
      },
    });
    await press('p');
    expect(screen()).toContain('✗ pause failed: engine unreachable');
  });

  it('q then y quits', async () => {
    const { onExit, press, screen } = await mount();
    await press('q');
    expect(screen()).toContain(QUIT_QUESTION);
    expect(onExit).not.toHaveBeenCalled();
    await press('y');
    expect(onExit).toHaveBeenCalledTimes(1);
  });

  it('q then n stays', async () => {
    const { onExit, press, screen } = await mount();
    await press('q', 'n');
    expect(onExit).not.toHaveBeenCalled();
    expect(screen()).not.toContain(QUIT_QUESTION);
  });

  it('ctrl+c asks like q', async () => {
    const { onExit, press, screen } = await mount();
    await press(CTRL_C);
    expect(screen()).toContain(QUIT_QUESTION);
    await press('y');
    expect(onExit).toHaveBeenCalledTimes(1);
  });

  it('the kill switch still works from the quit question', async () => {
    const { client, onExit, press } = await mount();
    await press('q', 'K');
    expect(client.sent).toEqual([{ type: 'kill' }]);
    expect(onExit).not.toHaveBeenCalled();
  });

  it('? lists every keymap entry, esc closes it', async () => {
    const { press, screen } = await mount();
    await press('?');
    for (const binding of keymap) {
      expect(screen()).toContain(binding.keys.join(' '));
      expect(screen()).toContain(binding.help);
    }
    await press(ESC);
    expect(screen()).not.toContain(keymap[0].help);
  });

  it('space freezes the display until space again', async () => {
    const { store, press, screen, lastFrame } = await mount();
    await press(' ');
    expect(screen()).toContain('FROZEN');
    const frozen = lastFrame();
    const base = snapshotFixture();
    store
      .getState()
      .receive({ ...base, strategies: [{ ...base.strategies[0], netPnl: '99.00' }, base.strategies[1]] });
    await tick();
    expect(lastFrame()).toBe(frozen);
    expect(screen()).not.toContain('+99.00');
    await press(' ');
    expect(screen()).toContain('+99.00');
    expect(screen()).not.toContain('FROZEN');
  });

  it('R asks before re-arming', async () => {
    const { client, press, screen } = await mount();
    await press('R');
    expect(screen()).toContain(REARM_QUESTION);
    expect(client.sent).toEqual([]);
    await press('n');
    expect(client.sent).toEqual([]);
    await press('R', 'y');
    expect(client.sent).toEqual([{ type: 'rearm' }]);
  });

  it('A asks before accepting the venues’ state after a reconciliation hold', async () => {
    const { client, press, screen } = await mount();
    await press('A');
    expect(screen()).toContain(ACCEPT_QUESTION);
    await press('n');
    expect(client.sent).toEqual([]);
    await press('A', 'y');
    expect(client.sent).toEqual([{ type: 'acceptVenueState' }]);
  });

  it('P shows the break-even gate and promotes only with the typed name', async () => {
    const { client, press, screen } = await mount({
      answer: (c) =>
        c.type === 'promote' && !c.confirm ? { ok: true, message: GATE } : { ok: true, message: 'promoted' },
    });
    await press('P');
    expect(client.sent).toEqual([{ type: 'promote', strategy: 'arb-btc' }]);
    expect(screen()).toContain('Promote arb-btc');
    expect(screen()).toContain(GATE);

    await press('arb-bt', ENTER);
    expect(client.sent).toHaveLength(1);
    await press('c', ENTER);
    expect(client.sent.at(-1)).toEqual({ type: 'promote', strategy: 'arb-btc', confirm: 'arb-btc' });
    expect(screen()).not.toContain('Promote arb-btc');
    expect(screen()).toContain('✓ promoted');
  });

  it('P typing is text: K and q in the dialog do not kill or quit, esc cancels', async () => {
    const { client, onExit, press, screen } = await mount();
    await press('P', 'K', 'q');
    expect(screen()).toContain('> Kq');
    await press(ESC);
    expect(client.sent).toEqual([{ type: 'promote', strategy: 'arb-btc' }]);
    expect(onExit).not.toHaveBeenCalled();
    expect(screen()).not.toContain('Promote arb-btc');
  });

  it('focuses panes with digits, tab and shift+tab', async () => {
    const { press, screen } = await mount();
    expect(screen()).toContain('┏━ 1 Strategies');
    await press('3');
    expect(screen()).toContain('┏━ 3 Spreads');
    await press(TAB);
    expect(screen()).toContain('┏━ 4 Signals');
    await press(SHIFT_TAB, SHIFT_TAB);
    expect(screen()).toContain('┏━ 2 Positions');
    expect(screen()).toContain('┌─ 1 Strategies');
  });

  it('arrows scroll the focused pane other than Strategies', async () => {
    const { store, press } = await mount();
    await press('6', DOWN, DOWN);
    expect(store.getState().scroll[6]).toBe(2);
    expect(store.getState().selected).toBe(0);
  });
});
