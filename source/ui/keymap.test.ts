import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { footerHints, hintText, keymap, resolveKey } from './keymap.ts';

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

describe('keymap', () => {
  it('maps the product’s keys to their actions', () => {
    expect(resolveKey('K', { ...NO_KEY, shift: true })?.action).toBe('kill');
    expect(resolveKey('p', NO_KEY)?.action).toBe('pause-resume');
    expect(resolveKey('P', { ...NO_KEY, shift: true })?.action).toBe('promote');
    expect(resolveKey('D', { ...NO_KEY, shift: true })?.action).toBe('demote');
    expect(resolveKey('R', { ...NO_KEY, shift: true })?.action).toBe('rearm');
    expect(resolveKey(' ', NO_KEY)?.action).toBe('freeze');
    expect(resolveKey('q', NO_KEY)?.action).toBe('quit');
    expect(resolveKey('c', { ...NO_KEY, ctrl: true })?.action).toBe('quit');
    expect(resolveKey('?', NO_KEY)?.action).toBe('help');
    expect(resolveKey('4', NO_KEY)?.action).toBe('focus-pane');
    expect(resolveKey('', { ...NO_KEY, tab: true })?.action).toBe('focus-next');
    expect(resolveKey('', { ...NO_KEY, tab: true, shift: true })?.action).toBe('focus-previous');
    expect(resolveKey('', { ...NO_KEY, downArrow: true })?.action).toBe('select-row');
    expect(resolveKey('', { ...NO_KEY, escape: true })?.action).toBe('close');
    expect(resolveKey('k', NO_KEY)).toBeUndefined();
    expect(resolveKey('7', NO_KEY)).toBeUndefined();
  });

  it('gives every binding keys, a label and a help line', () => {
    for (const binding of keymap) {
      expect(binding.keys.length).toBeGreaterThan(0);
      expect(binding.label).not.toBe('');
      expect(binding.help).not.toBe('');
    }
  });

  it('fits the footer hints to the width, always keeping help, kill and quit', () => {
    for (const width of [40, 60, 80, 200]) {
      const hints = footerHints(width);
      const line = hints.map(hintText).join('  ');
      expect(line.length).toBeLessThanOrEqual(width);
      expect(hints.map((b) => b.action)).toEqual(expect.arrayContaining(['help', 'kill', 'quit']));
    }
    expect(footerHints(200).length).toBeGreaterThan(footerHints(80).length);
  });
});
