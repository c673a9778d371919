// The one keymap: the input handler, the footer hints and the help overlay all read this table.
import type { Key } from 'ink';

export type ActionId =
  | 'help'
  | 'focus-pane'
  | 'focus-next'
  | 'focus-previous'
  | 'select-row'
  | 'pause-resume'
  | 'promote'
  | 'demote'
  | 'kill'
  | 'rearm'
  | 'accept'
  | 'freeze'
  | 'quit'
  | 'close'
  | 'confirm';

export interface KeyBinding {
  /** How the keys are written on screen. */
  keys: string[];
  /** Short word for the footer. */
  label: string;
  action: ActionId;
  /** One line for the help overlay. */
  help: string;
  /** Footer hints are dropped from the highest number down when the terminal is narrow; none: never in the footer. */
  footerRank?: number;
  matches(input: string, key: Key): boolean;
}

export const keymap: readonly KeyBinding[] = [
  {
    keys: ['?'],
    label: 'help',
    action: 'help',
    help: 'show or hide this help',
    footerRank: 0,
    matches: (input) => input === '?',
  },
  {
    keys: ['1-6'],
    label: 'pane',
    action: 'focus-pane',
    help: 'focus a pane: 1 Strategies 2 Positions 3 Spreads … 6 Alerts',
    footerRank: 8,
    matches: (input, key) => !key.ctrl && !key.meta && /^[1-6]$/.test(input),
  },
  {
    keys: ['tab'],
    label: 'next pane',
    action: 'focus-next',
    help: 'focus the next pane',
    matches: (_input, key) => key.tab && !key.shift,
  },
  {
    keys: ['shift+tab'],
    label: 'previous pane',
    action: 'focus-previous',
    help: 'focus the previous pane',
    matches: (_input, key) => key.tab && key.shift,
  },
  {
    keys: ['↑', '↓'],
    label: 'row',
    action: 'select-row',
    help: 'select a strategy in Strategies; scroll the other panes',
    footerRank: 9,
    matches: (_input, key) => key.upArrow || key.downArrow,
  },
  {
    keys: ['p'],
    label: 'pause',
    action: 'pause-resume',
    help: 'pause / resume the selected strategy',
    footerRank: 3,
    matches: (input, key) => input === 'p' && !key.ctrl && !key.meta,
  },
  {
    keys: ['P'],
    label: 'promote',
    action: 'promote',
    help: 'promote selected paper → live: break-even gate, type its name',
    footerRank: 6,
    matches: (input, key) => input === 'P' && !key.ctrl && !key.meta,
  },
  {
    keys: ['D'],
    label: 'demote',
    action: 'demote',
    help: 'demote the selected strategy live → paper',
    footerRank: 7,
    matches: (input, key) => input === 'D' && !key.ctrl && !key.meta,
  },
  {
    keys: ['K'],
    label: 'KILL',
    action: 'kill',
    help: 'KILL SWITCH now: cancel every order, halt all, persist HALTED',
    footerRank: 1,
    matches: (input, key) => input === 'K' && !key.ctrl && !key.meta,
  },
  {
    keys: ['R'],
    label: 're-arm',
    action: 'rearm',
    help: 're-arm trading after a kill (asks y/n)',
    footerRank: 5,
    matches: (input, key) => input === 'R' && !key.ctrl && !key.meta,
  },
  {
    keys: ['A'],
    label: 'accept venue state',
    action: 'accept',
    help: "accept the venues' state after a reconciliation hold (y/n)",
    matches: (input, key) => input === 'A' && !key.ctrl && !key.meta,
  },
  {
    keys: ['space'],
    label: 'freeze',
    action: 'freeze',
    help: 'freeze / unfreeze the display; the engine keeps trading',
    footerRank: 4,
    matches: (input, key) => input === ' ' && !key.ctrl && !key.meta,
  },
  {
    keys: ['q'],
    label: 'quit',
    action: 'quit',
    help: 'quit (y/n): trading stops cleanly, open orders are cancelled',
    footerRank: 2,
    matches: (input, key) => input === 'q' && !key.ctrl && !key.meta,
  },
  {
    keys: ['ctrl+c'],
    label: 'quit',
    action: 'quit',
    help: 'same as q',
    matches: (input, key) => input === 'c' && key.ctrl,
  },
  {
    keys: ['y', 'enter'],
    label: 'yes',
    action: 'confirm',
    help: 'answer yes in a dialog (enter sends a typed promotion)',
    matches: (input, key) => input === 'y' || input === 'Y' || key.return,
  },
  {
    keys: ['n', 'esc'],
    label: 'close',
    action: 'close',
    help: 'answer no, close a dialog or this help',
    matches: (input, key) => input === 'n' || input === 'N' || key.escape,
  },
];

/** The binding a keypress means on the dashboard, if any. */
export function resolveKey(input: string, key: Key): KeyBinding | undefined {
  return keymap.find((binding) => binding.matches(input, key));
}

export function hintText(binding: KeyBinding): string {
  return `${binding.keys.join('')} ${binding.label}`;
}

/** The footer's key hints for a width: the most important ones that fit, in keymap order. */
export function footerHints(width: number, separator = '  '): KeyBinding[] {
  const ranked = keymap
    .filter((binding) => binding.footerRank !== undefined)
    .sort((a, b) => a.footerRank! - b.footerRank!);
  const chosen = new Set<KeyBinding>();
  let used = 0;
  for (const binding of ranked) {
    const cost = hintText(binding).length + (chosen.size > 0 ? separator.length : 0);
    if (used + cost > width) continue;
    chosen.add(binding);
    used += cost;
  }
  return keymap.filter((binding) => chosen.has(binding));
}
