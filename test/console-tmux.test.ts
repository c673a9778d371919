// End to end: the real binary in a real tmux at 160×48, driven by keys, read off the screen.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from './run-cli.ts';

const socket = `td-e2e-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'td');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, test: (s: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = screen();
    if (test(last)) return last;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}; screen was:\n${last}`);
}

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
});

describe('console in tmux', () => {
  it('shows six panes, K halts with zero open orders, q then y exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-tmux-'));
    const exitFile = join(dir, 'exit-code');
    const command = `'${process.execPath}' '${BIN}' --data-dir '${dir}'; echo $? > '${exitFile}'`;
    tmux('new-session', '-d', '-s', 'td', '-x', '160', '-y', '48', command);
    const panes = ['Strategies', 'Positions', 'Spreads', 'Signals', 'PnL', 'Alerts'];
    const first = await waitFor(
      'six panes with data',
      (s) => panes.every((p) => s.includes(p)) && s.includes('arb-btc') && s.includes('ACTIVE'),
    );
    expect(first.split('\n').every((l) => l.length <= 160)).toBe(true);

    tmux('send-keys', '-t', 'td', 'K');
    // The header (first line) carries the trading state and the open order count; the footer's
    // command result says HALTED a moment before the next snapshot does.
    const halted = await waitFor('HALTED and no open orders in the header', (s) => {
      const header = s.split('\n')[0];
      return header.includes('HALTED') && /orders 0\b/.test(header);
    });
    expect(halted).toMatch(/KILL SWITCH/);

    tmux('send-keys', '-t', 'td', 'q');
    await waitFor('the quit confirmation', (s) => /quit/i.test(s) && /y\/n/i.test(s));
    tmux('send-keys', '-t', 'td', 'y');
    const deadline = Date.now() + 15_000;
    while (!existsSync(exitFile) && Date.now() < deadline) await sleep(200);
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
    // HALTED was persisted for the next start.
    expect(JSON.parse(readFileSync(join(dir, 'paper', 'state.json'), 'utf8')).kill.halted).toBe(true);
  });
});
