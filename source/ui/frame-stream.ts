// Keeps Ink 6.8's incremental frames where they belong on a full-screen console.
//
// For a frame one row shorter than the terminal, Ink ends each frame with a newline, yet its incremental
// renderer moves up one row too few before the next frame, so every frame lands one row lower than the
// last and the screen scrolls. Dropping the newline (or next-line move) that ends each write leaves the
// cursor on the frame's last row, where that renderer expects it. The frame sits at the top of the
// alternate screen, so a renderer that moved up one row too many would be clamped at row 0 by the terminal.
const NEXT_LINE = '\u001B[E';

export function anchoredFrames(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    let text = chunk;
    if (typeof text === 'string') {
      if (text.endsWith('\n')) text = text.slice(0, -1);
      else if (text.endsWith(NEXT_LINE)) text = text.slice(0, -NEXT_LINE.length);
    }
    return (stdout.write as (...args: unknown[]) => boolean)(text, ...rest);
  };
  return new Proxy(stdout, {
    get(target, property) {
      if (property === 'write') return write;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
