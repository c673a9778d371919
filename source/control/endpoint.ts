// Where a running engine is found: its unix socket in the data dir, its optional websocket, and that socket's token.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { Mode } from './protocol.ts';

/** A control plane that cannot start as asked: one message, exit 2, nothing on disk touched. */
export class ControlError extends Error {}

/** Linux's sun_path holds 108 bytes with the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

export function controlSocketPath(dataDir: string, mode: Mode): string {
  return join(dataDir, mode, 'control.sock');
}

export function controlTokenPath(dataDir: string, mode: Mode): string {
  return join(dataDir, mode, 'control.token');
}

export interface ControlOptions {
  socketPath: string;
  /** The optional websocket listener (`--listen`) and its token. */
  websocket?: { address: ListenAddress; tokenFile: string; token?: string };
}

/** The control plane of an engine on this data dir and mode; `listen` is the --listen flag. */
export function controlOptions(dataDir: string, mode: Mode, listen?: string, token?: string): ControlOptions {
  return {
    socketPath: controlSocketPath(dataDir, mode),
    websocket:
      listen === undefined
        ? undefined
        : { address: parseListenAddress(listen), tokenFile: controlTokenPath(dataDir, mode), token },
  };
}

export interface ListenAddress {
  host: string;
  port: number;
}

/** `--listen HOST:PORT`, `--listen PORT` or `--listen :PORT` (loopback), `[::1]:PORT` for IPv6. */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$|^(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3] ?? match?.[4]);
  if (!match || !Number.isInteger(port) || port > 65_535)
    throw new ControlError(`--listen expects HOST:PORT such as 127.0.0.1:7070, got "${text}"`);
  const host = match[1] ?? (match[2] || '127.0.0.1');
  if (host !== 'localhost' && isIP(host) === 0 && !/^[a-zA-Z0-9.-]+$/.test(host))
    throw new ControlError(`--listen expects HOST:PORT such as 127.0.0.1:7070, got "${text}"`);
  return { host, port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export interface ControlToken {
  token: string;
  /** The file it was read from or written to; undefined when it came from TRADEDESK_TOKEN. */
  file?: string;
}

/** The websocket's token: TRADEDESK_TOKEN, else the data dir's token file (0600), else a new one written there. */
export function resolveToken(file: string, fromEnv: string | undefined): ControlToken {
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 16)
      throw new ControlError('TRADEDESK_TOKEN is too short: use at least 16 characters');
    return { token: fromEnv };
  }
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0)
      throw new ControlError(
        `control token ${file} is readable by others (mode ${mode.toString(8).padStart(4, '0')}); chmod 600 it`,
      );
    const token = readFileSync(file, 'utf8').trim();
    if (token.length < 16) throw new ControlError(`control token ${file} holds no token of 16+ characters`);
    return { token, file };
  }
  const token = randomBytes(32).toString('hex');
  // Created 0600 and exclusively: never readable by others, never over someone else's file.
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, token + '\n');
  } finally {
    closeSync(fd);
  }
  return { token, file };
}
