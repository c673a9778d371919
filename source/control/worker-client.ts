// The console's handle on an engine running in a worker thread.
import { Worker } from 'node:worker_threads';
import type { HostOptions } from '../engine/host.ts';
import type { EngineClient } from './client.ts';
import { ControlError } from './endpoint.ts';
import type { Command, CommandResult, EngineEvent, Snapshot } from './protocol.ts';
import type { ControlOptions } from './endpoint.ts';
import { snapshotDecoder, type EngineWorkerData, type FromEngine, type ToEngine } from './worker-messages.ts';

export class WorkerEngineClient implements EngineClient {
  private readonly worker: Worker;
  private readonly snapshots = new Set<(s: Snapshot) => void>();
  private readonly decode = snapshotDecoder();
  private readonly events = new Set<(e: EngineEvent) => void>();
  private readonly waiting = new Map<number, (r: CommandResult) => void>();
  private nextId = 0;
  private closed: Promise<void> | null = null;
  private stoppedResolve: (() => void) | null = null;
  /** A worker that failed to start exits by itself; closing it must not wait for an answer. */
  private exited = false;
  readonly ready: Promise<void>;

  constructor(options: HostOptions, control: ControlOptions) {
    // Bundled (npm start) the worker sits beside the bundle; from sources (tests, tsx) it needs the TS loader.
    const fromSources = import.meta.url.endsWith('.ts');
    const data: EngineWorkerData = {
      entry: new URL('./engine-worker.ts', import.meta.url).href,
      options,
      control,
    };
    this.worker = fromSources
      ? new Worker(new URL('./worker-boot.js', import.meta.url), { workerData: data })
      : new Worker(new URL('./engine-worker.mjs', import.meta.url), { workerData: data });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (m: FromEngine) => {
        switch (m.type) {
          case 'ready':
            return resolve();
          case 'fatal':
            return reject(m.usage ? new ControlError(m.message) : new Error(m.message));
          case 'snapshot': {
            const snapshot = this.decode(m);
            for (const l of this.snapshots) l(snapshot);
            return;
          }
          case 'event':
            for (const l of this.events) l(m.event);
            return;
          case 'result':
            this.waiting.get(m.id)?.(m.result);
            this.waiting.delete(m.id);
            return;
          case 'stopped':
            this.stoppedResolve?.();
            return;
        }
      });
      this.worker.on('error', reject);
      this.worker.on('exit', () => {
        this.exited = true;
        this.stoppedResolve?.();
      });
    });
    // The console awaits `ready` only after Ink has loaded: a failure meanwhile must not count as unhandled.
    this.ready.catch(() => undefined);
  }

  onSnapshot(listener: (s: Snapshot) => void): () => void {
    this.snapshots.add(listener);
    return () => this.snapshots.delete(listener);
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.events.add(listener);
    return () => this.events.delete(listener);
  }

  send(command: Command): Promise<CommandResult> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.post({ type: 'command', id, command });
    });
  }

  private post(m: ToEngine): void {
    this.worker.postMessage(m);
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.stoppedResolve = resolve;
      if (this.exited) resolve();
      else this.post({ type: 'stop' });
    }).then(() => this.worker.terminate().then(() => undefined));
    return this.closed;
  }
}
