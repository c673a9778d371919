// The console: header, six panes, footer; keys become commands to the engine through one client.
import { Box, useInput } from 'ink';
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { EngineClient } from '../control/client.ts';
import { createKeyHandler } from './console-keys.ts';
import { Footer } from './Footer.tsx';
import { Header } from './Header.tsx';
import { layoutConsole } from './layout.ts';
import { Overlay } from './Overlay.tsx';
import { AlertsPane } from './panes/AlertsPane.tsx';
import type { PaneProps } from './panes/PaneFrame.tsx';
import { PnlPane } from './panes/PnlPane.tsx';
import { PositionsPane } from './panes/PositionsPane.tsx';
import { SignalsPane } from './panes/SignalsPane.tsx';
import { SpreadsPane } from './panes/SpreadsPane.tsx';
import { StrategiesPane } from './panes/StrategiesPane.tsx';
import type { ConsoleStore, PaneId } from './store.ts';

export interface AppProps {
  store: ConsoleStore;
  client: EngineClient;
  /** Terminal size, passed in: Ink's test renderer has no rows, and resizes come from the caller. */
  columns: number;
  rows: number;
  /** Called after the operator confirmed quitting. */
  onExit: () => void | Promise<void>;
}

const PANE: Record<PaneId, (props: PaneProps) => ReactNode> = {
  1: StrategiesPane,
  2: PositionsPane,
  3: SpreadsPane,
  4: SignalsPane,
  5: PnlPane,
  6: AlertsPane,
};

export function App({ store, client, columns, rows, onExit }: AppProps): ReactNode {
  const focus = useStore(store, (s) => s.focus);
  const layout = layoutConsole(columns, rows, focus);

  // The latest onExit without re-subscribing input on every render.
  const exit = useRef(onExit);
  useEffect(() => {
    exit.current = onExit;
  }, [onExit]);
  const handleKey = useMemo(
    () => createKeyHandler({ store, client, onExit: () => exit.current() }),
    [store, client],
  );
  useInput(handleKey);

  return (
    <Box flexDirection="column" width={columns} height={layout.height}>
      <Header store={store} width={columns} />
      <Box flexDirection="column" width={columns} height={layout.gridHeight} flexShrink={0}>
        {layout.grid.map((row, r) => (
          <Box key={r} flexDirection="row" width={columns} height={row[0].height} flexShrink={0}>
            {row.map((pane) => {
              const Pane = PANE[pane.id];
              return <Pane key={pane.id} store={store} width={pane.width} height={pane.height} />;
            })}
          </Box>
        ))}
        <Overlay store={store} width={columns} height={layout.gridHeight} />
      </Box>
      <Footer store={store} width={columns} />
    </Box>
  );
}
