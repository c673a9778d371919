// A bordered box drawn over the panes; every line is padded to full width so nothing shows through.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { fit } from './format.ts';

export interface DialogLine {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
}

export interface DialogProps {
  title: string;
  lines: DialogLine[];
  width: number;
  /** Border color: what kind of question this is. */
  tone?: string;
}

export function Dialog({ title, lines, width, tone = 'cyan' }: DialogProps): ReactNode {
  const inner = Math.max(1, width - 2);
  return (
    <Box flexDirection="column" width={width} borderStyle="round" borderColor={tone} flexShrink={0}>
      <Text wrap="truncate" bold color={tone}>
        {fit(title, inner)}
      </Text>
      {lines.map((line, i) => (
        <Text
          key={i}
          wrap="truncate"
          color={line.color}
          bold={line.bold ?? false}
          dimColor={line.dim ?? false}
        >
          {fit(line.text, inner)}
        </Text>
      ))}
    </Box>
  );
}

/** A dialog's width for a screen: as wide as its content wants, never wider than the screen. */
export function dialogWidth(screen: number, wanted: number): number {
  return Math.max(10, Math.min(screen - 2, wanted));
}
