import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { anchoredFrames } from './frame-stream.ts';

class Terminal extends EventEmitter {
  columns = 80;
  rows = 24;
  isTTY = true;
  written: string[] = [];
  write(chunk: string): boolean {
    this.written.push(chunk);
    return true;
  }
}

describe('anchoredFrames', () => {
  it('drops the line feed or next-line move that ends a frame, nothing else', () => {
    const terminal = new Terminal();
    const stream = anchoredFrames(terminal as unknown as NodeJS.WriteStream);
    stream.write('header\nrow\n');
    stream.write('\u001B[22A\u001B[E\u001B[E');
    stream.write('\u001B[?25l');
    stream.write('a\nb');
    expect(terminal.written).toEqual(['header\nrow', '\u001B[22A\u001B[E', '\u001B[?25l', 'a\nb']);
  });

  it('is the terminal in every other respect', () => {
    const terminal = new Terminal();
    const stream = anchoredFrames(terminal as unknown as NodeJS.WriteStream);
    expect(stream.columns).toBe(80);
    expect(stream.isTTY).toBe(true);
    let resized = 0;
    stream.on('resize', () => (resized += 1));
    terminal.rows = 30;
    terminal.emit('resize');
    expect(resized).toBe(1);
    expect(stream.rows).toBe(30);
  });
});
