// A real terminal for end-to-end tests: a private tmux server (its own -L socket), commands started in a 160×48
// session "td", the screen read back, waits on what it shows, and the server killed at the end.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { sleep } from './wait.ts';

export interface TmuxDriver {
  /** Run a tmux command on this driver's server; its stdout. */
  tmux(...args: string[]): string;
  /** The "td" pane as text. */
  screen(): string;
  /** Poll the screen until `test` holds; fails with the last screen. */
  waitFor(what: string, test: (s: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Start `command` in a fresh 160×48 session "td"; the returned function waits for its exit code (as text). */
  start(command: string, exitFile: string): () => Promise<string>;
  /** Kill the tmux server, if it still runs. */
  kill(): void;
}

export function tmuxDriver(name: string): TmuxDriver {
  const socket = `${name}-${process.pid}`;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const screen = () => tmux('capture-pane', '-p', '-t', 'td');
  return {
    tmux,
    screen,
    waitFor: async (what, test, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        last = screen();
        if (test(last)) return last;
        await sleep(200);
      }
      throw new Error(`timed out waiting for ${what}; screen was:\n${last}`);
    },
    start: (command, exitFile) => {
      rmSync(exitFile, { force: true });
      tmux('new-session', '-d', '-s', 'td', '-x', '160', '-y', '48', `${command}; echo $? > '${exitFile}'`);
      return async () => {
        const deadline = Date.now() + 15_000;
        while (!existsSync(exitFile) && Date.now() < deadline) await sleep(200);
        return readFileSync(exitFile, 'utf8').trim();
      };
    },
    kill: () => {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
}
