// Paper → live is the one step that puts real money at risk: show the engine's break-even gate, ask for the name.
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { Dialog, dialogWidth, type DialogLine } from './Dialog.tsx';
import { wrapWords } from './format.ts';
import type { ConsoleStore } from './store.ts';

const WANTED_WIDTH = 72;

export function PromoteDialog({ store, width }: { store: ConsoleStore; width: number }): ReactNode {
  const overlay = useStore(store, (s) => s.overlay);
  const liveAllowed = useStore(store, (s) => s.snapshot?.liveAllowed ?? false);
  if (overlay.kind !== 'promote') return null;
  const boxWidth = dialogWidth(width, WANTED_WIDTH);
  const inner = boxWidth - 2;
  const { strategy, gate, typed } = overlay;
  const matches = typed === strategy;

  const gateLines: DialogLine[] = gate
    ? wrapWords(gate.message, inner, 4).map((text) => ({ text, color: gate.ok ? 'green' : 'yellow' }))
    : [{ text: 'asking the engine for the break-even gate…', dim: true }];
  const lines: DialogLine[] = [
    ...gateLines,
    ...(liveAllowed
      ? []
      : [{ text: 'live orders are not allowed: the engine was started without --live', color: 'yellow' }]),
    { text: '' },
    { text: `Type "${strategy}" to trade it with real money:` },
    { text: `> ${typed}▏`, color: matches ? 'green' : undefined, bold: true },
    { text: matches ? 'enter promotes · esc cancels' : 'esc cancels', dim: true },
  ];
  return <Dialog title={`Promote ${strategy}: PAPER → LIVE`} lines={lines} width={boxWidth} tone="magenta" />;
}
