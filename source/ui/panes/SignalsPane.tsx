// Pane 4: what each model predicts per symbol, how sure it is, and whether its inputs have drifted.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import type { SignalRow } from '../../control/protocol.ts';
import { age, bps, STALE_MS } from '../format.ts';
import { Table, type Column } from '../Table.tsx';
import { innerSize, PaneFrame, rowsNote, scrollStart, type PaneProps } from './PaneFrame.tsx';

const NO_SIGNALS: SignalRow[] = [];

const columns: Column<SignalRow>[] = [
  { title: 'model', keep: 1, min: 8, max: 18, cell: (s) => s.model },
  { title: 'symbol', keep: 2, min: 9, max: 15, cell: (s) => s.symbol },
  {
    title: 'pred bp',
    keep: 3,
    align: 'right',
    cell: (s) => bps(s.prediction),
    color: (s) => (s.prediction > 0 ? 'green' : s.prediction < 0 ? 'red' : undefined),
  },
  { title: 'conf', keep: 4, align: 'right', cell: (s) => `${Math.round(s.confidence * 100)}%` },
  {
    title: 'drift',
    keep: 5,
    cell: (s) => (s.drift ? 'DRIFT' : 'ok'),
    color: (s) => (s.drift ? 'yellow' : 'gray'),
  },
  {
    title: 'age',
    keep: 6,
    align: 'right',
    cell: (s) => age(s.ageMs),
    color: (s) => (s.ageMs > STALE_MS ? 'yellow' : undefined),
  },
  { title: 'version', keep: 7, min: 8, max: 16, cell: (s) => s.version },
];

export function SignalsPane({ store, width, height }: PaneProps): ReactNode {
  const signals = useStore(store, (s) => s.snapshot?.signals ?? NO_SIGNALS);
  const waiting = useStore(store, (s) => s.snapshot === null);
  const scroll = useStore(store, (s) => s.scroll[4]);
  const focused = useStore(store, (s) => s.focus === 4);
  const inner = innerSize(width, height);
  const offset = scrollStart(scroll, inner.height - 1, signals.length);

  return (
    <PaneFrame
      id={4}
      title="Signals"
      width={width}
      height={height}
      focused={focused}
      note={rowsNote(offset, inner.height - 1, signals.length)}
    >
      {waiting ? (
        <Text dimColor wrap="truncate">
          waiting for the engine…
        </Text>
      ) : signals.length === 0 ? (
        <Text dimColor wrap="truncate">
          no models running
        </Text>
      ) : (
        <Table columns={columns} rows={signals} width={inner.width} height={inner.height} offset={offset} />
      )}
    </PaneFrame>
  );
}
