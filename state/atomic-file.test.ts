import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceFileAtomically, tempFileFor } from './atomic-file.ts';
import { StateStore } from './store.ts';

describe('replaceFileAtomically', () => {
  it('a crash between the write and the rename leaves the old file whole', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'td-atomic-')), 'state.json');
    writeFileSync(file, '{"old":true}\n');
    expect(() =>
      replaceFileAtomically(file, '{"new":true}\n', () => {
        throw new Error('killed');
      }),
    ).toThrow('killed');
    expect(readFileSync(file, 'utf8')).toBe('{"old":true}\n');
    // The new version was fully written beside it, never over it.
    expect(readFileSync(tempFileFor(file), 'utf8')).toBe('{"new":true}\n');
    replaceFileAtomically(file, '{"new":true}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"new":true}\n');
    expect(existsSync(tempFileFor(file))).toBe(false);
  });

  it('is how the state store writes: its temp file is gone after an update', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'td-atomic-')), 'state.json');
    const store = await StateStore.open(file);
    await store.update((s) => void (s.kill.halted = true));
    expect(JSON.parse(readFileSync(file, 'utf8')).kill.halted).toBe(true);
    expect(existsSync(tempFileFor(file))).toBe(false);
  });
});
