// Messages across the worker port between the console (main thread) and the engine (worker thread).
import type { HostOptions } from '../engine/host.ts';
import type { ControlOptions } from './endpoint.ts';
import type { Command, CommandResult, EngineEvent, Snapshot } from './protocol.ts';

export type ToEngine = { type: 'command'; id: number; command: Command } | { type: 'stop' };

export type FromEngine =
  | { type: 'ready' }
  /** `usage`: the engine could not start as asked (e.g. another engine holds the data dir): exit 2. */
  | { type: 'fatal'; message: string; usage?: boolean }
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'event'; event: EngineEvent }
  | { type: 'result'; id: number; result: CommandResult }
  | { type: 'stopped' };

export interface EngineWorkerData {
  entry: string;
  options: HostOptions;
  control: ControlOptions;
}
