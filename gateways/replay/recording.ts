// A recording on disk: DIR/inputs.ndjson (the active segment), DIR/inputs.NNNNNN.ndjson.gz (closed, compressed),
// DIR/index.json (segment → first/last t, lines, bytes) and DIR/meta.json (instruments, profile, start time).
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import type { Instrument } from '../../source/core/instrument.ts';
import { replaceFileAtomically } from '../../state/atomic-file.ts';
import { closedSegments, readSegmentText, sealActiveSegment, utcDay } from '../../state/segments.ts';
import { InputDecoder, InputEncoder, type RecordedInput } from './recorded-input.ts';

export interface RecordingMeta {
  format: 1;
  /** What wrote it: "record" (market data only) or "engine" (every engine input, for an exact replay). */
  source: 'record' | 'engine';
  /** The engine clock when the desk was built (engine recordings). */
  startTs: number;
  instruments: Instrument[];
  /** The profile the engine ran with (engine recordings), for a replay with the same strategies and limits. */
  profile?: unknown;
}

export interface SegmentIndexEntry {
  file: string;
  firstT: number;
  lastT: number;
  lines: number;
  bytes: number;
}

export interface RecordingIndex {
  segments: SegmentIndexEntry[];
}

export class RecordingError extends Error {}

const activeFile = (dir: string) => join(dir, 'inputs.ndjson');
const indexFile = (dir: string) => join(dir, 'index.json');
const metaFile = (dir: string) => join(dir, 'meta.json');

export interface RecorderOptions {
  /** Raw bytes of the active segment before it is closed and compressed (default 8 MB). */
  segmentBytes?: number;
  /** Closed segments beyond this many bytes on disk are deleted, oldest first (default: keep all). */
  retainBytes?: number;
}

function readIndex(dir: string): RecordingIndex {
  if (!existsSync(indexFile(dir))) return { segments: [] };
  return JSON.parse(readFileSync(indexFile(dir), 'utf8')) as RecordingIndex;
}

/** A recording goes into a new or empty folder: an existing one is never appended to or overwritten. */
export function assertNewRecording(dir: string): void {
  if (existsSync(metaFile(dir)) || existsSync(activeFile(dir)) || closedSegments(activeFile(dir)).length > 0)
    throw new RecordingError(`recording ${dir}: already holds a recording; choose an empty folder`);
}

export class Recorder {
  private fd: number;
  private bytes = 0;
  private day: number | null = null;
  private readonly encoder = new InputEncoder();
  private readonly segmentBytes: number;
  private readonly retainBytes: number;
  private index: RecordingIndex;
  private firstT: number | null = null;
  private lastT = 0;
  private lines = 0;

  constructor(
    readonly dir: string,
    meta: RecordingMeta,
    options: RecorderOptions = {},
  ) {
    this.segmentBytes = options.segmentBytes ?? 8 * 1024 * 1024;
    this.retainBytes = options.retainBytes ?? Number.POSITIVE_INFINITY;
    mkdirSync(dir, { recursive: true });
    assertNewRecording(dir);
    replaceFileAtomically(metaFile(dir), JSON.stringify(meta) + '\n');
    this.index = readIndex(dir);
    this.fd = openSync(activeFile(dir), 'a');
  }

  record(input: RecordedInput): void {
    const day = utcDay(input.t);
    if (this.bytes > 0 && (this.bytes >= this.segmentBytes || (this.day !== null && day > this.day)))
      this.rotate();
    const line = JSON.stringify(this.encoder.encode(input)) + '\n';
    writeSync(this.fd, line);
    if (this.bytes === 0) {
      this.day = day;
      this.firstT = input.t;
    }
    this.bytes += Buffer.byteLength(line);
    this.lastT = input.t;
    this.lines += 1;
  }

  private rotate(): void {
    closeSync(this.fd);
    const sealed = sealActiveSegment(activeFile(this.dir));
    this.index.segments.push({
      file: basename(sealed),
      firstT: this.firstT ?? 0,
      lastT: this.lastT,
      lines: this.lines,
      bytes: statSync(sealed).size,
    });
    this.enforceRetention();
    replaceFileAtomically(indexFile(this.dir), JSON.stringify(this.index, null, 2) + '\n');
    this.encoder.reset();
    this.fd = openSync(activeFile(this.dir), 'a');
    this.bytes = 0;
    this.day = null;
    this.firstT = null;
    this.lines = 0;
  }

  private enforceRetention(): void {
    let total = this.index.segments.reduce((n, s) => n + s.bytes, 0);
    while (total > this.retainBytes && this.index.segments.length > 1) {
      const oldest = this.index.segments.shift()!;
      unlinkSync(join(this.dir, oldest.file));
      total -= oldest.bytes;
    }
  }

  /** Bytes on disk: closed segments plus the active one. */
  get diskBytes(): number {
    return (
      this.index.segments.reduce((n, s) => n + s.bytes, 0) + (this.fd >= 0 ? fstatSync(this.fd).size : 0)
    );
  }

  /** Seal the last segment too, so the whole recording is compressed and indexed. */
  close(): void {
    if (this.fd < 0) return;
    if (this.bytes > 0) this.rotate();
    closeSync(this.fd);
    this.fd = -1;
    if (existsSync(activeFile(this.dir))) unlinkSync(activeFile(this.dir));
    replaceFileAtomically(indexFile(this.dir), JSON.stringify(this.index, null, 2) + '\n');
  }
}

export function readRecordingMeta(dir: string): RecordingMeta {
  const file = metaFile(dir);
  if (!existsSync(file))
    throw new RecordingError(`recording ${dir}: no meta.json (is it a recording folder?)`);
  try {
    const meta = JSON.parse(readFileSync(file, 'utf8')) as RecordingMeta;
    if (meta.format !== 1 || !Array.isArray(meta.instruments)) throw new Error('format');
    return meta;
  } catch {
    throw new RecordingError(`recording ${file}: expected {"format":1,"instruments":[…],…}`);
  }
}

/** Every input of a recording in order: closed segments, then the active one a crash left open (its torn last
 * line, if any, skipped: market data, not money). */
export function* readRecording(dir: string): Generator<RecordedInput> {
  const active = activeFile(dir);
  const closed = closedSegments(active);
  const files = [...closed];
  // A crash between sealing and removing leaves the active segment twice: read it once.
  if (
    existsSync(active) &&
    (closed.length === 0 || readSegmentText(closed[closed.length - 1]) !== readFileSync(active, 'utf8'))
  )
    files.push(active);
  const decoder = new InputDecoder();
  for (const file of files) {
    decoder.reset();
    const lines = readSegmentText(file).split('\n');
    const tail = lines.pop();
    if (tail !== '' && file !== active)
      throw new RecordingError(`recording ${file}:${lines.length + 1}: torn last line in a closed segment`);
    for (let i = 0; i < lines.length; i++) {
      let encoded: unknown[];
      try {
        encoded = JSON.parse(lines[i]) as unknown[];
      } catch {
        throw new RecordingError(`recording ${file}:${i + 1}: not valid JSON`);
      }
      try {
        yield decoder.decode(encoded);
      } catch (e) {
        throw new RecordingError(`recording ${file}:${i + 1}: ${(e as Error).message}`);
      }
    }
  }
}
