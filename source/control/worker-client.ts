// The console's handle on an engine running in a worker thread.
import { Worker } from 'node:worker_threads';
import type { HostOptions } from '../engine/host.ts';
import type { EngineClient } from './client.ts';
import type { Command, CommandResult, EngineEvent, Snapshot } from './protocol.ts';
import type { EngineWorkerData, FromEngine, ToEngine } from './worker-messages.ts';

export class WorkerEngineClient implements EngineClient {
  private readonly worker: Worker;
  private readonly snapshots = new Set<(s: Snapshot) => void>();
  private readonly events = new Set<(e: EngineEvent) => void>();
  private readonly waiting = new Map<number, (r: CommandResult) => void>();
  private nextId = 0;
  private closed: Promise<void> | null = null;
  private stoppedResolve: (() => void) | null = null;
  readonly ready: Promise<void>;

  constructor(options: HostOptions) {
    // Bundled (npm start) the worker sits beside the bundle; from sources (tests, tsx) it needs the TS loader.
    const fromSources = import.meta.url.endsWith('.ts');
    const data: EngineWorkerData = { entry: new URL('./engine-worker.ts', import.meta.url).href, options };
    this.worker = fromSources
      ? new Worker(new URL('./worker-boot.js', import.meta.url), { workerData: data })
      : new Worker(new URL('./engine-worker.mjs', import.meta.url), { workerData: data });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (m: FromEngine) => {
        switch (m.type) {
          case 'ready':
            return resolve();
          case 'fatal':
            return reject(new Error(m.message));
          case 'snapshot':
            for (const l of this.snapshots) l(m.snapshot);
            return;
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
    });
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
      this.post({ type: 'stop' });
    }).then(() => this.worker.terminate().then(() => undefined));
    return this.closed;
  }
}
