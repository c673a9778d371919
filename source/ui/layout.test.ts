import { describe, expect, it } from 'vitest';
import { FOOTER_ROWS, HEADER_ROWS, layoutConsole } from './layout.ts';

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

describe('layoutConsole', () => {
  it('puts all six panes in a 2×3 grid one row short of an 80×24 terminal', () => {
    const layout = layoutConsole(80, 24, 1);
    expect(layout.single).toBe(false);
    expect(layout.height).toBe(23);
    expect(layout.gridHeight + HEADER_ROWS + FOOTER_ROWS).toBe(23);
    expect(layout.grid.flat().map((pane) => pane.id)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const row of layout.grid) expect(sum(row.map((pane) => pane.width))).toBe(80);
    expect(sum(layout.grid.map((row) => row[0].height))).toBe(layout.gridHeight);
  });

  it('gives 200×60 tall panes', () => {
    const layout = layoutConsole(200, 60, 1);
    expect(layout.grid.flat().every((pane) => pane.height >= 18 && pane.width === 100)).toBe(true);
  });

  it('goes three across on very wide terminals', () => {
    const layout = layoutConsole(300, 50, 1);
    expect(layout.grid).toHaveLength(2);
    expect(layout.grid[0]).toHaveLength(3);
  });

  it('shows only the focused pane when the grid cannot fit', () => {
    const layout = layoutConsole(50, 14, 4);
    expect(layout.single).toBe(true);
    expect(layout.grid).toEqual([[{ id: 4, width: 50, height: 10 }]]);
  });
});
