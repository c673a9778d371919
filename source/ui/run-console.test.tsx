import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { snapshotFixture } from './fixtures.ts';
import { runConsole } from './run-console.tsx';
import { FakeEngineClient, stripAnsi, tick } from './testing.ts';

class FakeTerminal extends EventEmitter {
  columns = 80;
  rows = 24;
  output = '';
  write = (chunk: string): boolean => {
    this.output += chunk;
    return true;
  };
}

class FakeKeyboard extends EventEmitter {
  isTTY = true;
  private pending: string | null = null;
  write(data: string): void {
    this.pending = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = (): string | null => {
    const data = this.pending;
    this.pending = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

function start(client = new FakeEngineClient()) {
  const stdout = new FakeTerminal();
  const stdin = new FakeKeyboard();
  const done = runConsole(client, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
  });
  return { client, stdout, stdin, done };
}

describe('runConsole', () => {
  it('runs full screen on the alternate screen, follows snapshots and resizes, and quits after y', async () => {
    const { client, stdout, stdin, done } = start();
    let finished = false;
    void done.then(() => (finished = true));
    await tick();
    expect(stdout.output.startsWith('\u001B[?1049h')).toBe(true);
    expect(client.subscribers).toBe(1);

    client.push(snapshotFixture());
    await tick(100);
    stdout.columns = 120;
    stdout.emit('resize');
    await tick();

    stdin.write('q');
    await tick();
    expect(finished).toBe(false);
    expect(client.closed).toBe(0);
    stdin.write('y');
    await done;

    expect(client.closed).toBe(1);
    expect(client.subscribers).toBe(0);
    expect(stdout.output.endsWith('\u001B[?1049l')).toBe(true);
    const screen = stripAnsi(stdout.output);
    expect(screen).toContain('arb-btc');
    // Only a 120-column layout has room for the idle-reason column.
    expect(screen).toContain('why idle');
  });

  it('keeps running when the quit question is answered n', async () => {
    const { client, stdin, done } = start();
    let finished = false;
    void done.then(() => (finished = true));
    await tick();
    stdin.write('q');
    await tick();
    stdin.write('n');
    await tick(50);
    expect(finished).toBe(false);
    expect(client.closed).toBe(0);

    stdin.write('\u0003');
    await tick();
    stdin.write('y');
    await done;
    expect(client.closed).toBe(1);
  });

  it('stays on screen and says so when the engine fails to stop', async () => {
    class StuckEngine extends FakeEngineClient {
      failures = 1;
      override async close(): Promise<void> {
        if (this.failures-- > 0) throw new Error('venue did not confirm cancels');
        await super.close();
      }
    }
    const { client, stdout, stdin, done } = start(new StuckEngine());
    let finished = false;
    void done.then(() => (finished = true));
    await tick();
    stdin.write('q');
    await tick();
    stdin.write('y');
    await tick(100);
    expect(finished).toBe(false);
    expect(client.subscribers).toBe(1);

    stdin.write('q');
    await tick();
    stdin.write('y');
    await done;
    expect(client.closed).toBe(1);
    // The footer kept the failure; a CI terminal only gets the last frame, so it is read at the end.
    expect(stripAnsi(stdout.output)).toContain('quit failed: venue did not confirm cancels');
  });
});
