// Messages across the worker port between the console (main thread) and the engine (worker thread).
import type { HostOptions } from '../engine/host.ts';
import type { ControlOptions } from './endpoint.ts';
import type { Command, CommandResult, EngineEvent, Snapshot } from './protocol.ts';

export type ToEngine = { type: 'command'; id: number; command: Command } | { type: 'stop' };

export type FromEngine =
  | { type: 'ready' }
  /** `usage`: the engine could not start as asked (e.g. another engine holds the data dir): exit 2. */
  | { type: 'fatal'; message: string; usage?: boolean }
  | SnapshotMessage
  | { type: 'event'; event: EngineEvent }
  | { type: 'result'; id: number; result: CommandResult }
  | { type: 'stopped' };

export interface EngineWorkerData {
  entry: string;
  options: HostOptions;
  control: ControlOptions;
}

/**
 * A snapshot crosses the port as JSON text. Structured-cloning the object (hundreds of small strings and
 * objects) cost ~70 µs of the engine's thread per snapshot; JSON.stringify costs ~25 µs and a flat string crosses
 * for ~1 µs. The console's thread, which has time to spare between frames, parses it.
 */
export interface SnapshotMessage {
  type: 'snapshot';
  json: string;
}

export function snapshotMessage(snapshot: Snapshot): SnapshotMessage {
  return { type: 'snapshot', json: JSON.stringify(snapshot) };
}

export function snapshotOf(message: SnapshotMessage): Snapshot {
  return JSON.parse(message.json) as Snapshot;
}
