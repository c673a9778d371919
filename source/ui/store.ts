// The console's one store: the latest snapshot from the engine plus what the operator is doing with it.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CommandResult, Snapshot, StrategyRow } from '../control/protocol.ts';

export type PaneId = 1 | 2 | 3 | 4 | 5 | 6;

export const PANES: readonly { id: PaneId; title: string }[] = [
  { id: 1, title: 'Strategies' },
  { id: 2, title: 'Positions' },
  { id: 3, title: 'Spreads' },
  { id: 4, title: 'Signals' },
  { id: 5, title: 'PnL' },
  { id: 6, title: 'Alerts' },
];

export type Overlay =
  | { kind: 'none' }
  | { kind: 'help' }
  | { kind: 'confirm-quit' }
  | { kind: 'confirm-rearm' }
  | { kind: 'confirm-accept' }
  /** `gate` is the engine's break-even verdict, null while it is being asked. */
  | { kind: 'promote'; strategy: string; gate: CommandResult | null; typed: string }
  | { kind: 'message'; text: string; closable: boolean };

export interface ConsoleState {
  /** What the panes show; held still while frozen. */
  snapshot: Snapshot | null;
  /** The newest snapshot received while frozen, shown on unfreeze. */
  held: Snapshot | null;
  frozen: boolean;
  focus: PaneId;
  /** Index of the selected strategy in `snapshot.strategies`. */
  selected: number;
  /** First visible row of each pane other than Strategies (which follows the selection). */
  scroll: Record<PaneId, number>;
  overlay: Overlay;
  /** The answer to the last command sent, for the footer. */
  lastResult: CommandResult | null;
  /** The engine runs in another process (attach): quitting only detaches. */
  attached: boolean;
  /** Why the connection to the engine dropped; null while it is up. */
  connectionLost: string | null;

  receive(snapshot: Snapshot): void;
  toggleFreeze(): void;
  focusPane(pane: PaneId): void;
  focusNext(): void;
  focusPrevious(): void;
  /** Move the selection (Strategies) or the scroll (other panes) of the focused pane. */
  moveRow(delta: number): void;
  open(overlay: Overlay): void;
  close(): void;
  /** Edit the typed confirmation of an open promote dialog. */
  typePromote(typed: string): void;
  /** Attach the engine's gate verdict to the promote dialog, if it is still open for that strategy. */
  showGate(strategy: string, gate: CommandResult): void;
  report(result: CommandResult): void;
  loseConnection(reason: string): void;
}

export type ConsoleStore = StoreApi<ConsoleState>;

const NO_SCROLL: Record<PaneId, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0 };

export function createConsoleStore(
  initial: Snapshot | null = null,
  { attached = false }: { attached?: boolean } = {},
): ConsoleStore {
  return createStore<ConsoleState>()((set, get) => ({
    snapshot: initial,
    held: null,
    frozen: false,
    focus: 1,
    selected: 0,
    scroll: NO_SCROLL,
    overlay: { kind: 'none' },
    lastResult: null,
    attached,
    connectionLost: null,

    receive(snapshot) {
      if (get().frozen) {
        set({ held: snapshot });
        return;
      }
      set((s) => ({ snapshot, selected: followSelection(s.snapshot, snapshot, s.selected) }));
    },

    toggleFreeze() {
      set((s) => {
        if (!s.frozen) return { frozen: true };
        const snapshot = s.held ?? s.snapshot;
        return {
          frozen: false,
          held: null,
          snapshot,
          selected: followSelection(s.snapshot, snapshot, s.selected),
        };
      });
    },

    focusPane(pane) {
      set({ focus: pane });
    },
    focusNext() {
      set((s) => ({ focus: ((s.focus % 6) + 1) as PaneId }));
    },
    focusPrevious() {
      set((s) => ({ focus: (((s.focus + 4) % 6) + 1) as PaneId }));
    },

    moveRow(delta) {
      set((s) => {
        if (s.focus === 1) {
          const count = s.snapshot?.strategies.length ?? 0;
          return { selected: clamp(s.selected + delta, 0, Math.max(0, count - 1)) };
        }
        const count = rowCount(s.snapshot, s.focus);
        const row = clamp(s.scroll[s.focus] + delta, 0, Math.max(0, count - 1));
        return { scroll: { ...s.scroll, [s.focus]: row } };
      });
    },

    open(overlay) {
      set({ overlay });
    },
    close() {
      set({ overlay: { kind: 'none' } });
    },

    typePromote(typed) {
      set((s) => (s.overlay.kind === 'promote' ? { overlay: { ...s.overlay, typed } } : {}));
    },
    showGate(strategy, gate) {
      set((s) =>
        s.overlay.kind === 'promote' && s.overlay.strategy === strategy
          ? { overlay: { ...s.overlay, gate } }
          : {},
      );
    },

    report(result) {
      set({ lastResult: result });
    },
    loseConnection(reason) {
      set({ connectionLost: reason });
    },
  }));
}

export function selectedStrategy(state: ConsoleState): StrategyRow | undefined {
  return state.snapshot?.strategies[state.selected];
}

/** Keep the same strategy selected when the engine reorders or adds rows: a pause must hit the one you chose. */
function followSelection(before: Snapshot | null, after: Snapshot | null, selected: number): number {
  const rows = after?.strategies ?? [];
  const name = before?.strategies[selected]?.name;
  const index = name === undefined ? -1 : rows.findIndex((row) => row.name === name);
  if (index >= 0) return index;
  return clamp(selected, 0, Math.max(0, rows.length - 1));
}

function rowCount(snapshot: Snapshot | null, pane: PaneId): number {
  if (!snapshot) return 0;
  switch (pane) {
    case 1:
      return snapshot.strategies.length;
    case 2:
      return snapshot.positions.length;
    case 3:
      return snapshot.spreads.length;
    case 4:
      return snapshot.signals.length;
    case 5:
      return 0;
    case 6:
      return snapshot.alerts.length;
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
