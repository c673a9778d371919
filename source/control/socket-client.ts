// An engine running elsewhere (headless in tmux, another console, another host), reached over its control
// socket or websocket. Closing it only disconnects: the engine keeps running.
import { connect } from 'node:net';
import WebSocket from 'ws';
import type { EngineClient } from './client.ts';
import { ControlError } from './endpoint.ts';
import type { Command, CommandResult, EngineEvent, Snapshot } from './protocol.ts';
import { encode, LineSplitter, readServerMessage, type ClientMessage, type ServerMessage } from './wire.ts';

/** Nothing is running where we looked: the caller says so and exits 2. */
export class NoEngineError extends ControlError {}

interface Link {
  write(message: ClientMessage): void;
  close(): void;
}

export class RemoteEngineClient implements EngineClient {
  readonly attached = true;
  private readonly snapshots = new Set<(s: Snapshot) => void>();
  private readonly events = new Set<(e: EngineEvent) => void>();
  private readonly lost = new Set<(reason: string) => void>();
  private readonly waiting = new Map<
    number,
    { resolve: (r: CommandResult) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  private subscribed = false;
  private link: Link | null = null;
  /** Why the connection is gone; null while it is up. */
  private gone: string | null = null;
  private closing = false;

  private constructor(readonly where: string) {}

  /** The engine of a data dir, through its unix socket. */
  static connectSocket(path: string, dataDir: string): Promise<RemoteEngineClient> {
    const client = new RemoteEngineClient(path);
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.setEncoding('utf8');
      const lines = new LineSplitter(
        (line) => client.receive(readServerMessage(line)),
        () => undefined,
      );
      socket.once('connect', () => {
        client.link = {
          write: (m) => void (socket.writable && socket.write(encode(m))),
          close: () => socket.end(),
        };
        resolve(client);
      });
      socket.on('data', (chunk: string) => lines.push(chunk));
      socket.on('error', (e: NodeJS.ErrnoException) => {
        if (client.link)
          return client.disconnected(`connection to the engine failed (${e.code ?? e.message})`);
        if (e.code === 'ENOENT')
          reject(new NoEngineError(`no engine is running in ${dataDir} (no control socket at ${path})`));
        else if (e.code === 'ECONNREFUSED')
          reject(new NoEngineError(`no engine is running in ${dataDir} (nothing answers on ${path})`));
        else if (e.code === 'EACCES')
          reject(
            new ControlError(`cannot open the control socket ${path}: it belongs to another user (0600)`),
          );
        else reject(new ControlError(`cannot reach the engine at ${path} (${e.code ?? e.message})`));
      });
      socket.on('close', () => client.disconnected('the engine closed the connection'));
    });
  }

  /** An engine's websocket (`--listen`), with its token. */
  static connectWebSocket(url: string, token: string): Promise<RemoteEngineClient> {
    const client = new RemoteEngineClient(url);
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        headers: { Authorization: `Bearer ${token}` },
        handshakeTimeout: 10_000,
      });
      const lines = new LineSplitter(
        (line) => client.receive(readServerMessage(line)),
        () => undefined,
      );
      ws.on('open', () => {
        client.link = {
          write: (m) => void (ws.readyState === ws.OPEN && ws.send(JSON.stringify(m))),
          close: () => ws.close(),
        };
        resolve(client);
      });
      ws.on('unexpected-response', (_req, res) => {
        reject(
          res.statusCode === 401
            ? new ControlError(
                `the engine at ${url} refused the token (401): check TRADEDESK_TOKEN or --token`,
              )
            : new ControlError(`${url} is not a tradedesk control websocket (HTTP ${res.statusCode})`),
        );
        ws.terminate();
      });
      ws.on('message', (data) => lines.push(data.toString() + '\n'));
      ws.on('error', (e: NodeJS.ErrnoException) => {
        if (client.link)
          return client.disconnected(`connection to the engine failed (${e.code ?? e.message})`);
        reject(new NoEngineError(`no engine answers at ${url} (${e.code ?? e.message})`));
      });
      ws.on('close', () => client.disconnected('the engine closed the connection'));
    });
  }

  onSnapshot(listener: (s: Snapshot) => void): () => void {
    this.snapshots.add(listener);
    this.subscribe();
    return () => this.snapshots.delete(listener);
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.events.add(listener);
    this.subscribe();
    return () => this.events.delete(listener);
  }

  /** Called once if the connection drops without close(). */
  onDisconnect(listener: (reason: string) => void): () => void {
    this.lost.add(listener);
    return () => this.lost.delete(listener);
  }

  send(command: Command): Promise<CommandResult> {
    if (this.gone !== null || !this.link) return Promise.reject(new Error(`not connected: ${this.gone}`));
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.link!.write({ id, command });
    });
  }

  /** Disconnect only; the engine keeps running. */
  async close(): Promise<void> {
    this.closing = true;
    this.link?.close();
    this.disconnected('closed');
  }

  private subscribe(): void {
    if (this.subscribed || !this.link) return;
    this.subscribed = true;
    this.link.write({ subscribe: true });
  }

  private receive(m: ServerMessage | null): void {
    if (m === null) return;
    if ('result' in m) {
      this.waiting.get(m.id)?.resolve(m.result);
      this.waiting.delete(m.id);
    } else if ('snapshot' in m) {
      for (const l of this.snapshots) l(m.snapshot);
    } else if ('event' in m) {
      for (const l of this.events) l(m.event);
    } else if ('error' in m && m.id !== undefined) {
      this.waiting.get(m.id)?.reject(new Error(m.error));
      this.waiting.delete(m.id);
    }
  }

  private disconnected(reason: string): void {
    if (this.gone !== null) return;
    this.gone = reason;
    for (const w of this.waiting.values()) w.reject(new Error(`not connected: ${reason}`));
    this.waiting.clear();
    if (this.closing) return;
    for (const l of this.lost) l(reason);
  }
}
