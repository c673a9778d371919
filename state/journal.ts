// The append-only journal: one NDJSON line per fill, funding payment, order and state change, hash-chained.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const GENESIS = '0'.repeat(64);

export type JournalRecord = Record<string, unknown>;

export interface JournalLine {
  /** 1-based line number in the file. */
  line: number;
  text: string;
  record: JournalRecord & { seq: number; prev: string; type?: string };
}

export function hashLine(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class JournalError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }
}

/** Read and verify a journal: every line parses, seq runs 1,2,3… and each prev is the hash of the line before. */
export function readJournal(file: string): JournalLine[] {
  if (!existsSync(file)) return [];
  const content = readFileSync(file, 'utf8');
  const texts = content.split('\n');
  if (texts[texts.length - 1] === '') texts.pop();
  else if (texts.length > 0)
    throw new JournalError(file, texts.length, 'last line is torn (no newline): the process died mid-write');
  const out: JournalLine[] = [];
  let prev = GENESIS;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    let record: JournalLine['record'];
    try {
      record = JSON.parse(text);
    } catch {
      throw new JournalError(file, i + 1, 'not valid JSON');
    }
    if (record.seq !== i + 1)
      throw new JournalError(file, i + 1, `seq ${String(record.seq)} where ${i + 1} was expected`);
    if (record.prev !== prev)
      throw new JournalError(
        file,
        i + 1,
        'prev does not match the hash of the line before (edited or missing line)',
      );
    prev = hashLine(text);
    out.push({ line: i + 1, text, record });
  }
  return out;
}

export interface JournalOptions {
  /** fsync after every append (durable fills) or leave it to the OS. */
  fsync: 'every' | 'none';
}

export class Journal {
  private fd: number;
  private seq: number;
  private prev: string;

  constructor(
    readonly file: string,
    private readonly options: JournalOptions = { fsync: 'none' },
  ) {
    mkdirSync(dirname(file), { recursive: true });
    const existing = readJournal(file);
    const last = existing[existing.length - 1];
    this.seq = last ? last.record.seq : 0;
    this.prev = last ? hashLine(last.text) : GENESIS;
    this.fd = openSync(file, 'a');
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Append one record; returns its seq. `seq` comes first and `prev` last, as PRODUCT.md shows. */
  append(record: JournalRecord): number {
    const seq = this.seq + 1;
    const text = JSON.stringify({ seq, ...record, prev: this.prev });
    writeSync(this.fd, text + '\n');
    if (this.options.fsync === 'every') fsyncSync(this.fd);
    this.seq = seq;
    this.prev = hashLine(text);
    return seq;
  }

  flush(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}
