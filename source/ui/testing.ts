// What the console tests share: an engine that records commands, and reading frames as the eye sees them.
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import type { EngineClient } from '../control/client.ts';
import type { Command, CommandResult, EngineEvent, Snapshot } from '../control/protocol.ts';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;:?]*[A-Za-z]`, 'g');

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** The frame's lines without colors. */
export function frameLines(frame: string | undefined): string[] {
  return stripAnsi(frame ?? '').split('\n');
}

export function widest(frame: string | undefined): number {
  return Math.max(...frameLines(frame).map((line) => Array.from(line).length));
}

/**
 * ink-testing-library's terminal is always 100 columns; Ink lays out at the terminal's width,
 * so the terminal is widened (or narrowed) to the size under test before the first real frame.
 */
export function renderAt(node: ReactElement, columns: number): ReturnType<typeof render> {
  const view = render(node);
  Object.defineProperty(view.stdout, 'columns', { get: () => columns });
  view.rerender(node);
  return view;
}

/** Ink reads input asynchronously: give it a moment between keys. */
export function tick(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class FakeEngineClient implements EngineClient {
  readonly sent: Command[] = [];
  closed = 0;
  private readonly listeners = new Set<(snapshot: Snapshot) => void>();

  constructor(
    private readonly answer: (command: Command) => CommandResult = () => ({ ok: true, message: 'done' }),
  ) {}

  onSnapshot(listener: (snapshot: Snapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onEvent(_listener: (event: EngineEvent) => void): () => void {
    return () => undefined;
  }

  async send(command: Command): Promise<CommandResult> {
    this.sent.push(command);
    return this.answer(command);
  }

  async close(): Promise<void> {
    this.closed += 1;
  }

  push(snapshot: Snapshot): void {
    for (const listener of this.listeners) listener(snapshot);
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}

/** Every line of the frame fits in `width` columns: nothing wraps. */
export function fitsWidth(frame: string | undefined, width: number): boolean {
  return frameLines(frame).every((line) => Array.from(line).length <= width);
}
