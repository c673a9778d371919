// A pane's border with its number and title set into the top edge, so the title costs no row.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { fit, textWidth } from '../format.ts';
import type { ConsoleStore, PaneId } from '../store.ts';

/** Every pane reads its rows from the store and gets its size from the layout. */
export interface PaneProps {
  store: ConsoleStore;
  width: number;
  height: number;
}

export interface PaneFrameProps {
  id: PaneId;
  title: string;
  width: number;
  height: number;
  focused: boolean;
  /** Shown at the right of the top edge, e.g. which rows are visible. */
  note?: string;
  children: ReactNode;
}

/** The room inside a frame of this size. */
export function innerSize(width: number, height: number): { width: number; height: number } {
  return { width: Math.max(0, width - 2), height: Math.max(0, height - 2) };
}

export function PaneFrame({ id, title, width, height, focused, note, children }: PaneFrameProps): ReactNode {
  const color = focused ? 'cyan' : 'gray';
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Text wrap="truncate" color={color} bold={focused}>
        {topEdge(`${id} ${title}`, note, width, focused)}
      </Text>
      <Box
        flexDirection="column"
        width={width}
        height={Math.max(1, height - 1)}
        borderStyle={focused ? 'bold' : 'single'}
        borderTop={false}
        borderColor={color}
      >
        {children}
      </Box>
    </Box>
  );
}

/** "3-5/12" when only some rows fit, so a cut-off list never looks complete. */
export function rowsNote(offset: number, shown: number, total: number): string | undefined {
  if (total <= shown && offset === 0) return undefined;
  if (shown <= 0) return `${total} rows`;
  return `${Math.min(total, offset + 1)}-${Math.min(total, offset + shown)}/${total}`;
}

/** First row shown so that the selected `row` stays on screen. */
export function followRow(row: number, shown: number): number {
  return Math.max(0, row - Math.max(1, shown) + 1);
}

/** First row shown for a scrolled list, never scrolling past its last screenful. */
export function scrollStart(scroll: number, shown: number, total: number): number {
  return Math.max(0, Math.min(scroll, total - Math.max(1, shown)));
}

function topEdge(title: string, note: string | undefined, width: number, focused: boolean): string {
  const [left, line, right] = focused ? ['┏', '━', '┓'] : ['┌', '─', '┐'];
  if (width < 2) return '';
  const room = width - 2;
  const head = `${line} ${title} `;
  const tail = note ? ` ${note} ${line}` : '';
  if (textWidth(head) > room) return left + fit(head, room) + right;
  if (textWidth(head) + textWidth(tail) > room)
    return left + head + line.repeat(room - textWidth(head)) + right;
  return left + head + line.repeat(room - textWidth(head) - textWidth(tail)) + tail + right;
}
