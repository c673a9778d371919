// The top line: paper or live, the desk's trading state, and whether each venue's data can be trusted.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import type { TradingState, VenueHealth } from '../control/protocol.ts';
import { age, STALE_MS } from './format.ts';
import type { ConsoleStore } from './store.ts';

const STATE_COLOR: Record<TradingState, string> = { ACTIVE: 'green', REDUCING: 'yellow', HALTED: 'red' };

export function Header({ store, width }: { store: ConsoleStore; width: number }): ReactNode {
  const snapshot = useStore(store, (s) => s.snapshot);
  const frozen = useStore(store, (s) => s.frozen);
  const lost = useStore(store, (s) => s.connectionLost);
  return (
    <Box width={width} height={1} flexShrink={0}>
      <Text wrap="truncate">
        <Text bold>tradedesk</Text>
        {lost !== null && (
          <>
            {'  '}
            <Text inverse bold color="red">{` DISCONNECTED: ${lost}; the last data shown is stale `}</Text>
          </>
        )}
        {snapshot ? (
          <>
            {'  '}
            <Text inverse bold color={snapshot.mode === 'live' ? 'magenta' : 'cyan'}>
              {snapshot.mode === 'live' ? ' LIVE ' : ' PAPER '}
            </Text>
            {'  '}
            <Text
              color={STATE_COLOR[snapshot.state]}
              inverse={snapshot.state === 'HALTED'}
              bold={snapshot.state !== 'ACTIVE'}
            >
              {snapshot.state === 'HALTED' ? ' HALTED ' : snapshot.state}
            </Text>
            {frozen && <Frozen />}
            {'  '}
            <Text dimColor>orders </Text>
            <Text>{snapshot.openOrders}</Text>
            {snapshot.venues.map((venue) => (
              <Venue key={venue.name} venue={venue} />
            ))}
          </>
        ) : (
          <>
            {frozen && <Frozen />}
            <Text dimColor>{'  connecting to the engine…'}</Text>
          </>
        )}
      </Text>
    </Box>
  );
}

function Frozen(): ReactNode {
  return (
    <>
      {'  '}
      <Text inverse color="blue">
        {' FROZEN '}
      </Text>
    </>
  );
}

/** "binance ● 120ms": the dot says connected, the age says whether the book is fresh. */
function Venue({ venue }: { venue: VenueHealth }): ReactNode {
  const stale = venue.dataAgeMs > STALE_MS;
  return (
    <>
      {'  '}
      <Text>{venue.name} </Text>
      {venue.connected ? (
        <Text color={stale ? 'yellow' : 'green'}>{`● ${age(venue.dataAgeMs)}`}</Text>
      ) : (
        <Text color="red" bold>{`✕ DOWN ${age(venue.dataAgeMs)}`}</Text>
      )}
    </>
  );
}
