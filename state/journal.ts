// The append-only journal: one NDJSON line per fill, funding payment, order and state change, hash-chained
// across size- and day-rotated segments (closed ones gzip-compressed); a torn tail is set aside, never merged.
import * as crypto from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  allSegments,
  closedSegments,
  finishInterruptedSeal,
  readSegmentText,
  sealActiveSegment,
  utcDay,
  type RotationOptions,
} from './segments.ts';
import { replaceFileAtomically } from './atomic-file.ts';

export const GENESIS = '0'.repeat(64);

/** Where a closed journal leaves its last seq and hash: the chain alone cannot show an edit of the last line. */
export function journalHeadFile(file: string): string {
  return file.replace(/\.ndjson$/, '') + '.head.json';
}

export interface JournalHead {
  seq: number;
  /** sha256 of the line with that seq. */
  hash: string;
}

/** The head a clean close wrote, or null (never closed cleanly, or unreadable: then it proves nothing). */
export function readJournalHead(file: string): JournalHead | null {
  try {
    const head = JSON.parse(readFileSync(journalHeadFile(file), 'utf8')) as JournalHead;
    return Number.isInteger(head.seq) && typeof head.hash === 'string' ? head : null;
  } catch {
    return null;
  }
}

export type JournalRecord = Record<string, unknown>;

export interface JournalLine {
  /** 1-based line number in its segment file. */
  line: number;
  /** The segment file the line is in (the active journal file or a closed .gz segment). */
  file: string;
  text: string;
  record: JournalRecord & { seq: number; prev: string; type?: string };
}

// One-shot hashing (Node 20.12+) makes no Hash object: a few µs less on an order's way out, where it is cold.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function hashLine(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
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

/** Every line of every segment, in order, as text; for readers that verify the chain themselves. */
export function readJournalText(file: string): string {
  return allSegments(file)
    .map((f) => readSegmentText(f))
    .join('');
}

/** Read and verify a journal (all its segments, `file` being the active one): every line parses, seq runs
 * 1,2,3… and each prev is the hash of the line before, across segment boundaries. */
export function readJournal(file: string): JournalLine[] {
  const out: JournalLine[] = [];
  let prev = GENESIS;
  let seq = 0;
  for (const segment of allSegments(file)) {
    const texts = readSegmentText(segment).split('\n');
    if (texts[texts.length - 1] === '') texts.pop();
    else if (texts.length > 0)
      throw new JournalError(
        segment,
        texts.length,
        'last line is torn (no newline): the process died mid-write',
      );
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i];
      let record: JournalLine['record'];
      try {
        record = JSON.parse(text);
      } catch {
        throw new JournalError(segment, i + 1, 'not valid JSON');
      }
      seq += 1;
      if (record.seq !== seq)
        throw new JournalError(segment, i + 1, `seq ${String(record.seq)} where ${seq} was expected`);
      if (record.prev !== prev)
        throw new JournalError(
          segment,
          i + 1,
          'prev does not match the hash of the line before (edited or missing line)',
        );
      prev = hashLine(text);
      out.push({ line: i + 1, file: segment, text, record });
    }
  }
  return out;
}

/** 'every-fill': fsync after each fill (the live default); 'every-line': after each line; 'none': the OS decides.
 * 'every' is the older name of 'every-line'. */
export type FsyncPolicy = 'every-fill' | 'every-line' | 'none' | 'every';

export interface JournalOptions extends Partial<RotationOptions> {
  fsync: FsyncPolicy;
}

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

/** A torn tail found on open and moved aside. */
export interface SetAside {
  /** The journal file whose tail it was. */
  journal: string;
  /** The line number it had there. */
  line: number;
  /** Where its bytes are now. */
  file: string;
  bytes: number;
}

/** Side files that hold torn tails set aside from `file`'s journal, oldest first. */
export function setAsideFiles(file: string): string[] {
  const dir = dirname(file);
  if (!existsSync(dir)) return [];
  const prefix = `${basename(file).replace(/\.ndjson$/, '')}.torn-`;
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.ndjson'))
    .sort()
    .map((f) => join(dir, f));
}

function writeDurably(file: string, content: Buffer): void {
  const fd = openSync(file, 'wx');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Move a torn last line (no newline, or not JSON) into a side file and cut it off the active segment. */
function setAsideTornTail(file: string): SetAside | null {
  if (!existsSync(file)) return null;
  const bytes = readFileSync(file);
  if (bytes.length === 0) return null;
  const endsClean = bytes[bytes.length - 1] === 0x0a;
  const body = endsClean ? bytes.subarray(0, bytes.length - 1) : bytes;
  const cut = body.lastIndexOf(0x0a) + 1;
  const lastLine = body.subarray(cut).toString('utf8');
  if (endsClean) {
    try {
      JSON.parse(lastLine);
      return null;
    } catch {
      // Unparsable even with its newline: torn all the same.
    }
  }
  const line = bytes.subarray(0, cut).reduce((n, b) => (b === 0x0a ? n + 1 : n), 0) + 1;
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const stemName = basename(file).replace(/\.ndjson$/, '');
  let side = join(dirname(file), `${stemName}.torn-${stamp}.ndjson`);
  for (let n = 2; existsSync(side); n++) side = join(dirname(file), `${stemName}.torn-${stamp}-${n}.ndjson`);
  // The side file is durable before the journal is cut: the bytes exist somewhere at every moment.
  writeDurably(side, bytes.subarray(cut));
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, cut);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { journal: file, line, file: side, bytes: bytes.length - cut };
}

/** The last line of the journal (active segment, else the newest closed one). */
function lastLineOf(file: string): string | null {
  for (const segment of [file, ...closedSegments(file).reverse()]) {
    if (!existsSync(segment)) continue;
    const text = readSegmentText(segment);
    if (text.length === 0) continue;
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    return body.slice(body.lastIndexOf('\n') + 1);
  }
  return null;
}

export class Journal {
  private fd: number;
  private seq: number;
  private prevHash = GENESIS;
  /**
   * The last line, not hashed yet: its hash is only needed by the next line (or the head at close), so it is not
   * computed between writing an order and sending it (~30-50 µs on a cold path); `settle` hashes it once the
   * engine has handled its tick, so the next tick's order does not pay for it either.
   */
  private unhashed: string | null = null;
  private activeBytes: number;
  /** UTC day of the active segment's first line; null while it is empty. */
  private activeDay: number | null = null;
  private readonly fsyncFills: boolean;
  private readonly fsyncLines: boolean;
  private readonly segmentBytes: number;
  private readonly rotateDaily: boolean;
  /** The fsync policy in force. */
  readonly fsync: FsyncPolicy;
  /** What opening found torn and set aside (at most one tail per open); the engine alerts on it. */
  readonly setAside: SetAside[] = [];

  /** `file` is the active segment; closed segments sit beside it. */
  constructor(
    readonly file: string,
    options: JournalOptions = { fsync: 'none' },
  ) {
    this.fsync = options.fsync;
    this.fsyncLines = options.fsync === 'every-line' || options.fsync === 'every';
    this.fsyncFills = this.fsyncLines || options.fsync === 'every-fill';
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.rotateDaily = options.rotateDaily ?? false;
    mkdirSync(dirname(file), { recursive: true });
    finishInterruptedSeal(file);
    const torn = setAsideTornTail(file);
    if (torn) this.setAside.push(torn);
    const last = lastLineOf(file);
    if (last !== null) {
      let record: { seq?: unknown };
      try {
        record = JSON.parse(last);
      } catch {
        throw new JournalError(file, 0, 'the last line of the newest closed segment is not valid JSON');
      }
      this.seq = Number(record.seq);
      this.unhashed = last;
    } else {
      this.seq = 0;
    }
    this.fd = openSync(file, 'a');
    this.activeBytes = fstatSync(this.fd).size;
    if (this.activeBytes > 0) {
      const first = readFileSync(file, 'utf8').split('\n', 1)[0];
      const ts = (JSON.parse(first) as { ts?: unknown }).ts;
      if (typeof ts === 'number') this.activeDay = utcDay(ts);
    }
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Append one record; returns its seq. `seq` comes first and `prev` last, as PRODUCT.md shows. */
  append(record: JournalRecord): number {
    const seq = this.seq + 1;
    // The record's own JSON between seq and prev: a spread copy of each shape of record is slower to build
    // and to stringify (~20 %), and this runs between an order's decision and its sending.
    const body = JSON.stringify(record);
    const text = `{"seq":${seq}${body.length > 2 ? `,${body.slice(1, -1)}` : ''},"prev":"${this.prev}"}`;
    const line = text + '\n';
    const day = typeof record.ts === 'number' ? utcDay(record.ts) : this.activeDay;
    // A UTF-16 unit is at most 3 bytes of UTF-8: the exact byte count is only worked out near a segment's end.
    if (
      this.activeBytes > 0 &&
      ((this.activeBytes + line.length * 3 > this.segmentBytes &&
        this.activeBytes + Buffer.byteLength(line) > this.segmentBytes) ||
        (this.rotateDaily && day !== null && this.activeDay !== null && day > this.activeDay))
    )
      this.rotate();
    const length = writeSync(this.fd, line);
    if (this.fsyncLines || (this.fsyncFills && (record.type ?? 'fill') === 'fill')) fsyncSync(this.fd);
    if (this.activeBytes === 0) this.activeDay = day;
    this.activeBytes += length;
    this.seq = seq;
    this.unhashed = text;
    return seq;
  }

  /** Hash the last line now, off the path of the next order: the engine calls this when a tick is handled. */
  settle(): void {
    if (this.unhashed !== null) void this.prev;
  }

  /** The hash of the last line written (what the next line's `prev` must be). */
  private get prev(): string {
    if (this.unhashed !== null) {
      this.prevHash = hashLine(this.unhashed);
      this.unhashed = null;
    }
    return this.prevHash;
  }

  /** Close the active segment into a compressed one and start a new, empty active segment. */
  private rotate(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
    sealActiveSegment(this.file);
    this.fd = openSync(this.file, 'a');
    this.activeBytes = 0;
    this.activeDay = null;
  }

  flush(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
      // The head, beside the journal: `check` then catches an edited or cut-off last line too.
      if (this.seq > 0)
        replaceFileAtomically(
          journalHeadFile(this.file),
          JSON.stringify({ seq: this.seq, hash: this.prev }) + '\n',
        );
    }
  }
}
