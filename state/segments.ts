// Segmented NDJSON files: one active plain segment that grows, closed segments gzip-compressed beside it.
// journal.ndjson (active) ← journal.000001.ndjson.gz, journal.000002.ndjson.gz, … (closed, oldest first).
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { replaceFileAtomically } from './atomic-file.ts';

export interface RotationOptions {
  /** Close the active segment before it would grow past this many bytes. */
  segmentBytes: number;
  /** Close the active segment when a line's ts falls on a later UTC day than its first line's. */
  rotateDaily: boolean;
}

function stem(active: string): string {
  return basename(active).replace(/\.ndjson$/, '');
}

export function closedSegmentName(active: string, n: number): string {
  return join(dirname(active), `${stem(active)}.${String(n).padStart(6, '0')}.ndjson.gz`);
}

/** Closed segments of `active`, oldest first. */
export function closedSegments(active: string): string[] {
  const dir = dirname(active);
  if (!existsSync(dir)) return [];
  const pattern = new RegExp(
    `^${stem(active).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d{6})\\.ndjson\\.gz$`,
  );
  return readdirSync(dir)
    .map((f) => ({ f, m: pattern.exec(f) }))
    .filter((x) => x.m !== null)
    .sort((a, b) => Number(a.m![1]) - Number(b.m![1]))
    .map((x) => join(dir, x.f));
}

/** Every segment's file in order: closed ones, then the active one if it exists. */
export function allSegments(active: string): string[] {
  const files = closedSegments(active);
  if (existsSync(active)) files.push(active);
  return files;
}

export function readSegmentText(file: string): string {
  const bytes = readFileSync(file);
  return file.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
}

/** Compress the active segment into the next closed one, atomically, then remove it. Returns the closed file. */
export function sealActiveSegment(active: string): string {
  const closed = closedSegments(active);
  const last = closed.length > 0 ? Number(/\.(\d{6})\.ndjson\.gz$/.exec(closed[closed.length - 1])![1]) : 0;
  const target = closedSegmentName(active, last + 1);
  replaceFileAtomically(target, gzipSync(readFileSync(active)));
  unlinkSync(active);
  return target;
}

/** A crash between sealing and removing leaves the active segment twice: drop the plain copy if it is identical. */
export function finishInterruptedSeal(active: string): void {
  if (!existsSync(active) || statSync(active).size === 0) return;
  const closed = closedSegments(active);
  if (closed.length === 0) return;
  if (readSegmentText(closed[closed.length - 1]) === readFileSync(active, 'utf8')) unlinkSync(active);
}

export function utcDay(ts: number): number {
  return Math.floor(ts / 86_400_000);
}
