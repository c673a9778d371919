// tradedesk attach [URL]: the full console on an engine running elsewhere; quitting detaches, the engine runs on.
import { controlSocketPath } from '../control/endpoint.ts';
import { RemoteEngineClient } from '../control/socket-client.ts';
import { UsageError, type ControlCommandOptions } from './main.ts';

export async function runAttachCommand(
  url: string | undefined,
  { dataDir, flags }: ControlCommandOptions,
): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY)
    throw new UsageError('attach needs a terminal; use tradedesk ctl status for a line');
  let client: RemoteEngineClient;
  if (url === undefined) {
    client = await RemoteEngineClient.connectSocket(
      controlSocketPath(dataDir, flags.live ? 'live' : 'paper'),
      dataDir,
    );
  } else {
    if (!/^wss?:\/\/[^/]+/.test(url))
      throw new UsageError(`attach expects a URL like ws://127.0.0.1:7070, got "${url}"`);
    const token = flags.token ?? process.env.TRADEDESK_TOKEN;
    if (!token)
      throw new UsageError(
        `attach ${url} needs the engine's token: TRADEDESK_TOKEN or --token (the engine's data dir holds it in control.token)`,
      );
    client = await RemoteEngineClient.connectWebSocket(url, token);
  }
  // Ink renders only a final frame when it thinks it runs in CI; on a real terminal it must be live.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  const { runConsole } = await import('../ui/run-console.tsx');
  // A hang-up (SSH gone) or a TERM detaches; the engine keeps trading.
  const detachNow = () => void client.close().finally(() => process.exit(0));
  process.once('SIGTERM', detachNow);
  process.once('SIGHUP', detachNow);
  await runConsole(client);
  process.off('SIGTERM', detachNow);
  process.off('SIGHUP', detachNow);
  return 0;
}
