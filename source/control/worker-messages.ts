// Messages across the worker port between the console (main thread) and the engine (worker thread).
import type { HostOptions } from '../engine/host.ts';
import type { Command, CommandResult, EngineEvent, Snapshot } from './protocol.ts';

export type ToEngine = { type: 'command'; id: number; command: Command } | { type: 'stop' };

export type FromEngine =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'event'; event: EngineEvent }
  | { type: 'result'; id: number; result: CommandResult }
  | { type: 'stopped' };

export interface EngineWorkerData {
  entry: string;
  options: HostOptions;
}
