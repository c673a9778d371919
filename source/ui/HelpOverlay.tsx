// The help overlay: every binding of the one keymap, so the help can never disagree with the keys.
import type { ReactNode } from 'react';
import { Dialog, dialogWidth, type DialogLine } from './Dialog.tsx';
import { fit } from './format.ts';
import { keymap } from './keymap.ts';

const KEYS_WIDTH = Math.max(...keymap.map((binding) => binding.keys.join(' ').length)) + 2;

export function HelpOverlay({ width }: { width: number }): ReactNode {
  const lines: DialogLine[] = keymap.map((binding) => ({
    text: `${fit(binding.keys.join(' '), KEYS_WIDTH)}${binding.help}`,
    color: binding.action === 'kill' ? 'red' : undefined,
  }));
  const wanted = Math.max(...lines.map((line) => line.text.length)) + 2;
  return <Dialog title="Keys   (esc or ? closes)" lines={lines} width={dialogWidth(width, wanted)} />;
}
