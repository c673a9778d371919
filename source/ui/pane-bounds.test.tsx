// Every pane keeps its rows inside its own frame. The console does not ask Ink to clip (clipping cost ~40% of
// each frame's CPU): the panes fit their content themselves, and this proves it for a desk with more of everything
// than fits, at every size the layout distinguishes. Text that spilled out of a pane would overwrite its border.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../control/protocol.ts';
import { App } from './App.tsx';
import { ARB_BTC, snapshotFixture } from './fixtures.ts';
import { HEADER_ROWS, layoutConsole } from './layout.ts';
import { createConsoleStore, type PaneId } from './store.ts';
import { FakeEngineClient, frameLines, renderAt, tick } from './testing.ts';

afterEach(cleanup);

/** More strategies, positions, spreads, signals and alerts than any pane has rows for, with long words in them. */
function crowded(): Snapshot {
  const base = snapshotFixture();
  const many = <T,>(rows: readonly T[], n: number, vary: (row: T, i: number) => T): T[] =>
    Array.from({ length: n }, (_, i) => vary(rows[i % rows.length], i));
  return {
    ...base,
    strategies: many([ARB_BTC], 40, (s, i) => ({
      ...s,
      name: `arb-${i}-with-a-rather-long-name`,
      idleReason: `edge ${i}.2 bp < 19.0 bp needed after taker fees on both legs and the funding to come`,
    })),
    positions: many(base.positions, 40, (p, i) => ({
      ...p,
      symbol: `COIN${i}/USDT:USDT`,
      qty: `${i}.123456789`,
    })),
    spreads: many(base.spreads, 30, (s, i) => ({ ...s, asset: `COIN${i}` })),
    signals: many(base.signals, 30, (s, i) => ({ ...s, model: `model-${i}-gradient-boosted-trees` })),
    alerts: many(base.alerts, 60, (a, i) => ({
      ...a,
      id: i,
      message: `${a.message}; and a long tail explaining what went wrong in detail, number ${i}`.repeat(2),
    })),
    pnl: { ...base.pnl, curve: Array.from({ length: 400 }, (_, i) => 10_000 + Math.sin(i / 9) * 40) },
  };
}

const HORIZONTAL = /^[─━]+$/;
const VERTICAL = /^[│┃]$/;

async function framesAt(columns: number, rows: number, focus: PaneId): Promise<string[]> {
  const store = createConsoleStore(crowded());
  store.getState().focusPane(focus);
  const client = new FakeEngineClient();
  const view = renderAt(
    <App store={store} client={client} columns={columns} rows={rows} onExit={() => undefined} />,
    columns,
  );
  await tick();
  return frameLines(view.lastFrame());
}

/** Where each pane's bottom border and side edges should be, and what is there instead. */
function brokenEdges(lines: string[], columns: number, rows: number, focus: PaneId): string[] {
  const layout = layoutConsole(columns, rows, focus);
  const broken: string[] = [];
  let top = HEADER_ROWS;
  for (const row of layout.grid) {
    let left = 0;
    for (const pane of row) {
      const at = (y: number): string[] => Array.from(lines[y] ?? '').slice(left, left + pane.width);
      const bottom = at(top + pane.height - 1);
      const inner = bottom.slice(1, -1).join('');
      if (!/^[└┗]$/.test(bottom[0] ?? '') || !/^[┘┛]$/.test(bottom.at(-1) ?? '') || !HORIZONTAL.test(inner))
        broken.push(`pane ${pane.id} bottom: "${bottom.join('')}"`);
      for (let y = top + 1; y < top + pane.height - 1; y++) {
        const cells = at(y);
        if (!VERTICAL.test(cells[0] ?? '') || !VERTICAL.test(cells.at(-1) ?? ''))
          broken.push(`pane ${pane.id} row ${y}: "${cells.join('')}"`);
      }
      left += pane.width;
    }
    top += row[0].height;
  }
  return broken;
}

describe('panes stay inside their frames', () => {
  // 60×16 is the smallest grid, 240 columns go three across, 50×20 and 80×14 show the focused pane alone.
  const sizes: [number, number][] = [
    [60, 16],
    [80, 24],
    [100, 30],
    [133, 37],
    [160, 48],
    [200, 60],
    [240, 70],
    [50, 20],
    [80, 14],
  ];
  for (const [columns, rows] of sizes) {
    it(`${columns}×${rows}, crowded desk, every pane focused in turn`, async () => {
      for (const focus of [1, 2, 3, 4, 5, 6] as PaneId[]) {
        const lines = await framesAt(columns, rows, focus);
        expect(lines.length).toBeLessThanOrEqual(rows - 1);
        for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(columns);
        expect(brokenEdges(lines, columns, rows, focus)).toEqual([]);
        cleanup();
      }
    });
  }
});
