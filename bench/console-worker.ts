// The real console (App through Ink, as runConsole drives it) on its own thread, painting into a counting terminal.
import { parentPort } from 'node:worker_threads';
import type { EngineClient } from '../source/control/client.ts';
import type { Command, CommandResult, EngineEvent, Snapshot } from '../source/control/protocol.ts';
import { snapshotDecoder, type SnapshotMessage } from '../source/control/worker-messages.ts';
import { CountingTerminal, IdleKeyboard } from './counting-terminal.ts';

/** Snapshots come as the engine's worker sends them to the console: as JSON text (see worker-messages.ts). */
export type ToConsole = SnapshotMessage | { type: 'start' } | { type: 'report' };
export type FromConsole = { type: 'ready' } | { type: 'report'; bytes: number; frames: number };

/** Snapshots from the bench's engine thread, as the worker transport delivers them to the real console. */
class RelayClient implements EngineClient {
  private readonly listeners = new Set<(s: Snapshot) => void>();
  onSnapshot(listener: (s: Snapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  onEvent(_listener: (e: EngineEvent) => void): () => void {
    return () => undefined;
  }
  async send(_command: Command): Promise<CommandResult> {
    return { ok: true, message: 'bench' };
  }
  async close(): Promise<void> {}
  push(snapshot: Snapshot): void {
    for (const l of this.listeners) l(snapshot);
  }
}

const port = parentPort!;
// Ink decides when it is imported whether it runs in CI (and then paints only a final frame): a terminal never does.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
const { runConsole } = await import('../source/ui/run-console.tsx');
const terminal = new CountingTerminal(160, 48);
const client = new RelayClient();
const decode = snapshotDecoder();
void runConsole(client, {
  stdout: terminal as unknown as NodeJS.WriteStream,
  stdin: new IdleKeyboard() as unknown as NodeJS.ReadStream,
});
port.on('message', (m: ToConsole) => {
  if (m.type === 'snapshot') client.push(decode(m));
  else if (m.type === 'start') terminal.reset();
  else
    port.postMessage({
      type: 'report',
      bytes: terminal.bytes,
      frames: terminal.frames,
    } satisfies FromConsole);
});
port.postMessage({ type: 'ready' } satisfies FromConsole);
