// End to end: tradedesk attach in a real tmux at 160×48 on a headless engine; quitting detaches, the engine runs on.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ctlStatus, startHeadless, type HeadlessEngine } from './headless-engine.ts';
import { BIN } from './run-cli.ts';
import { tmuxDriver } from './tmux.ts';
import { until } from './wait.ts';

const { tmux, waitFor, start, kill } = tmuxDriver('td-attach');
const PANES = ['Strategies', 'Positions', 'Spreads', 'Signals', 'PnL', 'Alerts'];

/** Run `tradedesk attach` in a fresh tmux session; resolves with its exit code once it has one. */
function attach(dir: string): () => Promise<string> {
  return start(`'${process.execPath}' '${BIN}' attach --data-dir '${dir}'`, join(dir, 'attach-exit-code'));
}

const engines: HeadlessEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
});
afterAll(kill);

describe('attach in tmux', () => {
  it('is the full console on a headless engine: K halts it, q y detaches with 0 and the engine keeps running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-attach-'));
    const engine = await startHeadless(dir, 'sim');
    engines.push(engine);
    const exitCode = attach(dir);

    const first = await waitFor(
      'six panes with data',
      (s) =>
        PANES.every((p) => s.includes(p)) && s.includes('arb-btc') && s.split('\n')[0].includes('ACTIVE'),
    );
    expect(first.split('\n').every((l) => l.length <= 160)).toBe(true);

    tmux('send-keys', '-t', 'td', 'K');
    const halted = await waitFor('HALTED and no open orders in the header', (s) => {
      const header = s.split('\n')[0];
      return header.includes('HALTED') && /orders 0\b/.test(header);
    });
    expect(halted).toMatch(/KILL SWITCH/);

    tmux('send-keys', '-t', 'td', 'q');
    await waitFor('the detach question', (s) => s.includes('the engine keeps running') && /y\/n/i.test(s));
    tmux('send-keys', '-t', 'td', 'y');
    expect(await exitCode()).toBe('0');

    // The engine is still there, still HALTED by the attached console's K.
    expect(engine.child.exitCode).toBeNull();
    const status = await ctlStatus(dir);
    expect(status.state).toBe('HALTED');
    expect(status.openOrders).toBe(0);

    // On a terminal, ctl rearm asks y/N itself.
    const rearmExit = join(dir, 'rearm-exit-code');
    tmux(
      'new-session',
      '-d',
      '-s',
      'td',
      '-x',
      '160',
      '-y',
      '48',
      `'${process.execPath}' '${BIN}' ctl rearm --data-dir '${dir}'; echo $? > '${rearmExit}'; sleep 30`,
    );
    await waitFor('the rearm question', (s) => s.includes('strategies may place orders again [y/N]'));
    tmux('send-keys', '-t', 'td', 'y', 'Enter');
    await waitFor('the engine answer', (s) => s.includes('re-armed: ACTIVE'));
    await until('ctl rearm to exit', () => existsSync(rearmExit));
    expect(readFileSync(rearmExit, 'utf8').trim()).toBe('0');
    tmux('kill-session', '-t', 'td');
    expect((await ctlStatus(dir)).state).toBe('ACTIVE');
    expect(await engine.stop()).toBe(0);
  });

  it('says DISCONNECTED when the engine goes away, and still quits cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-attach-'));
    const engine = await startHeadless(dir, 'sim');
    engines.push(engine);
    const exitCode = attach(dir);
    await waitFor('the strategies', (s) => s.includes('arb-btc') && s.split('\n')[0].includes('ACTIVE'));

    expect(await engine.stop()).toBe(0);
    const lost = await waitFor('the disconnect in the header', (s) =>
      s.split('\n')[0].includes('DISCONNECTED'),
    );
    expect(lost.split('\n')[0]).toContain('the engine closed the connection');
    // The last picture stays on screen.
    expect(lost).toContain('arb-btc');

    tmux('send-keys', '-t', 'td', 'q');
    await waitFor('the detach question', (s) => /y\/n/i.test(s));
    tmux('send-keys', '-t', 'td', 'y');
    expect(await exitCode()).toBe('0');
  });
});
