// Pane 6: integrity findings, risk denials and venue faults, newest first, colored by severity.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AlertRow, Severity } from '../../control/protocol.ts';
import { Table, type Column } from '../Table.tsx';
import { innerSize, PaneFrame, rowsNote, scrollStart, type PaneProps } from './PaneFrame.tsx';

const NO_ALERTS: AlertRow[] = [];

const SEVERITY: Record<Severity, { text: string; color: string }> = {
  critical: { text: 'CRIT', color: 'red' },
  warning: { text: 'WARN', color: 'yellow' },
  info: { text: 'info', color: 'gray' },
};

// UTC, so that an operator over SSH and the journal agree on the time.
const clockTime = (ts: number): string => new Date(ts).toISOString().slice(11, 19);

const columns: Column<AlertRow>[] = [
  { title: 'time', keep: 3, cell: (a) => clockTime(a.ts) },
  {
    title: 'sev',
    keep: 1,
    cell: (a) => SEVERITY[a.severity].text,
    color: (a) => SEVERITY[a.severity].color,
    inverse: (a) => a.severity === 'critical',
  },
  { title: 'source', keep: 4, min: 6, max: 12, cell: (a) => a.source },
  {
    title: 'message',
    keep: 2,
    min: 10,
    flex: true,
    cell: (a) => a.message,
    color: (a) => (a.severity === 'critical' ? 'red' : undefined),
  },
];

export function AlertsPane({ store, width, height }: PaneProps): ReactNode {
  const alerts = useStore(store, (s) => s.snapshot?.alerts ?? NO_ALERTS);
  const waiting = useStore(store, (s) => s.snapshot === null);
  const scroll = useStore(store, (s) => s.scroll[6]);
  const focused = useStore(store, (s) => s.focus === 6);
  const inner = innerSize(width, height);
  const offset = scrollStart(scroll, inner.height - 1, alerts.length);

  return (
    <PaneFrame
      id={6}
      title="Alerts"
      width={width}
      height={height}
      focused={focused}
      note={rowsNote(offset, inner.height - 1, alerts.length)}
    >
      {waiting ? (
        <Text dimColor wrap="truncate">
          waiting for the engine…
        </Text>
      ) : alerts.length === 0 ? (
        <Text dimColor wrap="truncate">
          no alerts
        </Text>
      ) : (
        <Table columns={columns} rows={alerts} width={inner.width} height={inner.height} offset={offset} />
      )}
    </PaneFrame>
  );
}
