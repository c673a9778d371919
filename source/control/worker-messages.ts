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
 *
 * The equity curve (up to 240 samples, ~4 KB, ~40 µs to stringify) changes every few seconds while snapshots go
 * 12 a second: it is sent when it is a new array, and the receiving end keeps the last one it got.
 */
export interface SnapshotMessage {
  type: 'snapshot';
  json: string;
  /** The curve is the one in the previous message: it was left out of `json`. */
  sameCurve?: true;
}

/** Encodes the snapshots of one port, in order: each port needs its own (it remembers the curve it sent). */
export function snapshotEncoder(): (snapshot: Snapshot) => SnapshotMessage {
  let sent: Snapshot['pnl']['curve'] | null = null;
  return (snapshot) => {
    if (snapshot.pnl.curve === sent) {
      const { curve: _unchanged, ...pnl } = snapshot.pnl;
      return { type: 'snapshot', json: JSON.stringify({ ...snapshot, pnl }), sameCurve: true };
    }
    sent = snapshot.pnl.curve;
    return { type: 'snapshot', json: JSON.stringify(snapshot) };
  };
}

/** Decodes one port's snapshot messages, in the order they were sent. */
export function snapshotDecoder(): (message: SnapshotMessage) => Snapshot {
  let curve: Snapshot['pnl']['curve'] = [];
  return (message) => {
    const snapshot = JSON.parse(message.json) as Snapshot;
    if (message.sameCurve) snapshot.pnl.curve = curve;
    else curve = snapshot.pnl.curve;
    return snapshot;
  };
}
