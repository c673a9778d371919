// tradedesk (no command): the console, with the engine on its own worker thread.
import { controlOptions } from '../control/endpoint.ts';
import { WorkerEngineClient } from '../control/worker-client.ts';
import { UsageError, type CommonOptions } from './main.ts';

export async function runConsoleCommand({ profile, dataDir, flags }: CommonOptions): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('the console needs a terminal; run with --headless for lines instead');
  }
  const client = new WorkerEngineClient(
    { profile, dataDir, mode: 'paper', liveAllowed: flags.live, seed: flags.seed, keyFile: flags.keys },
    controlOptions(dataDir, 'paper', flags.listen, process.env.TRADEDESK_TOKEN),
  );
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
  // A hang-up (SSH gone) or a TERM stops trading cleanly, as q would.
  const stopNow = () => void client.close().finally(() => process.exit(0));
  process.once('SIGTERM', stopNow);
  process.once('SIGHUP', stopNow);
  const duration = flags.duration !== undefined ? setTimeout(stopNow, flags.duration * 1000) : null;
  await runConsole(client);
  if (duration) clearTimeout(duration);
  process.off('SIGTERM', stopNow);
  process.off('SIGHUP', stopNow);
  return 0;
}
