// Runs the console full screen on a terminal until the operator confirms quit, then stops the engine.
import { render, type Instance } from 'ink';
import type { ReactElement } from 'react';
import type { EngineClient } from '../control/client.ts';
import { SNAPSHOTS_PER_SECOND, type Snapshot } from '../control/protocol.ts';
import { App } from './App.tsx';
import { anchoredFrames } from './frame-stream.ts';
import { paintBelowTrading } from './paint-priority.ts';
import { createConsoleStore } from './store.ts';

export interface RunConsoleOptions {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** The engine's latest snapshot, if one came before the console: the first frame is then the full picture. */
  initial?: Snapshot | null;
}

// The alternate screen keeps the cursor's row from the shell: frames must start at the top.
const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';
const CLEAR_SCREEN = '\x1b[2J\x1b[H';
/**
 * Ink's maxFps throttles only the terminal write, so snapshots are thinned before they reach React (an attached
 * console may be sent more). 12: a frame of changed prices and ages costs up to ~1.7 KB at 160×48, so 12/s stays
 * under 25 KB/s; the engine publishes as many.
 */
const FRAMES_PER_SECOND = SNAPSHOTS_PER_SECOND;
/**
 * Ink's own render throttle sits above our cadence: at the same rate (15/s) it deferred or merged every
 * snapshot that arrived a little early, and the console painted 5-7 frames a second.
 */
const INK_MAX_FPS = 4 * FRAMES_PER_SECOND;

export async function runConsole(client: EngineClient, opts: RunConsoleOptions = {}): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  // Painting yields the CPU to the engine: with the console on, ticks must not wait behind a frame.
  paintBelowTrading();
  const store = createConsoleStore(opts.initial ?? null, { attached: client.attached === true });
  const size = (): { columns: number; rows: number } => ({
    columns: stdout.columns || 80,
    rows: stdout.rows || 24,
  });

  let screenRestored = false;
  const restoreScreen = (): void => {
    if (screenRestored) return;
    screenRestored = true;
    stdout.write(LEAVE_ALTERNATE_SCREEN);
  };
  // A crash must not leave the operator's terminal on the alternate screen.
  process.once('exit', restoreScreen);
  stdout.write(ENTER_ALTERNATE_SCREEN);

  const snapshots = latestAtMost(FRAMES_PER_SECOND, (snapshot: Snapshot) =>
    store.getState().receive(snapshot),
  );
  const unsubscribeSnapshots = client.onSnapshot(snapshots.push);
  // An attached engine can go away (stopped, network): say so on screen, keep the last picture, never crash.
  const unsubscribeLost = client.onDisconnect?.((reason) => store.getState().loseConnection(reason));
  const unsubscribe = (): void => {
    unsubscribeSnapshots();
    unsubscribeLost?.();
  };

  return new Promise<void>((resolve) => {
    let stopping = false;

    const stop = async (): Promise<void> => {
      if (stopping) return;
      stopping = true;
      try {
        await client.close();
      } catch (error) {
        // The engine did not stop: stay on screen so the operator still sees it and can kill or retry.
        stopping = false;
        throw error;
      }
      unsubscribe();
      snapshots.cancel();
      stdout.off('resize', redraw);
      instance.unmount();
      restoreScreen();
      process.off('exit', restoreScreen);
      resolve();
    };

    const view = (): ReactElement => {
      const { columns, rows } = size();
      return <App store={store} client={client} columns={columns} rows={rows} onExit={stop} />;
    };
    // A resize may have scrolled or reflowed the screen under the last frame: paint the next one whole.
    const redraw = (): void => {
      instance.clear();
      stdout.write(CLEAR_SCREEN);
      instance.rerender(view());
    };

    const instance: Instance = render(view(), {
      // Incremental rendering rewrites only changed lines; anchoredFrames fixes where Ink 6.8 puts them.
      stdout: anchoredFrames(stdout),
      stdin,
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: INK_MAX_FPS,
      incrementalRendering: true,
    });
    stdout.on('resize', redraw);
  });
}

/** Passes on at most `perSecond` values, always the newest: a burst costs one render, not one per value. */
function latestAtMost<T>(
  perSecond: number,
  deliver: (value: T) => void,
): { push: (value: T) => void; cancel: () => void } {
  const interval = 1000 / perSecond;
  let last = Number.NEGATIVE_INFINITY;
  let pending: { value: T } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = (): void => {
    timer = undefined;
    if (!pending) return;
    const { value } = pending;
    pending = undefined;
    last = performance.now();
    deliver(value);
  };

  return {
    push(value) {
      pending = { value };
      if (timer) return;
      const wait = last + interval - performance.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
  };
}
