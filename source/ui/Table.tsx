// A table that fits its width: the least important columns go first, the rest shrink, nothing wraps.
import { Text } from 'ink';
import { Fragment, type ReactNode } from 'react';
import { fit, textWidth } from './format.ts';

type Color = string | undefined;

export interface Column<Row> {
  title: string;
  /** Which columns survive a narrow pane: lower keeps longer. */
  keep: number;
  align?: 'left' | 'right';
  /** Narrowest it may be cut to; by default it is never cut (numbers and states are dropped, not truncated). */
  min?: number;
  /** Widest it grows to for its content. */
  max?: number;
  /** Takes whatever width is left (e.g. a free-text reason). */
  flex?: boolean;
  cell(row: Row): string;
  color?(row: Row): Color;
  /** Highlight cells whose value matters more than their neighbours', e.g. HALTED. */
  inverse?(row: Row): boolean;
}

export interface FittedColumn<Row> {
  column: Column<Row>;
  width: number;
}

const GAP = 1;

/** Choose and size the columns for `width`, in their declared order. */
export function fitColumns<Row>(
  columns: Column<Row>[],
  rows: readonly Row[],
  width: number,
): FittedColumn<Row>[] {
  const ideals = new Map(
    columns.map((column) => [
      column,
      Math.min(
        column.max ?? Number.POSITIVE_INFINITY,
        Math.max(textWidth(column.title), ...rows.map((row) => textWidth(column.cell(row)))),
      ),
    ]),
  );
  const ideal = (column: Column<Row>): number => ideals.get(column)!;
  const least = (column: Column<Row>): number => Math.min(column.min ?? ideal(column), ideal(column));
  const total = (shown: Column<Row>[], size: (c: Column<Row>) => number): number =>
    shown.reduce((sum, column) => sum + size(column), 0) + GAP * Math.max(0, shown.length - 1);
  const withoutLeastImportant = (shown: Column<Row>[]): Column<Row>[] => {
    const dropped = shown.reduce((worst, column) => (column.keep > worst.keep ? column : worst));
    return shown.filter((column) => column !== dropped);
  };

  // Every column starts at its narrowest; spare room goes to the most important first, the rest to the flex one.
  const size = (shown: Column<Row>[]): Map<Column<Row>, number> => {
    const widths = new Map(shown.map((column) => [column, least(column)]));
    let spare = width - total(shown, least);
    for (const column of [...shown].sort((a, b) => a.keep - b.keep)) {
      const grow = Math.min(spare, ideal(column) - widths.get(column)!);
      if (grow > 0) {
        widths.set(column, widths.get(column)! + grow);
        spare -= grow;
      }
    }
    const flex = shown.find((column) => column.flex);
    if (flex && spare > 0) widths.set(flex, widths.get(flex)! + spare);
    return widths;
  };

  let shown = [...columns];
  while (shown.length > 1 && total(shown, least) > width) shown = withoutLeastImportant(shown);
  let widths = size(shown);

  // A cut free-text column (a reason, a message) is worth more than less important columns,
  // but only if dropping them lets it be read whole.
  const flex = shown.find((column) => column.flex);
  if (flex && widths.get(flex)! < ideal(flex)) {
    let trial = shown;
    while (trial.some((column) => column.keep > flex.keep)) {
      trial = withoutLeastImportant(trial);
      const trialWidths = size(trial);
      if (trialWidths.get(flex)! >= ideal(flex)) {
        shown = trial;
        widths = trialWidths;
        break;
      }
    }
  }

  return shown.map((column) => ({ column, width: widths.get(column)! }));
}

export interface TableProps<Row> {
  columns: Column<Row>[];
  rows: readonly Row[];
  width: number;
  /** Rows available, header included. */
  height: number;
  /** First row shown. */
  offset?: number;
  /** Index of the selected row, marked and bold. */
  selected?: number;
}

/** Columns of a selectable table leave room for the selection marker. */
export const MARKER_WIDTH = 2;

export function Table<Row>({
  columns,
  rows,
  width,
  height,
  offset = 0,
  selected,
}: TableProps<Row>): ReactNode {
  const marker = selected === undefined ? 0 : MARKER_WIDTH;
  const fitted = fitColumns(columns, rows, width - marker);
  const visible = rows.slice(offset, offset + Math.max(0, height - 1));
  const header = fitted.map(({ column, width: w }) => fit(column.title, w, column.align)).join(' ');
  return (
    <>
      <Text wrap="truncate" dimColor bold>
        {' '.repeat(marker)}
        {header}
      </Text>
      {visible.map((row, i) => {
        const isSelected = selected === offset + i;
        return (
          <Text key={offset + i} wrap="truncate" bold={isSelected}>
            {marker > 0 ? (isSelected ? '▸ ' : '  ') : ''}
            {fitted.map(({ column, width: w }, c) => (
              <Fragment key={c}>
                {c > 0 ? ' ' : ''}
                <Text color={column.color?.(row)} inverse={column.inverse?.(row) ?? false}>
                  {fit(column.cell(row), w, column.align)}
                </Text>
              </Fragment>
            ))}
          </Text>
        );
      })}
    </>
  );
}

/** Whether a column made it into the fitted set (a dropped one may be worth showing elsewhere). */
export function isShown<Row>(fitted: FittedColumn<Row>[], title: string): boolean {
  return fitted.some(({ column }) => column.title === title);
}
