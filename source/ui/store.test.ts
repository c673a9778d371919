import { describe, expect, it } from 'vitest';
import { ARB_BTC, ARB_ETH, snapshotFixture } from './fixtures.ts';
import { createConsoleStore, selectedStrategy } from './store.ts';

describe('console store', () => {
  it('starts empty, focused on Strategies, nothing open', () => {
    const state = createConsoleStore().getState();
    expect(state.snapshot).toBeNull();
    expect(state.focus).toBe(1);
    expect(state.frozen).toBe(false);
    expect(state.overlay).toEqual({ kind: 'none' });
    expect(state.lastResult).toBeNull();
  });

  it('holds snapshots while frozen and shows the newest on unfreeze', () => {
    const store = createConsoleStore(snapshotFixture({ seq: 1 }));
    store.getState().toggleFreeze();
    store.getState().receive(snapshotFixture({ seq: 2 }));
    store.getState().receive(snapshotFixture({ seq: 3 }));
    expect(store.getState().snapshot?.seq).toBe(1);
    store.getState().toggleFreeze();
    expect(store.getState().snapshot?.seq).toBe(3);
    expect(store.getState().held).toBeNull();
  });

  it('keeps the same strategy selected when the engine reorders them', () => {
    const store = createConsoleStore(snapshotFixture());
    store.getState().moveRow(1);
    expect(selectedStrategy(store.getState())?.name).toBe('arb-eth');
    store.getState().receive(snapshotFixture({ strategies: [ARB_ETH, ARB_BTC] }));
    expect(store.getState().selected).toBe(0);
    expect(selectedStrategy(store.getState())?.name).toBe('arb-eth');
  });

  it('clamps the selection to the strategies there are', () => {
    const store = createConsoleStore(snapshotFixture());
    store.getState().moveRow(5);
    expect(store.getState().selected).toBe(1);
    store.getState().moveRow(-9);
    expect(store.getState().selected).toBe(0);
    store.getState().moveRow(1);
    store.getState().receive(snapshotFixture({ strategies: [{ ...ARB_BTC, name: 'arb-sol' }] }));
    expect(store.getState().selected).toBe(0);
  });

  it('cycles focus through the six panes both ways', () => {
    const store = createConsoleStore();
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      store.getState().focusNext();
      seen.push(store.getState().focus);
    }
    expect(seen).toEqual([2, 3, 4, 5, 6, 1]);
    store.getState().focusPrevious();
    expect(store.getState().focus).toBe(6);
  });

  it('attaches the gate only to the promote dialog it was asked for', () => {
    const store = createConsoleStore(snapshotFixture());
    store.getState().open({ kind: 'promote', strategy: 'arb-btc', gate: null, typed: '' });
    store.getState().showGate('arb-eth', { ok: true, message: 'other' });
    expect(store.getState().overlay).toMatchObject({ gate: null });
    store.getState().showGate('arb-btc', { ok: false, message: 'net -3.20 below break-even' });
    expect(store.getState().overlay).toMatchObject({ gate: { ok: false } });
    store.getState().typePromote('arb');
    expect(store.getState().overlay).toMatchObject({ typed: 'arb' });
  });
});
