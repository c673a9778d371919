// Pane 1: every strategy, what it is doing, what it made, and why it is idle.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StrategyRow, StrategyState } from '../../control/protocol.ts';
import { signedMoney, pnlColor } from '../format.ts';
import { fitColumns, isShown, MARKER_WIDTH, Table, type Column } from '../Table.tsx';
import { followRow, innerSize, PaneFrame, rowsNote, type PaneProps } from './PaneFrame.tsx';

const NO_ROWS: StrategyRow[] = [];

const STATE_COLOR: Record<StrategyState, string> = {
  RUNNING: 'green',
  PAUSED: 'yellow',
  REDUCING: 'yellow',
  HALTED: 'red',
};

const IDLE = 'why idle';

const columns: Column<StrategyRow>[] = [
  { title: 'name', keep: 1, min: 6, max: 20, cell: (s) => s.name },
  { title: 'venues', keep: 8, min: 8, max: 24, cell: (s) => s.venues.join('+') },
  { title: 'symbol', keep: 7, min: 9, max: 15, cell: (s) => s.symbol },
  {
    title: 'mode',
    keep: 4,
    cell: (s) => s.mode.toUpperCase(),
    color: (s) => (s.mode === 'live' ? 'magenta' : 'cyan'),
  },
  {
    title: 'state',
    keep: 2,
    min: 8,
    cell: (s) => s.state,
    color: (s) => STATE_COLOR[s.state],
    inverse: (s) => s.state === 'HALTED',
  },
  {
    title: 'net PnL',
    keep: 3,
    align: 'right',
    cell: (s) => signedMoney(s.netPnl),
    color: (s) => pnlColor(s.netPnl),
  },
  { title: 'trades', keep: 6, align: 'right', cell: (s) => String(s.trades) },
  { title: IDLE, keep: 5, min: 12, flex: true, cell: (s) => s.idleReason ?? '' },
];

export function StrategiesPane({ store, width, height }: PaneProps): ReactNode {
  const strategies = useStore(store, (s) => s.snapshot?.strategies ?? NO_ROWS);
  const waiting = useStore(store, (s) => s.snapshot === null);
  const selected = useStore(store, (s) => s.selected);
  const focused = useStore(store, (s) => s.focus === 1);
  const inner = innerSize(width, height);

  // When the reason column does not fit, the selected strategy's reason gets the pane's last line.
  const reasonHidden = !isShown(fitColumns(columns, strategies, inner.width - MARKER_WIDTH), IDLE);
  const chosen = strategies[selected];
  const detail = reasonHidden && chosen !== undefined && inner.height >= 3;
  const tableHeight = inner.height - (detail ? 1 : 0);
  const offset = followRow(selected, tableHeight - 1);

  return (
    <PaneFrame
      id={1}
      title="Strategies"
      width={width}
      height={height}
      focused={focused}
      note={rowsNote(offset, tableHeight - 1, strategies.length)}
    >
      {waiting ? (
        <Text dimColor wrap="truncate">
          waiting for the engine…
        </Text>
      ) : strategies.length === 0 ? (
        <Text dimColor wrap="truncate">
          no strategies configured
        </Text>
      ) : (
        <>
          <Table
            columns={columns}
            rows={strategies}
            width={inner.width}
            height={tableHeight}
            offset={offset}
            selected={selected}
          />
          {detail && chosen && (
            <Text wrap="truncate" dimColor={chosen.idleReason === null}>
              {`↳ ${chosen.name}: ${chosen.idleReason ?? 'trading'}`}
            </Text>
          )}
        </>
      )}
    </PaneFrame>
  );
}
