// Pane 2: where the money is, per venue and symbol, then the net exposure each asset leaves across venues.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ExposureRow, PositionRow } from '../../control/protocol.ts';
import { isNegative, isPositive, money, pnlColor, signedMoney } from '../format.ts';
import { Table, type Column } from '../Table.tsx';
import { innerSize, PaneFrame, rowsNote, scrollStart, type PaneProps } from './PaneFrame.tsx';

const NO_POSITIONS: PositionRow[] = [];
const NO_EXPOSURE: ExposureRow[] = [];

const columns: Column<PositionRow>[] = [
  { title: 'venue', keep: 1, max: 12, cell: (p) => p.venue },
  { title: 'symbol', keep: 2, min: 9, max: 15, cell: (p) => p.symbol },
  { title: 'qty', keep: 3, align: 'right', max: 12, cell: (p) => p.qty },
  { title: 'entry', keep: 6, align: 'right', max: 12, cell: (p) => p.entry },
  { title: 'mark', keep: 5, align: 'right', max: 12, cell: (p) => p.mark },
  {
    title: 'unreal',
    keep: 4,
    align: 'right',
    cell: (p) => signedMoney(p.unrealized),
    color: (p) => pnlColor(p.unrealized),
  },
  {
    title: 'realized',
    keep: 7,
    align: 'right',
    cell: (p) => signedMoney(p.realized),
    color: (p) => pnlColor(p.realized),
  },
  { title: 'fees', keep: 8, align: 'right', cell: (p) => money(p.fees) },
  {
    title: 'funding',
    keep: 9,
    align: 'right',
    cell: (p) => signedMoney(p.funding),
    color: (p) => pnlColor(p.funding),
  },
];

export function PositionsPane({ store, width, height }: PaneProps): ReactNode {
  const positions = useStore(store, (s) => s.snapshot?.positions ?? NO_POSITIONS);
  const exposure = useStore(store, (s) => s.snapshot?.exposure ?? NO_EXPOSURE);
  const waiting = useStore(store, (s) => s.snapshot === null);
  const scroll = useStore(store, (s) => s.scroll[2]);
  const focused = useStore(store, (s) => s.focus === 2);
  const inner = innerSize(width, height);

  // One line per asset when everything fits; otherwise the net per asset on a single line.
  const fullExposure = inner.height >= positions.length + 1 + exposure.length;
  const exposureLines = exposure.length === 0 || inner.height < 3 ? 0 : fullExposure ? exposure.length : 1;
  const tableHeight = Math.max(1, inner.height - exposureLines);
  const offset = scrollStart(scroll, tableHeight - 1, positions.length);

  return (
    <PaneFrame
      id={2}
      title="Positions"
      width={width}
      height={height}
      focused={focused}
      note={rowsNote(offset, tableHeight - 1, positions.length)}
    >
      {waiting ? (
        <Text dimColor wrap="truncate">
          waiting for the engine…
        </Text>
      ) : (
        <>
          {positions.length === 0 ? (
            <Text dimColor wrap="truncate">
              flat: no open positions
            </Text>
          ) : (
            <Table
              columns={columns}
              rows={positions}
              width={inner.width}
              height={tableHeight}
              offset={offset}
            />
          )}
          {exposureLines === 0 ? null : fullExposure ? (
            exposure.map((row) => <NetExposure key={row.asset} row={row} />)
          ) : (
            <NetExposureLine rows={exposure} />
          )}
        </>
      )}
    </PaneFrame>
  );
}

/** A hedged book nets to zero per asset; anything else is a directional bet. */
const exposureColor = (net: string): string => (isPositive(net) || isNegative(net) ? 'yellow' : 'green');

/** Net size per asset, all on one line, for a short pane. */
function NetExposureLine({ rows }: { rows: ExposureRow[] }): ReactNode {
  return (
    <Text wrap="truncate">
      <Text bold>net</Text>
      {rows.map((row) => (
        <Text key={row.asset}>
          {`  ${row.asset} `}
          <Text color={exposureColor(row.net)}>{row.net}</Text>
        </Text>
      ))}
    </Text>
  );
}

function NetExposure({ row }: { row: ExposureRow }): ReactNode {
  return (
    <Text wrap="truncate">
      <Text bold>{`net ${row.asset} `}</Text>
      <Text color={exposureColor(row.net)}>{row.net}</Text>
      <Text dimColor>{`  gross ${row.gross}  notional ${signedMoney(row.netNotional)}`}</Text>
    </Text>
  );
}
