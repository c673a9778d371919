// Pane 3: per asset, each venue's best bid/ask and whether the cross-venue spread pays after fees.
import { Text } from 'ink';
import { useMemo, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { SpreadRow } from '../../control/protocol.ts';
import { age, bps, price, STALE_MS } from '../format.ts';
import { Table, type Column } from '../Table.tsx';
import { innerSize, PaneFrame, rowsNote, scrollStart, type PaneProps } from './PaneFrame.tsx';

const NO_SPREADS: SpreadRow[] = [];

const oldestQuote = (row: SpreadRow): number => Math.max(0, ...row.quotes.map((q) => q.ageMs));

function spreadColumns(venues: string[]): Column<SpreadRow>[] {
  const quoteColumns = venues.map((venue, i): Column<SpreadRow> => ({
    title: venue,
    keep: 6 + i,
    max: 24,
    cell: (row) => {
      const quote = row.quotes.find((q) => q.venue === venue);
      return quote ? `${price(quote.bid)}/${price(quote.ask)}` : '-';
    },
    color: (row) => {
      const quote = row.quotes.find((q) => q.venue === venue);
      return quote && quote.ageMs > STALE_MS ? 'yellow' : undefined;
    },
  }));
  return [
    { title: 'asset', keep: 1, max: 8, cell: (row) => row.asset },
    ...quoteColumns,
    { title: 'gross', keep: 3, align: 'right', cell: (row) => bps(row.grossBps) },
    {
      title: 'net bp',
      keep: 2,
      align: 'right',
      cell: (row) => bps(row.netBps),
      color: (row) => (row.netBps > 0 ? 'green' : 'gray'),
    },
    { title: 'direction', keep: 4, min: 10, max: 34, cell: (row) => row.direction },
    {
      title: 'age',
      keep: 5,
      align: 'right',
      cell: (row) => age(oldestQuote(row)),
      color: (row) => (oldestQuote(row) > STALE_MS ? 'yellow' : undefined),
    },
    {
      title: 'fees',
      keep: 20,
      // Default fee rates are the market's, not the account's: the net edge may be off.
      cell: (row) => (row.quotes.some((q) => q.feeSource === 'default') ? 'default' : 'account'),
      color: (row) => (row.quotes.some((q) => q.feeSource === 'default') ? 'yellow' : undefined),
    },
  ];
}

export function SpreadsPane({ store, width, height }: PaneProps): ReactNode {
  const spreads = useStore(store, (s) => s.snapshot?.spreads ?? NO_SPREADS);
  const waiting = useStore(store, (s) => s.snapshot === null);
  const scroll = useStore(store, (s) => s.scroll[3]);
  const focused = useStore(store, (s) => s.focus === 3);
  const inner = innerSize(width, height);

  const venueKey = spreads.map((row) => row.quotes.map((q) => q.venue).join(',')).join(';');
  const columns = useMemo(
    () => spreadColumns([...new Set(venueKey.split(/[;,]/).filter(Boolean))]),
    [venueKey],
  );
  const offset = scrollStart(scroll, inner.height - 1, spreads.length);

  return (
    <PaneFrame
      id={3}
      title="Spreads"
      width={width}
      height={height}
      focused={focused}
      note={rowsNote(offset, inner.height - 1, spreads.length)}
    >
      {waiting ? (
        <Text dimColor wrap="truncate">
          waiting for the engine…
        </Text>
      ) : spreads.length === 0 ? (
        <Text dimColor wrap="truncate">
          no quotes yet
        </Text>
      ) : (
        <Table columns={columns} rows={spreads} width={inner.width} height={inner.height} offset={offset} />
      )}
    </PaneFrame>
  );
}
