// The control plane with real sockets in a temp dir and a real engine host on the simulated market.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
  chmodSync,
  mkdirSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { simProfile } from '../engine/config.ts';
import { EngineHost } from '../engine/host.ts';
import { until } from '../../test/wait.ts';
import { ControlError, controlOptions, parseListenAddress } from './endpoint.ts';
import type { EngineEvent, Snapshot } from './protocol.ts';
import { NoEngineError, RemoteEngineClient } from './socket-client.ts';
import { ControlServer } from './socket-server.ts';

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'td-ctl-'));
}

/** A claimed control plane serving a running engine host on the simulated market. */
async function engine(dataDir = temp(), listen?: string, token?: string) {
  const options = controlOptions(dataDir, 'paper', listen, token);
  const server = await ControlServer.claim(options);
  const host = await EngineHost.create({ profile: simProfile(), dataDir, mode: 'paper', liveAllowed: false });
  server.serve(host);
  host.start();
  cleanup.push(async () => {
    await server.close();
    await host.stop();
  });
  return { dataDir, server, host, socketPath: options.socketPath };
}

async function client(socketPath: string, dataDir: string): Promise<RemoteEngineClient> {
  const c = await RemoteEngineClient.connectSocket(socketPath, dataDir);
  cleanup.push(() => c.close());
  return c;
}

/** Raw NDJSON over the socket, as any script could speak it. */
function rawLines(socketPath: string) {
  const socket = connect(socketPath);
  socket.setEncoding('utf8');
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const p of parts) lines.push(JSON.parse(p) as Record<string, unknown>);
  });
  cleanup.push(() => socket.destroy());
  return { socket, lines, write: (text: string) => socket.write(text) };
}

describe('control socket', () => {
  it('answers commands: status carries the ctl status shape, kill halts with no open orders', async () => {
    const { socketPath, dataDir } = await engine();
    const c = await client(socketPath, dataDir);
    const before = await c.send({ type: 'status' });
    expect(before.ok).toBe(true);
    expect(before.status).toMatchObject({ state: 'ACTIVE', mode: 'paper' });
    expect(Object.keys(before.status!).sort()).toEqual([
      'mode',
      'openOrders',
      'state',
      'strategies',
      'venues',
    ]);
    expect(before.status!.strategies.map((s) => s.name)).toEqual(['arb-btc', 'arb-eth', 'arb-sol']);
    expect(Object.keys(before.status!.strategies[0]).sort()).toEqual(['mode', 'name', 'netPnl', 'state']);

    const killed = await c.send({ type: 'kill' });
    expect(killed).toMatchObject({ ok: true, message: expect.stringMatching(/^HALTED/) });
    const after = await c.send({ type: 'status' });
    expect(after.status!.state).toBe('HALTED');
    expect(after.status!.strategies.every((s) => s.state === 'HALTED')).toBe(true);
    // A command answered without a status payload stays as the engine gave it.
    expect(await c.send({ type: 'pause', strategy: 'nope' })).toEqual({
      ok: false,
      message: 'no strategy named nope',
    });
  });

  it('streams snapshots and events to a subscriber', async () => {
    const { socketPath, dataDir } = await engine();
    const c = await client(socketPath, dataDir);
    const snapshots: Snapshot[] = [];
    const events: EngineEvent[] = [];
    c.onSnapshot((s) => snapshots.push(s));
    c.onEvent((e) => events.push(e));
    // The first arrives at once, the next ones at the host's rate.
    await until('three snapshots', () => snapshots.length >= 3, 5_000);
    expect(snapshots[2].seq).toBeGreaterThan(snapshots[0].seq);
    expect(snapshots[0].strategies.map((s) => s.name)).toContain('arb-btc');
    await c.send({ type: 'kill' });
    const halted = await until('the engine HALTED event', () =>
      events.find((e) => e.type === 'state' && e.scope === 'engine' && e.to === 'HALTED'),
    );
    expect(halted).toMatchObject({ from: 'ACTIVE', reason: 'kill switch' });
    await until('a HALTED snapshot', () => snapshots.at(-1)?.state === 'HALTED', 5_000);
  });

  it('answers bad messages with an error and keeps serving', async () => {
    const { socketPath, dataDir } = await engine();
    const raw = rawLines(socketPath);
    raw.write('this is not json\n');
    raw.write('{"id":7,"command":{"type":"launch-missiles"}}\n');
    raw.write('{"id":8,"command":{"type":"kill"},"extra":1}\n');
    raw.write('x'.repeat(70_000) + '\n');
    raw.write('{"id":9,"command":{"type":"status"}}\n');
    await until('five answers', () => raw.lines.length >= 5, 5_000);
    expect(raw.lines[0]).toEqual({ error: expect.stringMatching(/not JSON/) });
    expect(raw.lines[1]).toEqual({ id: 7, error: expect.stringMatching(/expected/) });
    expect(raw.lines[2]).toEqual({ id: 8, error: expect.stringMatching(/expected/) });
    expect(raw.lines[3]).toEqual({ error: expect.stringMatching(/line longer than/) });
    expect(raw.lines[4]).toMatchObject({ id: 9, result: { ok: true, status: { state: 'ACTIVE' } } });
    // The kill with an extra key was refused, not executed; another client is served as well.
    const c = await client(socketPath, dataDir);
    expect((await c.send({ type: 'status' })).status!.state).toBe('ACTIVE');
  });

  it('is private (0600), replaces a dead engine socket, refuses a live one or a file, and leaves no socket behind', async () => {
    const dataDir = temp();
    const socketPath = join(dataDir, 'paper', 'control.sock');
    mkdirSync(join(dataDir, 'paper'));
    // A dead engine's socket: a process that listened there and was killed without cleaning up.
    const dead = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => console.log('up'))`,
    ]);
    await new Promise((r) => dead.stdout.once('data', r));
    dead.kill('SIGKILL');
    await new Promise((r) => dead.once('exit', r));
    expect(statSync(socketPath).isSocket()).toBe(true);

    const first = await engine(dataDir);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    const c = await client(socketPath, dataDir);
    expect((await c.send({ type: 'status' })).ok).toBe(true);

    // A second engine on the same data dir is refused before it opens anything.
    const second = ControlServer.claim(controlOptions(dataDir, 'paper'));
    await expect(second).rejects.toThrow(ControlError);
    await expect(second).rejects.toThrow(/another engine is running on this data dir/);
    expect((await c.send({ type: 'status' })).ok).toBe(true);

    await first.server.close();
    expect(existsSync(socketPath)).toBe(false);
    await expect(RemoteEngineClient.connectSocket(socketPath, dataDir)).rejects.toThrow(
      `no engine is running in ${dataDir} (no control socket at ${socketPath})`,
    );

    writeFileSync(socketPath, 'my notes');
    await expect(ControlServer.claim(controlOptions(dataDir, 'paper'))).rejects.toThrow(/is not a socket/);
    expect(readFileSync(socketPath, 'utf8')).toBe('my notes');
  });

  it('tells an attached client when the engine goes away, and rejects what is still waiting', async () => {
    const { socketPath, dataDir, server } = await engine();
    const c = await client(socketPath, dataDir);
    const reasons: string[] = [];
    c.onDisconnect((r) => reasons.push(r));
    await c.send({ type: 'status' });
    await server.close();
    await until('the disconnect', () => reasons.length > 0, 5_000);
    expect(reasons).toEqual(['the engine closed the connection']);
    await expect(c.send({ type: 'status' })).rejects.toThrow(/not connected/);
  });

  it('says no engine runs where the socket file is stale', async () => {
    const dataDir = temp();
    const socketPath = join(dataDir, 'control.sock');
    const dead = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => console.log('up'))`,
    ]);
    await new Promise((r) => dead.stdout.once('data', r));
    dead.kill('SIGKILL');
    await new Promise((r) => dead.once('exit', r));
    const refused = RemoteEngineClient.connectSocket(socketPath, dataDir);
    await expect(refused).rejects.toThrow(NoEngineError);
    await expect(refused).rejects.toThrow(
      `no engine is running in ${dataDir} (nothing answers on ${socketPath})`,
    );
  });
});

describe('control websocket', () => {
  /** Open a websocket with these headers; resolves with the HTTP status of a refusal, or 101 when it opened. */
  function handshake(url: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('error', reject);
    });
  }

  it('needs the token: none or a wrong one gets 401, the right one works; a generated token stays in a 0600 file', async () => {
    const { server, host, dataDir } = await engine(temp(), '127.0.0.1:0');
    const url = server.websocketUrl!;
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const tokenFile = join(dataDir, 'paper', 'control.token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(token).toMatch(/^[0-9a-f]{64}$/);

    expect(await handshake(url, {})).toBe(401);
    expect(await handshake(url, { Authorization: `Bearer ${'0'.repeat(64)}` })).toBe(401);
    expect(await handshake(url, { Authorization: `Basic ${token}` })).toBe(401);
    await expect(RemoteEngineClient.connectWebSocket(url, 'wrong-token-wrong-token')).rejects.toThrow(
      /refused the token \(401\)/,
    );

    const c = await RemoteEngineClient.connectWebSocket(url, token);
    cleanup.push(() => c.close());
    const snapshots: Snapshot[] = [];
    c.onSnapshot((s) => snapshots.push(s));
    expect((await c.send({ type: 'kill' })).ok).toBe(true);
    expect((await c.send({ type: 'status' })).status!.state).toBe('HALTED');
    await until('a snapshot over the websocket', () => snapshots.length > 0, 5_000);

    // The engine's alert says where the token is, never the token itself.
    const alert = host.snapshot().alerts.find((a) => a.source === 'control');
    expect(alert?.message).toContain(tokenFile);
    expect(alert?.message).toContain(url);
    expect(JSON.stringify(host.snapshot())).not.toContain(token);
  });

  it('takes TRADEDESK_TOKEN, reuses a kept token file, and refuses one others can read', async () => {
    const envToken = 'a-token-from-the-environment';
    const { server } = await engine(temp(), '127.0.0.1:0', envToken);
    const c = await RemoteEngineClient.connectWebSocket(server.websocketUrl!, envToken);
    cleanup.push(() => c.close());
    expect((await c.send({ type: 'status' })).ok).toBe(true);

    const dataDir = temp();
    mkdirSync(join(dataDir, 'paper'));
    const tokenFile = join(dataDir, 'paper', 'control.token');
    writeFileSync(tokenFile, 'kept-token-kept-token\n', { mode: 0o600 });
    const kept = await engine(dataDir, '127.0.0.1:0');
    const k = await RemoteEngineClient.connectWebSocket(kept.server.websocketUrl!, 'kept-token-kept-token');
    cleanup.push(() => k.close());
    expect((await k.send({ type: 'status' })).ok).toBe(true);
    await kept.server.close();

    chmodSync(tokenFile, 0o644);
    await expect(ControlServer.claim(controlOptions(dataDir, 'paper', '127.0.0.1:0'))).rejects.toThrow(
      `control token ${tokenFile} is readable by others (mode 0644); chmod 600 it`,
    );
    // Refusing released the unix socket it had claimed.
    expect(existsSync(join(dataDir, 'paper', 'control.sock'))).toBe(false);
  });

  it('warns that a non-loopback listener is reachable from the network', async () => {
    const { host } = await engine(temp(), '0.0.0.0:0', 'a-token-from-the-environment');
    const alert = host.snapshot().alerts.find((a) => a.source === 'control');
    expect(alert).toMatchObject({
      severity: 'warning',
      message: expect.stringMatching(/reachable from the network/),
    });
    expect(alert?.message).not.toContain('a-token-from-the-environment');
  });

  it('parses --listen addresses and refuses bad ones', () => {
    expect(parseListenAddress('127.0.0.1:7070')).toEqual({ host: '127.0.0.1', port: 7070 });
    expect(parseListenAddress('7070')).toEqual({ host: '127.0.0.1', port: 7070 });
    expect(parseListenAddress(':7070')).toEqual({ host: '127.0.0.1', port: 7070 });
    expect(parseListenAddress('[::1]:7070')).toEqual({ host: '::1', port: 7070 });
    expect(parseListenAddress('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 });
    for (const bad of ['', 'host', 'host:port', '1.2.3.4:70000', 'a b:1'])
      expect(() => parseListenAddress(bad)).toThrow(/--listen expects HOST:PORT/);
  });
});
