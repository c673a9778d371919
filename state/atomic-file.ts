// Atomic file replacement: a crash at any moment leaves either the old file or the new one, never half of each.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

/** Where the next version is written before it replaces `file`. */
export function tempFileFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.tmp`);
}

/** Write `content` to a temp file, fsync it, rename it over `file`, fsync the folder so the rename survives. */
export function replaceFileAtomically(
  file: string,
  content: string | Uint8Array,
  beforeRename?: () => void,
): void {
  const temp = tempFileFor(file);
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // A test hook: a throw here is a crash between the write and the rename.
  beforeRename?.();
  renameSync(temp, file);
  syncFolder(dirname(file));
}

function syncFolder(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse to fsync a directory; the rename itself is still atomic.
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** A lowdb adapter whose writes are atomic and durable (lowdb's own JSONFile renames without fsync). */
export class AtomicJsonFile<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    private readonly parse: (text: string) => T,
  ) {}

  async read(): Promise<T | null> {
    try {
      return this.parse(await readFile(this.file, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async write(data: T): Promise<void> {
    replaceFileAtomically(this.file, JSON.stringify(data, null, 2) + '\n');
  }
}
