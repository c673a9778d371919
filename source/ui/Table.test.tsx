import { describe, expect, it } from 'vitest';
import { fitColumns, type Column } from './Table.tsx';

interface Row {
  name: string;
  pnl: string;
  venue: string;
  reason: string;
}

const rows: Row[] = [
  { name: 'arb-btc', pnl: '+12.47', venue: 'hyperliquid', reason: 'edge 1.2 bp < 19.0 bp needed' },
];

const columns: Column<Row>[] = [
  { title: 'name', keep: 1, min: 4, cell: (r) => r.name },
  { title: 'venue', keep: 4, min: 5, cell: (r) => r.venue },
  { title: 'pnl', keep: 2, align: 'right', cell: (r) => r.pnl },
  { title: 'why', keep: 3, min: 8, flex: true, cell: (r) => r.reason },
];

const titles = (width: number): string[] => fitColumns(columns, rows, width).map((f) => f.column.title);

describe('fitColumns', () => {
  it('shows everything at its full width when there is room, the flex column taking the rest', () => {
    const fitted = fitColumns(columns, rows, 80);
    expect(fitted.map((f) => f.column.title)).toEqual(['name', 'venue', 'pnl', 'why']);
    expect(fitted.reduce((sum, f) => sum + f.width, 0) + fitted.length - 1).toBe(80);
  });

  it('drops the least important columns first and never cuts a number', () => {
    expect(titles(20)).toEqual(['name', 'pnl', 'why']);
    expect(titles(12)).toEqual(['name', 'pnl']);
    const pnl = fitColumns(columns, rows, 12).find((f) => f.column.title === 'pnl');
    expect(pnl?.width).toBe(6);
  });

  it('drops a less important column when that lets a free-text reason be read whole', () => {
    expect(titles(45)).toEqual(['name', 'pnl', 'why']);
  });
});
