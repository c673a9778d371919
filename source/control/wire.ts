// The control protocol on the wire, the same over the unix socket and the websocket: one JSON object per line.
import { z } from 'zod';
import type { Command, CommandResult, EngineEvent, Snapshot } from './protocol.ts';

/** What a client sends: a command to answer, or a wish to receive snapshots and events. */
export type ClientMessage = { id: number; command: Command } | { subscribe: boolean };

/** What the engine sends back: an answer by id, a snapshot, an event, or why a message was refused. */
export type ServerMessage =
  | { id: number; result: CommandResult }
  | { snapshot: Snapshot }
  | { event: EngineEvent }
  | { id?: number; error: string };

const strategyName = z.string().min(1).max(200);

const commandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pause'), strategy: strategyName }).strict(),
  z.object({ type: z.literal('resume'), strategy: strategyName }).strict(),
  z.object({ type: z.literal('promote'), strategy: strategyName, confirm: z.string().optional() }).strict(),
  z.object({ type: z.literal('demote'), strategy: strategyName }).strict(),
  z.object({ type: z.literal('kill') }).strict(),
  z.object({ type: z.literal('rearm') }).strict(),
  z.object({ type: z.literal('reduce'), strategy: strategyName.optional() }).strict(),
  z.object({ type: z.literal('acceptVenueState') }).strict(),
  z.object({ type: z.literal('status') }).strict(),
  z.object({ type: z.literal('quit') }).strict(),
]);

const clientSchema = z.union([
  z.object({ id: z.number().int(), command: commandSchema }).strict(),
  z.object({ subscribe: z.boolean() }).strict(),
]);

/** A client's line, checked: a bad one becomes the reason to send back, never an exception. */
export function readClientMessage(line: string): { message: ClientMessage } | { id?: number; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { error: 'not JSON: send one JSON object per line' };
  }
  const parsed = clientSchema.safeParse(raw);
  if (parsed.success) return { message: parsed.data };
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? (raw as { id: unknown }).id : undefined;
  const expected =
    'expected {"id":N,"command":{"type":"status|kill|rearm|reduce|acceptVenueState|pause|resume|promote|demote|quit",…}} or {"subscribe":true}';
  return { ...(Number.isInteger(id) ? { id: id as number } : {}), error: expected };
}

/** The engine's line, as a client reads it; null when it is not one of ours. */
export function readServerMessage(line: string): ServerMessage | null {
  try {
    const m = JSON.parse(line) as unknown;
    return typeof m === 'object' && m !== null ? (m as ServerMessage) : null;
  } catch {
    return null;
  }
}

export function encode(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message) + '\n';
}

/** Lines longer than this are refused: a client cannot make the engine buffer without bound. */
export const MAX_LINE_BYTES = 64 * 1024;

/** Splits a byte stream into lines; a line past MAX_LINE_BYTES is reported as too long and dropped. */
export class LineSplitter {
  private buffer = '';
  private overflowing = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onTooLong: () => void,
  ) {}

  push(chunk: string): void {
    let text = this.buffer + chunk;
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      const line = text.slice(0, newline);
      text = text.slice(newline + 1);
      if (this.overflowing) this.overflowing = false;
      else if (line.length > MAX_LINE_BYTES) this.onTooLong();
      else if (line.trim() !== '') this.onLine(line);
      newline = text.indexOf('\n');
    }
    if (text.length > MAX_LINE_BYTES) {
      if (!this.overflowing) this.onTooLong();
      this.overflowing = true;
      text = '';
    }
    this.buffer = text;
  }
}
