// Where the six panes go for a terminal size: a grid when they fit, the focused pane alone when not.
import type { PaneId } from './store.ts';

export interface PaneBox {
  id: PaneId;
  width: number;
  height: number;
}

export interface ConsoleLayout {
  /** Rows of the whole console: one fewer than the terminal, or Ink 6.8 clears the screen every frame. */
  height: number;
  /** Rows between header and footer. */
  gridHeight: number;
  /** Panes by grid row, left to right. */
  grid: PaneBox[][];
  /** Too small for the grid: only the focused pane is shown. */
  single: boolean;
}

export const HEADER_ROWS = 1;
export const FOOTER_ROWS = 2;
const MIN_GRID_WIDTH = 60;
/** Three rows of panes need at least a title, a column header, one row and a border each. */
const MIN_GRID_HEIGHT = 12;
const WIDE = 240;

const ORDER: PaneId[] = [1, 2, 3, 4, 5, 6];

export function layoutConsole(columns: number, rows: number, focus: PaneId): ConsoleLayout {
  const height = Math.max(1, rows - 1);
  const gridHeight = Math.max(0, height - HEADER_ROWS - FOOTER_ROWS);
  if (columns < MIN_GRID_WIDTH || gridHeight < MIN_GRID_HEIGHT) {
    return { height, gridHeight, grid: [[{ id: focus, width: columns, height: gridHeight }]], single: true };
  }
  const across = columns >= WIDE ? 3 : 2;
  const down = ORDER.length / across;
  const widths = split(columns, across);
  const heights = split(gridHeight, down);
  const grid = heights.map((paneHeight, r) =>
    widths.map((paneWidth, c) => ({ id: ORDER[r * across + c], width: paneWidth, height: paneHeight })),
  );
  return { height, gridHeight, grid, single: false };
}

/** `total` cut into `parts` near-equal whole pieces, the larger ones first. */
function split(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total % parts ? 1 : 0));
}
