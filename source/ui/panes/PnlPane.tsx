// Pane 5: the equity curve against break-even, and where the PnL came from.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import type { PnlView } from '../../control/protocol.ts';
import { equityChart } from '../equity-chart.ts';
import { fit, money, pnlColor, signedMoney, textWidth } from '../format.ts';
import { innerSize, PaneFrame, type PaneProps } from './PaneFrame.tsx';

interface Figure {
  label: string;
  value: string;
  color?: string;
}

/** Most telling first: narrow panes show the head of this list. */
function figures(pnl: PnlView): Figure[] {
  return [
    { label: 'net', value: signedMoney(pnl.net), color: pnlColor(pnl.net) },
    { label: 'realized', value: signedMoney(pnl.realized), color: pnlColor(pnl.realized) },
    { label: 'unreal', value: signedMoney(pnl.unrealized), color: pnlColor(pnl.unrealized) },
    { label: 'fees', value: money(pnl.fees) },
    { label: 'funding', value: signedMoney(pnl.funding), color: pnlColor(pnl.funding) },
    { label: 'drawdown', value: money(pnl.drawdown) },
    { label: 'max dd', value: money(pnl.maxDrawdown) },
    { label: 'equity', value: money(pnl.equity) },
    { label: 'break-even', value: money(pnl.start), color: 'gray' },
  ];
}

const SIDE_WIDTH = 20;

export function PnlPane({ store, width, height }: PaneProps): ReactNode {
  const pnl = useStore(store, (s) => s.snapshot?.pnl);
  const focused = useStore(store, (s) => s.focus === 5);
  const inner = innerSize(width, height);

  return (
    <PaneFrame id={5} title="PnL" width={width} height={height} focused={focused}>
      {!pnl ? (
        <Text dimColor wrap="truncate">
          waiting for the engine…
        </Text>
      ) : inner.width >= 56 ? (
        <SideBySide pnl={pnl} width={inner.width} height={inner.height} />
      ) : (
        <Stacked pnl={pnl} width={inner.width} height={inner.height} />
      )}
    </PaneFrame>
  );
}

interface LayoutProps {
  pnl: PnlView;
  width: number;
  height: number;
}

/** Wide pane: the chart takes the room, the figures stand in a column at its right. */
function SideBySide({ pnl, width, height }: LayoutProps): ReactNode {
  const chartWidth = width - SIDE_WIDTH - 1;
  return (
    <Box flexDirection="row" width={width} height={height}>
      <Chart pnl={pnl} width={chartWidth} height={height} />
      <Box flexDirection="column" width={SIDE_WIDTH} marginLeft={1}>
        {figures(pnl)
          .slice(0, height)
          .map((f) => (
            <Text key={f.label} wrap="truncate">
              <Text dimColor>{fit(f.label, SIDE_WIDTH - Math.max(8, textWidth(f.value)) - 1)} </Text>
              <Text color={f.color}>{f.value.padStart(Math.max(8, textWidth(f.value)))}</Text>
            </Text>
          ))}
      </Box>
    </Box>
  );
}

/** Narrow pane: figures packed into as few lines as fit, the chart under them. */
function Stacked({ pnl, width, height }: LayoutProps): ReactNode {
  const lines = packFigures(figures(pnl), width);
  // The chart earns the rows beyond the first few figures.
  const figureLines = lines.slice(0, Math.min(height, height >= 10 ? 3 : 2));
  return (
    <Box flexDirection="column" width={width} height={height}>
      {figureLines.map((line, i) => (
        <Text key={i} wrap="truncate">
          {line.map((f, j) => (
            <Text key={f.label}>
              {j > 0 ? '  ' : ''}
              <Text dimColor>{`${f.label} `}</Text>
              <Text color={f.color}>{f.value}</Text>
            </Text>
          ))}
        </Text>
      ))}
      <Chart pnl={pnl} width={width} height={height - figureLines.length} />
    </Box>
  );
}

function packFigures(all: Figure[], width: number): Figure[][] {
  const lines: Figure[][] = [];
  let line: Figure[] = [];
  let used = 0;
  for (const f of all) {
    const cost = textWidth(`${f.label} ${f.value}`) + (line.length > 0 ? 2 : 0);
    if (line.length > 0 && used + cost > width) {
      lines.push(line);
      line = [];
      used = 0;
    }
    line.push(f);
    used += line.length > 1 ? cost : textWidth(`${f.label} ${f.value}`);
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

function Chart({ pnl, width, height }: LayoutProps): ReactNode {
  if (height < 2) return null;
  // The chart moves a sample at a time (every few seconds); the figures beside it are live.
  const lines = equityChart(pnl.curve, pnl.breakEven, width, height);
  if (lines.length === 0) {
    return (
      <Text dimColor wrap="truncate">
        no equity samples yet
      </Text>
    );
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate">
          {line}
        </Text>
      ))}
    </Box>
  );
}
