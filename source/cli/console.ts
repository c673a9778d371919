// tradedesk (no command): the console, with the engine on its own worker thread.
import { controlOptions } from '../control/endpoint.ts';
import { WorkerEngineClient } from '../control/worker-client.ts';
import type { Snapshot } from '../control/protocol.ts';
import { UsageError, type CommonOptions } from './main.ts';

/** How long the console waits for the engine's first snapshot before painting an empty layout. */
const FIRST_SNAPSHOT_WAIT_MS = 500;

export async function runConsoleCommand({ profile, dataDir, flags }: CommonOptions): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('the console needs a terminal; run with --headless for lines instead');
  }
  const client = new WorkerEngineClient(
    { profile, dataDir, mode: 'paper', liveAllowed: flags.live, seed: flags.seed, keyFile: flags.keys },
    controlOptions(dataDir, 'paper', flags.listen, process.env.TRADEDESK_TOKEN),
  );
  // Snapshots start as soon as the engine runs; the first one seeds the first frame (see below).
  let first: Snapshot | null = null;
  let gotFirst: () => void = () => undefined;
  const firstArrived = new Promise<void>((resolve) => (gotFirst = resolve));
  const unsubscribeFirst = client.onSnapshot((s) => {
    first = s;
    gotFirst();
  });
  // Ink renders only a final frame when it thinks it runs in CI; on a real terminal it must be live.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  // Ink and React load while the engine thread starts.
  const { runConsole } = await import('../ui/run-console.tsx');
  try {
    await client.ready;
  } catch (e) {
    await client.close().catch(() => undefined);
    throw e;
  }
  // Rendering the empty layout and then the data costs two cold renders (~0.3 s each on a loaded machine);
  // the engine publishes within a tick of starting, so wait briefly for its first snapshot and paint once.
  await Promise.race([firstArrived, new Promise((r) => setTimeout(r, FIRST_SNAPSHOT_WAIT_MS))]);
  unsubscribeFirst();
  // A hang-up (SSH gone) or a TERM stops trading cleanly, as q would.
  const stopNow = () => void client.close().finally(() => process.exit(0));
  process.once('SIGTERM', stopNow);
  process.once('SIGHUP', stopNow);
  const duration = flags.duration !== undefined ? setTimeout(stopNow, flags.duration * 1000) : null;
  await runConsole(client, { initial: first });
  if (duration) clearTimeout(duration);
  process.off('SIGTERM', stopNow);
  process.off('SIGHUP', stopNow);
  return 0;
}
