// End to end: the real binary in a real tmux at 160×48, driven by keys, read off the screen.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './run-cli.ts';
import { tmuxDriver } from './tmux.ts';

const { tmux, waitFor, start, kill } = tmuxDriver('td-e2e');

afterAll(kill);

describe('console in tmux', () => {
  it('shows six panes, K halts with zero open orders, q then y exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-tmux-'));
    const exitCode = start(`'${process.execPath}' '${BIN}' --data-dir '${dir}'`, join(dir, 'exit-code'));
    const panes = ['Strategies', 'Positions', 'Spreads', 'Signals', 'PnL', 'Alerts'];
    const first = await waitFor(
      'six panes with data',
      (s) => panes.every((p) => s.includes(p)) && s.includes('arb-btc') && s.includes('ACTIVE'),
    );
    expect(first.split('\n').every((l) => l.length <= 160)).toBe(true);

    tmux('send-keys', '-t', 'td', 'K');
    // The header (first line) carries the trading state and the open order count; the footer's
    // command result says HALTED a moment before the next snapshot does. A frame that changes most of the screen
    // is more than a pty buffer: a capture can land between its first rows and its last, so wait for the alert too.
    const halted = await waitFor('HALTED and no open orders in the header, the kill in the alerts', (s) => {
      const header = s.split('\n')[0];
      return header.includes('HALTED') && /orders 0\b/.test(header) && s.includes('KILL SWITCH');
    });
    expect(halted).toMatch(/KILL SWITCH/);

    tmux('send-keys', '-t', 'td', 'q');
    await waitFor('the quit confirmation', (s) => /quit/i.test(s) && /y\/n/i.test(s));
    tmux('send-keys', '-t', 'td', 'y');
    expect(await exitCode()).toBe('0');
    // HALTED was persisted for the next start.
    expect(JSON.parse(readFileSync(join(dir, 'paper', 'state.json'), 'utf8')).kill.halted).toBe(true);
  });

  it('a corrupt state file found on the engine thread exits 2 with one line, as headless does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-tmux-'));
    mkdirSync(join(dir, 'paper'), { recursive: true });
    const state = join(dir, 'paper', 'state.json');
    writeFileSync(state, '{"schemaVersion": 2, "kill": tru');
    const err = join(dir, 'stderr');
    const exitCode = start(
      `'${process.execPath}' '${BIN}' --data-dir '${dir}' 2> '${err}'`,
      join(dir, 'exit-code'),
    );
    expect(await exitCode()).toBe('2');
    const lines = readFileSync(err, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tradedesk: state .*state\.json: not valid JSON; left untouched/);
    expect(readFileSync(state, 'utf8')).toBe('{"schemaVersion": 2, "kill": tru');
  });
});
