// The control plane beside a running engine: a unix socket in its data dir (0600) and an optional websocket
// with a token, both speaking the NDJSON protocol of wire.ts, so ctl and attach reach the engine from anywhere.
import { timingSafeEqual } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { dirname } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineHost } from '../engine/host.ts';
import { deskStatus } from './desk-status.ts';
import {
  ControlError,
  isLoopback,
  MAX_SOCKET_PATH_BYTES,
  resolveToken,
  type ControlOptions,
  type ControlToken,
  type ListenAddress,
} from './endpoint.ts';
import type { Command, CommandResult, Severity } from './protocol.ts';
import { encode, LineSplitter, MAX_LINE_BYTES, readClientMessage, type ServerMessage } from './wire.ts';

/** The part of the engine host the control plane drives. */
type ControlledHost = Pick<EngineHost, 'command' | 'snapshot' | 'onSnapshot' | 'onEvent' | 'engine'>;

/** A peer that reads snapshots slower than they come skips some (the next one says it all); events it must get. */
const SKIP_SNAPSHOTS_ABOVE_BYTES = 1 << 20;
const DROP_PEER_ABOVE_BYTES = 16 << 20;

interface Peer {
  send(message: ServerMessage): void;
  /** Bytes written but not yet taken by the other side. */
  backlog(): number;
  close(): void;
}

export class ControlServer {
  private host: ControlledHost | null = null;
  private readonly subscribers = new Set<Peer>();
  private readonly connections = new Set<{ destroy(): void }>();
  private unhook: (() => void) | null = null;
  private closed = false;
  /** What the operator should know about how to reach this engine (alerts once it runs). */
  readonly notices: { severity: Severity; message: string }[] = [];

  private constructor(
    private readonly unix: Server,
    private readonly http: HttpServer | null,
    readonly socketPath: string,
    readonly websocketUrl: string | null,
  ) {}

  /** Take the data dir's control socket (and the websocket port) before the engine opens its journal. */
  static async claim(o: ControlOptions): Promise<ControlServer> {
    let server: ControlServer | null = null;
    // Connections before the socket is 0600 and the server is whole are dropped: nobody talks to it earlier.
    const unix = createServer((socket) => {
      if (server) server.acceptSocket(socket);
      else socket.destroy();
    });
    await listenUnix(unix, o.socketPath);
    let http: HttpServer | null = null;
    let url: string | null = null;
    let token: ControlToken | null = null;
    try {
      if (o.websocket) {
        token = resolveToken(o.websocket.tokenFile, o.websocket.token);
        http = createHttpServer((_req, res) => res.writeHead(426, { Connection: 'close' }).end());
        const address = await listenTcp(http, o.websocket.address);
        url = `ws://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
      }
    } catch (e) {
      await new Promise((r) => unix.close(r));
      throw e;
    }
    server = new ControlServer(unix, http, o.socketPath, url);
    if (http && token && o.websocket) {
      server.acceptWebSockets(http, token.token);
      const where = token.file ? `the token is in ${token.file}` : 'the token is TRADEDESK_TOKEN';
      const open = !isLoopback(o.websocket.address.host);
      server.notices.push({
        severity: open ? 'warning' : 'info',
        message: `control websocket on ${url}${open ? ', reachable from the network:' : ':'} token required (Authorization: Bearer); ${where}`,
      });
    }
    return server;
  }

  /** Answer commands and stream snapshots and events of this host; say how to reach it in its alerts. */
  serve(host: ControlledHost): void {
    this.host = host;
    this.hook();
    for (const n of this.notices) host.engine.alert(n.severity, 'control', n.message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unhook?.();
    this.unhook = null;
    for (const c of this.connections) c.destroy();
    // Closing a listening unix socket also removes its file.
    await new Promise((r) => this.unix.close(r));
    if (this.http) await new Promise((r) => this.http!.close(r));
  }

  private acceptSocket(socket: Socket): void {
    if (this.closed) return void socket.destroy();
    this.connections.add(socket);
    socket.setEncoding('utf8');
    const peer: Peer = {
      send: (m) => void (socket.writable && socket.write(encode(m))),
      backlog: () => socket.writableLength,
      close: () => socket.destroy(),
    };
    const lines = new LineSplitter(
      (line) => this.receive(peer, line),
      () => peer.send({ error: `line longer than ${MAX_LINE_BYTES} bytes` }),
    );
    socket.on('data', (chunk: string) => lines.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.connections.delete(socket);
      this.unsubscribe(peer);
    });
  }

  private acceptWebSockets(http: HttpServer, token: string): void {
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_LINE_BYTES });
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (this.closed || !bearerMatches(req.headers.authorization, token)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.acceptWebSocket(ws));
    });
  }

  private acceptWebSocket(ws: WebSocket): void {
    const connection = { destroy: () => ws.terminate() };
    this.connections.add(connection);
    const peer: Peer = {
      send: (m) => void (ws.readyState === ws.OPEN && ws.send(JSON.stringify(m))),
      backlog: () => ws.bufferedAmount,
      close: () => ws.terminate(),
    };
    const lines = new LineSplitter(
      (line) => this.receive(peer, line),
      () => peer.send({ error: `line longer than ${MAX_LINE_BYTES} bytes` }),
    );
    // One message may carry one line or several.
    ws.on('message', (data) => lines.push(data.toString() + '\n'));
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.connections.delete(connection);
      this.unsubscribe(peer);
    });
  }

  private receive(peer: Peer, line: string): void {
    const read = readClientMessage(line);
    if ('error' in read) return peer.send(read);
    const message = read.message;
    if ('subscribe' in message) {
      if (!message.subscribe) return this.unsubscribe(peer);
      this.subscribers.add(peer);
      this.hook();
      // The first picture at once, not at the next tick.
      if (this.host) peer.send({ snapshot: this.host.snapshot() });
      return;
    }
    if (!this.host) return peer.send({ id: message.id, error: 'the engine is still starting' });
    peer.send({ id: message.id, result: this.answer(this.host, message.command) });
  }

  private answer(host: ControlledHost, command: Command): CommandResult {
    try {
      const result = host.command(command);
      return command.type === 'status' ? { ...result, status: deskStatus(host.snapshot()) } : result;
    } catch (e) {
      return { ok: false, message: `${command.type} failed in the engine: ${(e as Error).message}` };
    }
  }

  private unsubscribe(peer: Peer): void {
    this.subscribers.delete(peer);
    if (this.subscribers.size === 0) {
      this.unhook?.();
      this.unhook = null;
    }
  }

  /** Snapshots are built only while someone watches. */
  private hook(): void {
    if (this.unhook || !this.host || this.subscribers.size === 0) return;
    const offSnapshot = this.host.onSnapshot((snapshot) => {
      for (const peer of this.subscribers)
        if (peer.backlog() < SKIP_SNAPSHOTS_ABOVE_BYTES) peer.send({ snapshot });
    });
    const offEvent = this.host.onEvent((event) => {
      for (const peer of this.subscribers) {
        if (peer.backlog() > DROP_PEER_ABOVE_BYTES) peer.close();
        else peer.send({ event });
      }
    });
    this.unhook = () => {
      offSnapshot();
      offEvent();
    };
  }
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Listen on the socket; a socket file left by a dead engine is replaced, a live engine's is not. */
async function listenUnix(server: Server, path: string): Promise<void> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES)
    throw new ControlError(
      `control socket ${path} is longer than a unix socket path may be (${MAX_SOCKET_PATH_BYTES} bytes): use a shorter --data-dir`,
    );
  mkdirSync(dirname(path), { recursive: true });
  try {
    await listen(server, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    if (!lstatSync(path).isSocket())
      throw new ControlError(
        `${path} exists and is not a socket: move it away so the engine can listen there`,
      );
    if (await answers(path))
      throw new ControlError(
        `another engine is running on this data dir (it answers on ${path}); stop it, or use another --data-dir`,
      );
    unlinkSync(path);
    await listen(server, path);
  }
  chmodSync(path, 0o600);
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function listenTcp(server: HttpServer, address: ListenAddress): Promise<ListenAddress> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new ControlError(
          `--listen ${address.host}:${address.port}: cannot listen there (${e.code ?? e.message})`,
        ),
      ),
    );
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address();
  return typeof bound === 'object' && bound ? { host: address.host, port: bound.port } : address;
}

/** Whether an engine answers on the socket (a dead one's file refuses connections). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
