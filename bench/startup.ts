// Start-up: spawn the real binary in a real terminal (tmux, 160×48) and time it to the first frame with all six panes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PANES = ['1 Strategies', '2 Positions', '3 Spreads', '4 Signals', '5 PnL', '6 Alerts'];

/** A full frame: every pane's title, the strategies' rows and the header's trading state. */
export function isFullFrame(screen: string): boolean {
  return PANES.every((p) => screen.includes(p)) && screen.includes('arb-btc') && screen.includes('ACTIVE');
}

export async function measureStartup(binary: string, profile = 'sim', timeoutMs = 20_000): Promise<number> {
  const socket = `td-bench-${process.pid}`;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const dir = mkdtempSync(join(tmpdir(), 'td-bench-startup-'));
  const command = `'${process.execPath}' '${binary}' --config ${profile} --data-dir '${dir}'`;
  try {
    const started = process.hrtime.bigint();
    tmux('new-session', '-d', '-s', 'bench', '-x', '160', '-y', '48', command);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (isFullFrame(tmux('capture-pane', '-p', '-t', 'bench')))
        return Number(process.hrtime.bigint() - started) / 1e6;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no full frame within ${timeoutMs / 1000} s`);
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
