// What a console (TUI, attach, ctl) holds of an engine: a stream of snapshots and a way to send commands.
import type { Command, CommandResult, EngineEvent, Snapshot } from './protocol.ts';

export interface EngineClient {
  /** Called with each coalesced snapshot (at most SNAPSHOTS_PER_SECOND, 12, a second). Returns an unsubscribe. */
  onSnapshot(listener: (snapshot: Snapshot) => void): () => void;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  send(command: Command): Promise<CommandResult>;
  /** Close the connection; for an embedded engine this also stops it cleanly, an attached one keeps running. */
  close(): Promise<void>;
  /** True when the engine runs in another process (attach): quitting only detaches. */
  readonly attached?: boolean;
  /** Called if the connection to the engine drops (not after close()). */
  onDisconnect?(listener: (reason: string) => void): () => void;
}
